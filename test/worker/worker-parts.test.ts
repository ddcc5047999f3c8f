// The worker's parts in Node, on real captures: the packet index, the flow view and reading packet
// bytes back from the file must agree with what the engine reports.

import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { instantiate } from '../../src/core/wasm.js';
import { Engine } from '../../src/core/engine.js';
import { feed, slices, streamGunzip } from '../../src/core/feed.js';
import { readPacket, type PacketRecord } from '../../src/core/packets.js';
import { wasmPath } from '../../src/core/node.js';
import { PacketIndex } from '../../src/worker/packet-index.js';
import { FlowTable } from '../../src/worker/flow-table.js';
import { FlowView } from '../../src/worker/flow-view.js';
import { PacketBytes } from '../../src/worker/packet-bytes.js';
import { blobChunks } from '../../src/worker/blob-chunks.js';
import { parseIp } from '../../src/filter/address.js';
import { ANALYSIS_FLAGS } from '../../src/core/layout.js';

const CORPUS = fileURLToPath(new URL('../fixtures/corpus', import.meta.url));

async function open(bytes: Uint8Array, slice?: number) {
  const core = await instantiate(await readFile(wasmPath()));
  const engine = new Engine(core);
  const index = new PacketIndex();
  const records: PacketRecord[] = [];
  engine.begin({ onPackets: (v, n) => { index.add(v, n); for (let i = 0; i < n; i++) records.push(readPacket(v, i)); } });
  const chunks = blobChunks(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  await feed(engine, slice ? slices(chunks, slice) : chunks, streamGunzip);
  return { engine, index, records, table: new FlowTable(core) };
}

describe('packet index', () => {
  it('keeps every record and chains each flow in capture order, whatever the slice size', async () => {
    const bytes = readFileSync(join(CORPUS, 'tcpreplay/test.pcap'));
    for (const slice of [7, 4096, undefined]) {
      const { engine, index, records } = await open(bytes, slice);
      expect(index.count).toBe(records.length);
      for (let f = 0; f < engine.flowCount; f++) {
        const mine = Array.from(index.packetsOf(f));
        const want = records.flatMap((r, i) => (r.flow === f ? [i] : []));
        expect(mine).toEqual(want);
        const fl = engine.flow(f);
        expect(mine.length).toBe(fl.packets.client + fl.packets.server);
      }
      const t0 = records[0].time;
      records.forEach((r, i) => {
        expect(index.frame(i)).toBe(r.frame);
        expect(index.offset(i)).toBe(r.dataOffset);
        expect(index.time(i)).toBeCloseTo(r.time - t0, 6);
        expect([index.seq(i), index.ack(i), index.len(i), index.flags(i), index.dir(i)]).toEqual([r.seq, r.ack, r.len, r.tcpFlags, r.dir]);
      });
    }
  });
});

describe('flow view', () => {
  it('filters and sorts as the engine\'s flows say', async () => {
    const { engine, table } = await open(readFileSync(join(CORPUS, 'zeek/traces/wikipedia.pcap')));
    const flows = engine.flows();
    const view = new FlowView();
    const ids = () => Array.from({ length: view.rows }, (_, p) => view.flowAt(p));

    expect(view.update(table, { filter: '', sort: null, descending: false })).toEqual({ rows: 34, total: 34, error: null });
    expect(ids()).toEqual(flows.map((_, i) => i));

    view.update(table, { filter: 'udp && dstport == 53', sort: null, descending: false });
    expect(ids()).toEqual(flows.flatMap((f, i) => (f.proto === 'udp' && f.server.port === 53 ? [i] : [])));

    view.update(table, { filter: 'ip.src == 141.142.220.118 && tcp', sort: null, descending: false });
    expect(ids()).toEqual(flows.flatMap((f, i) => (f.proto === 'tcp' && f.client.ip === '141.142.220.118' ? [i] : [])));

    const total = (i: number) => flows[i].bytes.client + flows[i].bytes.server;
    view.update(table, { filter: '', sort: 'bytes', descending: true });
    const byBytes = flows.map((_, i) => i).sort((a, b) => total(b) - total(a) || a - b);
    expect(ids()).toEqual(byBytes);

    view.update(table, { filter: 'tcp', sort: 'duration', descending: false });
    const tcp = flows.flatMap((f, i) => (f.proto === 'tcp' ? [i] : []));
    expect(ids()).toEqual(tcp.sort((a, b) => flows[a].duration - flows[b].duration || a - b));
    expect(view.positionOf(tcp[0])).toBe(0);
    expect(view.positionOf(0)).toBe(-1); // a udp flow, filtered out

    const bad = view.update(table, { filter: 'tcp &&', sort: 'duration', descending: false });
    expect(bad.error).toMatchObject({ code: 'unexpected_end', at: 6 });
    expect(bad.rows).toBe(tcp.length); // the last good filter still holds
  });

  it('sorts endpoints by family, address and port, IPv6 included', async () => {
    const { engine, table } = await open(readFileSync(join(CORPUS, 'tcpreplay/test.pcap')));
    const flows = engine.flows();
    const key = (e: { ip: string; port: number }) => {
      const a = parseIp(e.ip)!;
      return [a.length, ...a, e.port >> 8, e.port & 0xff].map((b) => String.fromCharCode(b)).join('');
    };
    const view = new FlowView();
    for (const descending of [false, true]) {
      view.update(table, { filter: '', sort: 'server', descending });
      const want = flows.map((_, i) => i).sort((a, b) => {
        const ka = key(flows[a].server), kb = key(flows[b].server);
        return (ka < kb ? -1 : ka > kb ? 1 : 0) * (descending ? -1 : 1) || a - b;
      });
      expect(Array.from({ length: view.rows }, (_, p) => view.flowAt(p))).toEqual(want);
    }
    expect(flows.some((f) => f.server.ip.includes(':'))).toBe(true);
  });

  it('reads client and server as the engine does', async () => {
    const { engine, table } = await open(readFileSync(join(CORPUS, 'zeek/traces/ftp/ipv4.pcap')));
    table.refresh();
    engine.flows().forEach((f, i) => {
      expect(table.port(i, 0)).toBe(f.client.port);
      expect(table.port(i, 1)).toBe(f.server.port);
      expect(Array.from(table.address(i, 1)).join('.')).toBe(f.server.ip);
      expect(table.number(i, 'packets')).toBe(f.packets.client + f.packets.server);
      expect(table.number(i, 'duration')).toBeCloseTo(f.duration, 6);
    });
  });

  it('reads the TCP analysis as the engine\'s summary does', async () => {
    for (const name of ['tcpreplay/test.pcap', 'zeek/traces/ldap/gap-data-missing.pcapng', 'tcptrace/input/tcpudp.dmp']) {
      const { engine, table } = await open(readFileSync(join(CORPUS, name)));
      table.refresh();
      engine.flows().forEach((f, i) => {
        const rtt = table.number(i, 'rtt');
        if (f.tcp?.initialRtt == null) expect(rtt).toBeNaN(); else expect(rtt).toBeCloseTo(f.tcp.initialRtt, 9);
        ANALYSIS_FLAGS.forEach((flag, k) => expect(table.analysis(i, k)).toBe(f.tcp?.analysis[flag] ?? 0));
      });
    }
    const { table } = await open(readFileSync(join(CORPUS, 'zeek/traces/ldap/gap-data-missing.pcapng')));
    expect(table.analysis(0, -1)).toBeGreaterThan(0); // this flow has a lost segment and a retransmission
    const view = new FlowView();
    view.update(table, { filter: 'tcp.analysis.retransmission', sort: 'rtt', descending: true });
    expect(view.rows).toBe(1);
  });
});

describe('packet bytes', () => {
  const frame = (bytes: Uint8Array, r: PacketRecord) => {
    // The test knows where the data is: pcap records have a 16-byte header, pcapng EPBs 28.
    const skip = bytes[0] === 0x0a ? 28 : 16;
    return bytes.subarray(r.offset + skip, r.offset + skip + r.capLen);
  };

  for (const name of ['zeek/traces/http/get.pcap', 'zeek/traces/ldap/gap-data-missing.pcapng']) {
    it(`reads packets back from ${name}, plain and gzipped`, async () => {
      const bytes = readFileSync(join(CORPUS, name));
      const { records } = await open(bytes);
      for (const gzip of [false, true]) {
        const reader = new PacketBytes(new Blob([gzip ? gzipSync(bytes) : bytes]), gzip);
        for (const r of [records[0], records[1], records.at(-1)!]) {
          expect(r.dataOffset - r.offset).toBe(bytes[0] === 0x0a ? 28 : 16); // the core says where the data is
          expect(Buffer.from(await reader.read(r.dataOffset, r.capLen))).toEqual(Buffer.from(frame(bytes, r)));
        }
      }
    });
  }
});
