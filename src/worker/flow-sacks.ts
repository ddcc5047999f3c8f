// The SACK blocks of a flow's ACKs (RFC 2018), for the time-sequence graph. The core keeps no TCP
// options per packet, so they are read back from the file: the flow's ACKs' bytes, runs of nearby
// packets in one slice each, each packet decoded as the packet view decodes it. The work is done in
// batches that let the page's other requests through.

import { dissectAny, type Expect } from '../inspect/index.js';
import type { PacketIndex } from './packet-index.js';

/** Packets decoded between two yields to the message loop. */
const BATCH = 20_000;
/** Packets closer than this are read in one slice, up to this much at a time. */
const GAP = 1 << 20;
const WINDOW = 32 << 20;

export interface SackQuery {
  file: Blob;
  /** The candidates: their positions in the flow, file offsets of their data, captured lengths, relative Acks. */
  k: Uint32Array;
  offset: Float64Array;
  capLen: Uint32Array;
  relAck: Uint32Array;
  linkTypes: number[];
  expect: Expect;
}

/** The flow's ACKs with room for a SACK option: more header bytes than Ethernet, IPv4 and a bare TCP header. */
export function sackQuery(ix: PacketIndex, packet: Uint32Array, file: Blob, linkTypes: number[], expect: Expect): SackQuery {
  const k: number[] = [];
  for (let i = 0; i < packet.length; i++) {
    const p = packet[i];
    if (ix.flags(p) & 16 && ix.wireLen(p) - ix.len(p) >= 64) k.push(i);
  }
  return {
    file, k: Uint32Array.from(k), offset: Float64Array.from(k, (i) => ix.offset(packet[i])),
    capLen: Uint32Array.from(k, (i) => ix.capLen(packet[i])), relAck: Uint32Array.from(k, (i) => ix.ack(packet[i])),
    linkTypes, expect,
  };
}

/** Triplets [k, left, right]: each block of each ACK, relative to the Ack's base (as Wireshark shows them). */
export async function readSacks(q: SackQuery): Promise<Float64Array> {
  const n = q.k.length;
  const out: number[] = [];
  let done = 0;
  for (let i = 0; i < n;) {
    // One read for a run of packets close together: a slice per packet costs far more than the gaps.
    let j = i, end = q.offset[i] + q.capLen[i];
    while (j + 1 < n && q.offset[j + 1] - end < GAP && q.offset[j + 1] + q.capLen[j + 1] - q.offset[i] <= WINDOW) {
      j++;
      end = Math.max(end, q.offset[j] + q.capLen[j]);
    }
    const run = new Uint8Array(await q.file.slice(q.offset[i], end).arrayBuffer());
    for (let m = i; m <= j; m++) {
      const at = q.offset[m] - q.offset[i];
      sacksOf(run.subarray(at, at + q.capLen[m]), q, m, out);
      if (++done % BATCH === 0) await new Promise((ok) => setTimeout(ok));
    }
    i = j + 1;
  }
  return Float64Array.from(out);
}

/** Appends the SACK blocks of candidate `m` (its bytes `pkt`) to `out`. */
function sacksOf(pkt: Uint8Array, q: SackQuery, m: number, out: number[]): void {
  const d = dissectAny(pkt, q.linkTypes, q.expect);
  const tcp = d.layers.find((l) => l.id === 'tcp' && !l.quoted);
  const sack = tcp?.fields.find((f) => f.id === 'tcp.options.sack');
  const ack = tcp?.fields.find((f) => f.id === 'tcp.ack');
  if (!sack || !ack) return;
  const base = Number(ack.value) - q.relAck[m];
  const rel = (raw: number) => (raw - base + 2 * 4294967296) % 4294967296;
  const view = new DataView(pkt.buffer, pkt.byteOffset, pkt.byteLength);
  for (let b = (sack.bit >> 3) + 2; b + 8 <= (sack.bit + sack.bits) >> 3; b += 8) {
    out.push(q.k[m], rel(view.getUint32(b)), rel(view.getUint32(b + 4)));
  }
}
