// Every packet's record, kept in columns of typed arrays (about 64 bytes a packet): enough to draw a
// flow's ladder and packet list and to find the packet's bytes in the file again, without keeping
// the file. Packets of one flow are chained, so a flow's packets are found without a scan.

import { Packet, NONE } from '../core/layout.js';

export class PacketIndex {
  count = 0;
  #cap = 0;
  /** File offset of the packet's data (decompressed bytes, for gzip). */
  offset = new Float64Array(0);
  /** Seconds since the capture's first packet. */
  time = new Float64Array(0);
  frame = new Uint32Array(0);
  flow = new Uint32Array(0);
  /** The flow's next packet, or -1. */
  next = new Int32Array(0);
  seq = new Uint32Array(0);
  ack = new Uint32Array(0);
  len = new Uint32Array(0);
  window = new Uint32Array(0);
  analysis = new Uint32Array(0);
  wireLen = new Uint32Array(0);
  capLen = new Uint32Array(0);
  /** LINKTYPE_* of the packet's interface. */
  linkType = new Uint32Array(0);
  flags = new Uint16Array(0);
  /** 0: sent by the flow's endpoint A (its first sender), 1: by B. */
  dir = new Uint8Array(0);
  /** RFC 9293 state of endpoints A and B after the packet (layout.ts TCP_STATES). */
  stateA = new Uint8Array(0);
  stateB = new Uint8Array(0);

  #head = new Int32Array(0);
  #tail = new Int32Array(0);
  #perFlow = new Uint32Array(0);
  #baseLo = 0;
  #baseHi = 0;

  /** Copies a batch of the core's packet records (valid only during the call). */
  add(records: DataView, n: number): void {
    this.#reserve(this.count + n);
    const words = alignedWords(records, n);
    const W = Packet.size >> 2;
    if (this.count === 0 && n > 0) { this.#baseLo = words[Packet.time >> 2]; this.#baseHi = words[(Packet.time >> 2) + 1]; }
    for (let r = 0; r < n; r++) {
      const w = r * W;
      const i = this.count++;
      const hi = words[w + (Packet.time >> 2) + 1];
      // Exact while the capture spans under 104 days: the difference stays below 2^53 ns.
      this.time[i] = ((hi - this.#baseHi) * 4294967296 + (words[w + (Packet.time >> 2)] - this.#baseLo)) / 1e9;
      // the record's offset plus its header: dataAt is a u16 at byte 90, the high half of its word
      this.offset[i] = words[w + (Packet.offset >> 2)] + words[w + (Packet.offset >> 2) + 1] * 4294967296
        + (words[w + (Packet.dataAt >> 2)] >>> 16);
      this.frame[i] = words[w + (Packet.frame >> 2)];
      this.wireLen[i] = words[w + (Packet.wireLen >> 2)];
      this.capLen[i] = words[w + (Packet.capLen >> 2)];
      this.linkType[i] = words[w + (Packet.linkType >> 2)];
      this.seq[i] = words[w + (Packet.seq >> 2)];
      this.ack[i] = words[w + (Packet.ack >> 2)];
      this.len[i] = words[w + (Packet.len >> 2)];
      this.window[i] = words[w + (Packet.window >> 2)];
      this.analysis[i] = words[w + (Packet.analysis >> 2)];
      // tcpFlags u16 at 44, dir u8 at 46, proto u8 at 47: one word, little-endian
      const fw = words[w + (Packet.tcpFlags >> 2)];
      this.flags[i] = fw & 0xffff;
      this.dir[i] = (fw >>> 16) & 0xff;
      // stateA u8 at 88, stateB u8 at 89 (dataAt fills the word's high half)
      const sw = words[w + (Packet.stateA >> 2)];
      this.stateA[i] = sw & 0xff;
      this.stateB[i] = (sw >>> 8) & 0xff;
      const f = words[w + (Packet.flow >> 2)];
      this.flow[i] = f;
      this.next[i] = -1;
      if (f !== NONE) this.#link(f, i);
    }
  }

  /** The first packet's time, in nanoseconds since the epoch: `time` counts from here. */
  get baseNs(): bigint {
    return BigInt.asIntN(64, (BigInt(this.#baseHi) << 32n) | BigInt(this.#baseLo));
  }

  /** The capture-wide indexes of a flow's packets, in capture order. */
  packetsOf(flow: number): Uint32Array {
    const n = flow < this.#perFlow.length ? this.#perFlow[flow] : 0;
    const out = new Uint32Array(n);
    for (let k = 0, i = n ? this.#head[flow] : -1; i >= 0 && k < n; i = this.next[i]) out[k++] = i;
    return out;
  }

  #link(f: number, i: number): void {
    if (f >= this.#head.length) {
      const size = Math.max(1024, f + 1, this.#head.length * 2);
      this.#head = grow(this.#head, size, -1);
      this.#tail = grow(this.#tail, size, -1);
      this.#perFlow = grow(this.#perFlow, size, 0);
    }
    if (this.#perFlow[f]++ === 0) this.#head[f] = i;
    else this.next[this.#tail[f]] = i;
    this.#tail[f] = i;
  }

  #reserve(n: number): void {
    if (n <= this.#cap) return;
    const cap = Math.max(65536, n, this.#cap * 2);
    this.offset = grow(this.offset, cap); this.time = grow(this.time, cap);
    this.frame = grow(this.frame, cap); this.flow = grow(this.flow, cap); this.next = grow(this.next, cap);
    this.seq = grow(this.seq, cap); this.ack = grow(this.ack, cap); this.len = grow(this.len, cap);
    this.window = grow(this.window, cap); this.analysis = grow(this.analysis, cap);
    this.wireLen = grow(this.wireLen, cap); this.capLen = grow(this.capLen, cap); this.linkType = grow(this.linkType, cap);
    this.flags = grow(this.flags, cap); this.dir = grow(this.dir, cap);
    this.stateA = grow(this.stateA, cap); this.stateB = grow(this.stateB, cap);
    this.#cap = cap;
  }
}

type Typed = Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;

function grow<T extends Typed>(a: T, size: number, fill?: number): T {
  const out = new (a.constructor as new (n: number) => T)(size);
  out.set(a as never);
  if (fill !== undefined && fill !== 0) out.fill(fill, a.length);
  return out;
}

/** The records as 32-bit words; copied only if the core's buffer is not 4-byte aligned. */
function alignedWords(v: DataView, n: number): Uint32Array {
  const bytes = n * Packet.size;
  if (v.byteOffset % 4 === 0) return new Uint32Array(v.buffer, v.byteOffset, bytes >> 2);
  return new Uint32Array(new Uint8Array(v.buffer, v.byteOffset, bytes).slice().buffer);
}
