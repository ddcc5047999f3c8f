// Floods of new flows: the flow table and the TCP table stop at their limits with a warning, instead
// of growing past what one allocation of the core (1 GiB) or its memory (4 GiB) can hold; packets of
// the flows they already hold are still analysed. A SYN flood of 600,000 connections (a 40 MB file)
// once made the core abort at its 524,289th. The flood past 4 million flows is a 300 MB file and
// takes over 2 GiB of memory: about ten seconds.

import { expect, test } from 'vitest';
import { PcapWriter } from '../helpers/capture-writer.js';
import { T0 } from '../helpers/traffic.js';
import { analyzeBytes } from '../../src/core/node.js';

const MAX_TCP = 1 << 19;
const MAX_FLOWS = 4 << 20;
/** What the core may take at its limits: tables, the copies growing them left, and memory.grow's doubling. */
const MEMORY_AT_LIMITS = 3 * 2 ** 30;

const RECORD = 16 + 14 + 20 + 20;

/**
 * `n` packets from 10.x.y.z (a new host every 65,536) to 192.0.2.1 port 80, each from its own port:
 * every one a new flow. `tcp(i)` says which are TCP SYNs; the others are UDP. Then the server's
 * SYN-ACK to the first: a packet of a flow the table holds.
 */
function flood(n: number, tcp: (i: number) => boolean): Uint8Array {
  const w = new PcapWriter({ keepOffsets: false });
  const packet = (i: number, reply: boolean) => {
    const at = w.record(T0 + BigInt(i) * 1000n, 54, 54);
    const v = new DataView(w.buffer.buffer, at, 54);
    const client = (10 << 24) | (i >>> 16), server = 0xc0000201;
    v.setUint16(12, 0x0800);
    v.setUint8(14, 0x45); v.setUint16(16, 40); v.setUint8(22, 64); v.setUint8(23, tcp(i) ? 6 : 17);
    v.setUint32(26, reply ? server : client); v.setUint32(30, reply ? client : server);
    v.setUint16(reply ? 36 : 34, i & 0xffff); v.setUint16(reply ? 34 : 36, 80);
    if (tcp(i)) { v.setUint32(38, i); v.setUint32(42, reply ? i + 1 : 0); v.setUint16(46, reply ? 0x5012 : 0x5002); } else v.setUint16(38, 20);
  };
  for (let i = 0; i < n; i++) packet(i, false);
  packet(0, true);
  return w.bytes();
}

async function read(bytes: Uint8Array) {
  const engine = await analyzeBytes(bytes, 4 << 20);
  return { summary: engine.summary(), first: engine.flow(0), memory: engine.memoryBytes };
}

const offsetOf = (i: number) => 24 + i * RECORD;

test(`a SYN flood past ${MAX_TCP} connections: the TCP table stops, the rest is counted`, async () => {
  const n = MAX_TCP + 20_000;
  const { summary, first, memory } = await read(flood(n, () => true));
  expect(summary.warnings.map(({ code, packet, offset }) => ({ code, packet, offset }))).toEqual([
    { code: 'tcp_table_full', packet: MAX_TCP + 1, offset: offsetOf(MAX_TCP) },
  ]);
  expect(summary).toMatchObject({ packets: n + 1, flows: MAX_TCP, stopped: false });
  expect(first).toMatchObject({ packets: { client: 1, server: 1 }, tcp: { handshake: { outcome: 'incomplete' } } });
  expect(memory).toBeLessThanOrEqual(MEMORY_AT_LIMITS);
}, 120_000);

test(`a flood past ${MAX_FLOWS} flows, first TCP then UDP: both tables stop`, async () => {
  const syns = MAX_TCP + 1000, n = MAX_FLOWS + 2000;
  const { summary, memory } = await read(flood(n, (i) => i < syns));
  // flows after packet i (UDP from `syns` on): MAX_TCP of the SYNs, and one for each UDP packet
  const full = MAX_FLOWS + syns - MAX_TCP;
  expect(summary.warnings.map(({ code, packet, offset }) => ({ code, packet, offset }))).toEqual([
    { code: 'tcp_table_full', packet: MAX_TCP + 1, offset: offsetOf(MAX_TCP) },
    { code: 'table_full', packet: full + 1, offset: offsetOf(full) },
  ]);
  expect(summary).toMatchObject({ packets: n + 1, flows: MAX_FLOWS, stopped: false });
  expect(memory).toBeLessThanOrEqual(MEMORY_AT_LIMITS);
}, 600_000);
