// A new capture cut from the opened one: the chosen packets' bytes exactly as they are in the file,
// behind fresh headers that keep each packet's time, wire length and link type. One link type gives
// a classic pcap (every tool reads it); several give a pcapng with one interface per link type.

import type { PacketIndex } from './packet-index.js';

export interface CutCapture {
  blob: Blob;
  format: 'pcap' | 'pcapng';
  packets: number;
}

/** Where a cut packet's captured bytes are, in capture order. */
export type ReadPieces = (offsets: Float64Array, lengths: Uint32Array) => Promise<BlobPart[]>;

/** Snap length written in headers: tcpdump's default, or the longest packet if that is longer. */
const SNAPLEN = 262144;

/** Packets `packets` (capture-wide indexes, in capture order) as a capture file. */
export async function cutCapture(index: PacketIndex, packets: Uint32Array, read: ReadPieces): Promise<CutCapture> {
  const n = packets.length;
  const offsets = new Float64Array(n), lengths = new Uint32Array(n);
  const ns = new Array<bigint>(n);
  const base = index.baseNs;
  const links: number[] = [];
  let micro = true, snap = SNAPLEN;
  for (let k = 0; k < n; k++) {
    const i = packets[k];
    offsets[k] = index.offset(i);
    lengths[k] = index.capLen(i);
    snap = Math.max(snap, index.capLen(i));
    // `time` is seconds since the first packet, exact to the nanosecond for captures under 26 days
    ns[k] = base + BigInt(Math.round(index.time(i) * 1e9));
    if (ns[k] % 1000n !== 0n) micro = false;
    if (!links.includes(index.linkType(i))) links.push(index.linkType(i));
  }
  const data = await read(offsets, lengths);
  const parts: BlobPart[] = [];
  if (links.length <= 1) {
    parts.push(pcapHeader(links[0] ?? 1, snap, micro));
    for (let k = 0; k < n; k++) {
      parts.push(pcapRecord(ns[k], micro, lengths[k], index.wireLen(packets[k])), data[k]);
    }
    return { blob: new Blob(parts, { type: 'application/vnd.tcpdump.pcap' }), format: 'pcap', packets: n };
  }
  parts.push(sectionHeader());
  for (const link of links) parts.push(interfaceBlock(link, snap));
  for (let k = 0; k < n; k++) {
    const i = packets[k];
    const pad = (4 - (lengths[k] & 3)) & 3;
    const [head, tail] = enhancedPacket(links.indexOf(index.linkType(i)), ns[k], lengths[k], index.wireLen(i), pad);
    parts.push(head, data[k], tail);
  }
  return { blob: new Blob(parts, { type: 'application/octet-stream' }), format: 'pcapng', packets: n };
}

/** pcap file header (little-endian): magic, version 2.4, zone, sigfigs, snaplen, link type. */
function pcapHeader(linkType: number, snaplen: number, micro: boolean): ArrayBuffer {
  const v = new DataView(new ArrayBuffer(24));
  v.setUint32(0, micro ? 0xa1b2c3d4 : 0xa1b23c4d, true); // nanosecond pcap keeps finer clocks whole
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, snaplen, true);
  v.setUint32(20, linkType, true);
  return v.buffer;
}

/** pcap record header: seconds, micro- or nanoseconds, captured and wire length. */
function pcapRecord(ns: bigint, micro: boolean, capLen: number, wireLen: number): ArrayBuffer {
  const v = new DataView(new ArrayBuffer(16));
  const sec = ns / 1_000_000_000n, frac = ns % 1_000_000_000n;
  v.setUint32(0, Number(BigInt.asUintN(32, sec)), true);
  v.setUint32(4, Number(micro ? frac / 1000n : frac), true);
  v.setUint32(8, capLen, true);
  v.setUint32(12, wireLen, true);
  return v.buffer;
}

// pcapng (draft-ietf-opsawg-pcapng-03): little-endian blocks of type, total length, body, total length.

function sectionHeader(): ArrayBuffer {
  const v = new DataView(new ArrayBuffer(28));
  v.setUint32(0, 0x0a0d0d0a, true);
  v.setUint32(4, 28, true);
  v.setUint32(8, 0x1a2b3c4d, true);
  v.setUint16(12, 1, true); // version 1.0
  v.setBigInt64(16, -1n, true); // section length not given
  v.setUint32(24, 28, true);
  return v.buffer;
}

/** Interface description with if_tsresol = 9: timestamps count nanoseconds. */
function interfaceBlock(linkType: number, snaplen: number): ArrayBuffer {
  const v = new DataView(new ArrayBuffer(32));
  v.setUint32(0, 1, true);
  v.setUint32(4, 32, true);
  v.setUint16(8, linkType, true);
  v.setUint32(12, snaplen, true);
  v.setUint16(16, 9, true); // if_tsresol, 1 byte, then 3 of padding
  v.setUint16(18, 1, true);
  v.setUint8(20, 9);
  // 24: opt_endofopt (zero), 28: total length
  v.setUint32(28, 32, true);
  return v.buffer;
}

/** An enhanced packet block around `capLen` bytes of data: the part before them and the part after. */
function enhancedPacket(iface: number, ns: bigint, capLen: number, wireLen: number, pad: number): [ArrayBuffer, ArrayBuffer] {
  const total = 32 + capLen + pad;
  const h = new DataView(new ArrayBuffer(28));
  h.setUint32(0, 6, true);
  h.setUint32(4, total, true);
  h.setUint32(8, iface, true);
  h.setUint32(12, Number(BigInt.asUintN(64, ns) >> 32n), true);
  h.setUint32(16, Number(BigInt.asUintN(32, ns)), true);
  h.setUint32(20, capLen, true);
  h.setUint32(24, wireLen, true);
  const t = new DataView(new ArrayBuffer(pad + 4));
  t.setUint32(pad, total, true);
  return [h.buffer, t.buffer];
}
