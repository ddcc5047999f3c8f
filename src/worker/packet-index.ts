// Every packet's record, packed into 30 bytes a packet: enough to draw a flow's ladder and packet list
// and to find the packet's bytes in the file again, without keeping the file. Columns are pages of
// typed arrays, so growing never copies and at most one page is unused. What a narrow column cannot
// hold (lengths past 65534, an offset's high word, the time block a u32 of nanoseconds counts from,
// the link type, rare flag bits) is kept in short side lists, so that every value reads back exactly as
// the core wrote it. Each packet points back to its flow's previous packet: a flow's packets are found
// without a scan.

import { Packet, NONE } from '../core/layout.js';

const PAGE_BITS = 16;
const PAGE = 1 << PAGE_BITS;
const MASK = PAGE - 1;
const TWO32 = 4294967296;
/** In a u16 column: the value is in the column's side list. */
const WIDE = 0xffff;

// The packed word: TCP flags FIN to AE (9 bits), direction (1), analysis (15: layout.ts
// ANALYSIS_FLAGS), then the states of both endpoints as one code (7).
const FLAGS = 0x1ff;
const ANALYSIS = 0x7fff;
const STATE_SHIFT = 25;
/** RFC 9293 states (layout.ts TCP_STATES): codes 0 to 120 are stateA * STATES + stateB. */
const STATES = 11;
/** The code of a packet without a flow. */
const NO_FLOW = STATES * STATES;
/** The code of a packet whose flags, direction, analysis and states are in the `odd` side list. */
const ODD = 127;

/** What the index is budgeted a packet (it takes 30 bytes). */
export const INDEX_BYTES_PER_PACKET = 32;

/**
 * The most packets the index holds on a device with `deviceMemory` GiB (navigator.deviceMemory,
 * which browsers report up to 8): a quarter of that memory, 2 GiB where the browser does not say.
 * Past it the core still reads and analyses every packet; only the per-packet views stop.
 */
export function indexLimit(deviceMemory?: number): number {
  const gib = Math.min(8, deviceMemory && deviceMemory > 0 ? deviceMemory : 8) / 4;
  return Math.floor((gib * 2 ** 30) / INDEX_BYTES_PER_PACKET);
}

export class PacketIndex {
  count = 0;
  /** The most packets it holds; add() leaves out the rest. */
  readonly limit: number;

  constructor(limit = Infinity) {
    this.limit = limit;
  }

  /** Packets back to the flow's previous packet: 0 for its first, WIDE when in #prevFar. */
  #prev = new Column(u16);
  #seq = new Column(u32);
  #ack = new Column(u32);
  /** Raw, as on the wire: 16 bits. */
  #window = new Column(u16);
  /** The data offset's low word; #offsetHi holds the high word from where it changes. */
  #offsetLo = new Column(u32);
  /** Nanoseconds since the start of the packet's time block (#blocks). */
  #since = new Column(u32);
  #wireLen = new Column(u16);
  /** wireLen - len: headers are short even when packets are long (TSO, LRO). */
  #headers = new Column(u16);
  #capLen = new Column(u16);
  #word = new Column(u32);

  #prevFar = new Side(1);
  #wireLenWide = new Side(1);
  #lenWide = new Side(1);
  #capLenWide = new Side(1);
  /** flags | dir << 16, analysis, stateA | stateB << 8 | 1 << 16 when without a flow. */
  #odd = new Side(3);
  // Runs: the packet where a value starts, and the value (0 before the first run).
  #offsetHi = new Side(1);
  #linkType = new Side(1);
  /** frame - index: 1 throughout while the core writes a record for every frame. */
  #frame = new Side(1);
  /** A time block: the high and low words of its first packet's nanoseconds. */
  #blocks = new Side(2);
  #blockHi = 0;
  #blockLo = 0;

  /** A flow's last packet and its number of packets, by flow index. */
  #tail = new Uint32Array(0);
  #perFlow = new Uint32Array(0);
  #flows = 0;
  #baseLo = 0;
  #baseHi = 0;

  /** Copies a batch of the core's packet records (valid only during the call), as many as the limit
   *  leaves room for: gives how many it kept, the first ones. */
  add(records: DataView, n: number): number {
    n = Math.min(n, Math.max(0, this.limit - this.count));
    if (n === 0) return 0;
    this.#reserve(this.count + n);
    const words = alignedWords(records, n);
    const W = Packet.size >> 2;
    const TIME = Packet.time >> 2, OFFSET = Packet.offset >> 2, DATA_AT = Packet.dataAt >> 2, FRAME = Packet.frame >> 2;
    const LINK = Packet.linkType >> 2, WIRE = Packet.wireLen >> 2, CAP = Packet.capLen >> 2, LEN = Packet.len >> 2;
    const SEQ = Packet.seq >> 2, ACK = Packet.ack >> 2, WINDOW = Packet.window >> 2, FLOW = Packet.flow >> 2;
    const FLAGS_DIR = Packet.tcpFlags >> 2, ANALYSIS_AT = Packet.analysis >> 2, STATES_AT = Packet.stateA >> 2;
    if (this.count === 0 && n > 0) { this.#baseLo = words[TIME]; this.#baseHi = words[TIME + 1]; }
    // A page at a time, its arrays at hand: the columns' pages do not move while it fills.
    for (let r = 0; r < n;) {
      const first = this.count, page = first >>> PAGE_BITS, at = first & MASK;
      const m = Math.min(n - r, PAGE - at);
      const prev = this.#prev.page(page), seq = this.#seq.page(page), ack = this.#ack.page(page);
      const win = this.#window.page(page), offsetLo = this.#offsetLo.page(page), since = this.#since.page(page);
      const wireLens = this.#wireLen.page(page), headers = this.#headers.page(page), capLens = this.#capLen.page(page);
      const word = this.#word.page(page);
      for (let k = 0; k < m; k++, r++) {
        const w = r * W, i = first + k, o = at + k;
        since[o] = this.#sinceBlock(i, words[w + TIME + 1], words[w + TIME]);
        // the record's offset plus its header: dataAt is a u16 at byte 90, the high half of its word
        const offset = words[w + OFFSET] + words[w + OFFSET + 1] * TWO32 + (words[w + DATA_AT] >>> 16);
        const hi = Math.floor(offset / TWO32);
        run(this.#offsetHi, i, hi);
        offsetLo[o] = offset - hi * TWO32;
        run(this.#frame, i, (words[w + FRAME] - i) >>> 0);
        run(this.#linkType, i, words[w + LINK]);
        const wireLen = words[w + WIRE];
        wireLens[o] = narrow(this.#wireLenWide, i, wireLen);
        capLens[o] = narrow(this.#capLenWide, i, words[w + CAP]);
        const len = words[w + LEN];
        const h = wireLen - len;
        if (h >= 0 && h < WIDE) headers[o] = h;
        else { headers[o] = WIDE; this.#lenWide.push(i, len); }
        seq[o] = words[w + SEQ];
        ack[o] = words[w + ACK];
        win[o] = words[w + WINDOW];
        const f = words[w + FLOW];
        // tcpFlags u16 at 44, dir u8 at 46, proto u8 at 47: one word, little-endian; stateA u8 at 88,
        // stateB u8 at 89 (dataAt fills the word's high half)
        word[o] = this.#word32(i, words[w + FLAGS_DIR] & 0xffffff, words[w + ANALYSIS_AT], words[w + STATES_AT] & 0xffff, f !== NONE);
        prev[o] = f !== NONE ? this.#link(f, i) : 0;
      }
      this.count += m;
    }
    return n;
  }

  /** The load is over: cuts the last pages and the lists to what they hold. */
  finish(): void {
    for (const c of this.#columns()) c.trim(this.count);
    for (const s of this.#sides()) s.trim();
    this.#tail = this.#tail.slice(0, this.#flows);
    this.#perFlow = this.#perFlow.slice(0, this.#flows);
  }

  /** Bytes held for the packets: every column at its capacity and every side list. */
  get bytes(): number {
    let b = 0;
    for (const c of this.#columns()) b += c.bytes;
    for (const s of this.#sides()) b += s.bytes;
    return b;
  }

  /** Bytes held for the flows (each one's last packet and count). */
  get flowBytes(): number {
    return this.#tail.byteLength + this.#perFlow.byteLength;
  }

  /** The first packet's time, in nanoseconds since the epoch: `time` counts from here. */
  get baseNs(): bigint {
    return BigInt.asIntN(64, (BigInt(this.#baseHi) << 32n) | BigInt(this.#baseLo));
  }

  /** Seconds since the capture's first packet. */
  time(i: number): number {
    const b = this.#blocks.floor(i);
    // the low word may pass 2^32 here: the sum is the same exact number
    const hi = this.#blocks.value(b, 0), lo = this.#blocks.value(b, 1) + this.#since.get(i);
    // Exact while the capture spans under 104 days: the difference stays below 2^53 ns.
    return ((hi - this.#baseHi) * TWO32 + (lo - this.#baseLo)) / 1e9;
  }

  /** File offset of the packet's data (decompressed bytes, for gzip). */
  offset(i: number): number { return this.#offsetHi.at(i) * TWO32 + this.#offsetLo.get(i); }
  frame(i: number): number { return (i + this.#frame.at(i)) >>> 0; }
  seq(i: number): number { return this.#seq.get(i); }
  ack(i: number): number { return this.#ack.get(i); }
  window(i: number): number { return this.#window.get(i); }
  wireLen(i: number): number { return wide(this.#wireLen, this.#wireLenWide, i); }
  capLen(i: number): number { return wide(this.#capLen, this.#capLenWide, i); }
  /** LINKTYPE_* of the packet's interface. */
  linkType(i: number): number { return this.#linkType.at(i); }

  len(i: number): number {
    const h = this.#headers.get(i);
    return h === WIDE ? this.#lenWide.value(this.#lenWide.floor(i), 0) : this.wireLen(i) - h;
  }

  flags(i: number): number {
    const w = this.#word.get(i);
    return w >>> STATE_SHIFT === ODD ? this.#oddOf(i, 0) & 0xffff : w & FLAGS;
  }

  /** 0: sent by the flow's endpoint A (its first sender), 1: by B. */
  dir(i: number): number {
    const w = this.#word.get(i);
    return w >>> STATE_SHIFT === ODD ? this.#oddOf(i, 0) >>> 16 : (w >>> 9) & 1;
  }

  analysis(i: number): number {
    const w = this.#word.get(i);
    return w >>> STATE_SHIFT === ODD ? this.#oddOf(i, 1) : (w >>> 10) & ANALYSIS;
  }

  /** RFC 9293 state of endpoint A after the packet (layout.ts TCP_STATES). */
  stateA(i: number): number {
    const code = this.#word.get(i) >>> STATE_SHIFT;
    return code === ODD ? this.#oddOf(i, 2) & 0xff : code === NO_FLOW ? 0 : (code / STATES) | 0;
  }

  stateB(i: number): number {
    const code = this.#word.get(i) >>> STATE_SHIFT;
    return code === ODD ? (this.#oddOf(i, 2) >>> 8) & 0xff : code === NO_FLOW ? 0 : code % STATES;
  }

  /** Whether the packet belongs to a flow (an IP packet with its ports, while the flow table had room). */
  inFlow(i: number): boolean {
    const code = this.#word.get(i) >>> STATE_SHIFT;
    return code === ODD ? this.#oddOf(i, 2) >>> 16 === 0 : code !== NO_FLOW;
  }

  /** The capture-wide indexes of a flow's packets, in capture order. */
  packetsOf(flow: number): Uint32Array {
    const n = flow < this.#flows ? this.#perFlow[flow] : 0;
    const out = new Uint32Array(n);
    for (let k = n - 1, i = n ? this.#tail[flow] : 0; k >= 0; k--) {
      out[k] = i;
      const d = this.#prev.get(i);
      i = d === WIDE ? this.#prevFar.value(this.#prevFar.floor(i), 0) : i - d;
    }
    return out;
  }

  /**
   * What the flow views show of packets `packets` (ascending), in one pass: `time` in seconds since
   * the capture's first packet.
   */
  gather(packets: Uint32Array): PacketColumns {
    const n = packets.length;
    const c: PacketColumns = {
      frame: new Uint32Array(n), time: new Float64Array(n), dir: new Uint8Array(n), flags: new Uint16Array(n),
      seq: new Uint32Array(n), ack: new Uint32Array(n), len: new Uint32Array(n), window: new Uint32Array(n),
      analysis: new Uint32Array(n), wireLen: new Uint32Array(n), stateA: new Uint8Array(n), stateB: new Uint8Array(n),
    };
    for (let k = 0; k < n; k++) {
      const i = packets[k];
      c.frame[k] = this.frame(i);
      c.time[k] = this.time(i);
      c.seq[k] = this.#seq.get(i);
      c.ack[k] = this.#ack.get(i);
      c.window[k] = this.#window.get(i);
      const wireLen = this.wireLen(i), h = this.#headers.get(i);
      c.wireLen[k] = wireLen;
      c.len[k] = h === WIDE ? this.len(i) : wireLen - h;
      const w = this.#word.get(i), code = w >>> STATE_SHIFT;
      if (code === ODD) {
        c.flags[k] = this.flags(i); c.dir[k] = this.dir(i); c.analysis[k] = this.analysis(i);
        c.stateA[k] = this.stateA(i); c.stateB[k] = this.stateB(i);
      } else {
        c.flags[k] = w & FLAGS;
        c.dir[k] = (w >>> 9) & 1;
        c.analysis[k] = (w >>> 10) & ANALYSIS;
        if (code !== NO_FLOW) { c.stateA[k] = (code / STATES) | 0; c.stateB[k] = code % STATES; }
      }
    }
    return c;
  }

  #oddOf(i: number, k: number): number { return this.#odd.value(this.#odd.floor(i), k); }

  /** Packet i's nanoseconds since its time block's start; a new block starts where they would not fit a u32. */
  #sinceBlock(i: number, hi: number, lo: number): number {
    const since = (hi - this.#blockHi) * TWO32 + (lo - this.#blockLo);
    if (i !== 0 && since >= 0 && since < TWO32) return since;
    this.#blocks.push(i, hi, lo);
    this.#blockHi = hi;
    this.#blockLo = lo;
    return 0;
  }

  /** Packet i's packed word. */
  #word32(i: number, flagsDir: number, analysis: number, states: number, inFlow: boolean): number {
    const flags = flagsDir & 0xffff, dir = flagsDir >>> 16, a = states & 0xff, b = states >>> 8;
    let code = inFlow ? (a < STATES && b < STATES ? a * STATES + b : ODD) : states === 0 ? NO_FLOW : ODD;
    if (flags > FLAGS || dir > 1 || analysis > ANALYSIS) code = ODD;
    if (code === ODD) this.#odd.push(i, flagsDir, analysis, states | (inFlow ? 0 : 1 << 16));
    return code === ODD ? ODD << STATE_SHIFT : flags | (dir << 9) | (analysis << 10) | (code << STATE_SHIFT);
  }

  /** Chains packet i to its flow f; gives its #prev value. */
  #link(f: number, i: number): number {
    if (f >= this.#tail.length) {
      const size = Math.max(1024, f + 1, this.#tail.length * 2);
      this.#tail = grow(this.#tail, size);
      this.#perFlow = grow(this.#perFlow, size);
    }
    this.#flows = Math.max(this.#flows, f + 1);
    const d = this.#perFlow[f]++ === 0 ? 0 : i - this.#tail[f];
    if (d >= WIDE) this.#prevFar.push(i, this.#tail[f]);
    this.#tail[f] = i;
    return d < WIDE ? d : WIDE;
  }

  #reserve(n: number): void {
    for (const c of this.#columns()) c.reserve(n);
  }

  #columns(): Column<Uint16Array | Uint32Array>[] {
    return [this.#prev, this.#seq, this.#ack, this.#window, this.#offsetLo, this.#since, this.#wireLen,
      this.#headers, this.#capLen, this.#word];
  }

  #sides(): Side[] {
    return [this.#prevFar, this.#wireLenWide, this.#lenWide, this.#capLenWide, this.#odd, this.#offsetHi,
      this.#linkType, this.#frame, this.#blocks];
  }
}

/** Packets' values, one array each. */
export interface PacketColumns {
  frame: Uint32Array;
  time: Float64Array;
  dir: Uint8Array;
  flags: Uint16Array;
  seq: Uint32Array;
  ack: Uint32Array;
  len: Uint32Array;
  window: Uint32Array;
  analysis: Uint32Array;
  wireLen: Uint32Array;
  stateA: Uint8Array;
  stateB: Uint8Array;
}

const u16 = (n: number) => new Uint16Array(n);
const u32 = (n: number) => new Uint32Array(n);

/** One value a packet, in pages of PAGE values. */
class Column<T extends Uint16Array | Uint32Array> {
  #pages: T[] = [];
  readonly #make: (n: number) => T;

  constructor(make: (n: number) => T) { this.#make = make; }

  get(i: number): number { return this.#pages[i >>> PAGE_BITS][i & MASK]; }
  page(p: number): T { return this.#pages[p]; }

  reserve(n: number): void {
    const last = this.#pages.length - 1;
    if (last >= 0 && this.#pages[last].length < PAGE && n > last * PAGE + this.#pages[last].length) {
      const page = this.#make(PAGE); // a page cut by trim() fills again
      page.set(this.#pages[last] as never);
      this.#pages[last] = page;
    }
    while (this.#pages.length * PAGE < n) this.#pages.push(this.#make(PAGE));
  }

  /** Cuts the last page to the first `n` values' end. */
  trim(n: number): void {
    const last = this.#pages.length - 1;
    if (last >= 0) this.#pages[last] = this.#pages[last].slice(0, n - last * PAGE) as T;
  }

  get bytes(): number { return this.#pages.reduce((s, p) => s + p.byteLength, 0); }
}

/** Packet indexes in ascending order, each with `width` u32 values. */
class Side {
  #keys = new Uint32Array(0);
  #values = new Uint32Array(0);
  #n = 0;
  /** The last position found: reads mostly go through packets in order. */
  #hint = 0;
  readonly #width: number;

  constructor(width: number) { this.#width = width; }

  push(key: number, a: number, b = 0, c = 0): void {
    if (this.#n === this.#keys.length) {
      this.#keys = grow(this.#keys, Math.max(16, this.#n * 2));
      this.#values = grow(this.#values, this.#keys.length * this.#width);
    }
    const v = this.#n * this.#width;
    this.#keys[this.#n++] = key;
    this.#values[v] = a;
    if (this.#width > 1) this.#values[v + 1] = b;
    if (this.#width > 2) this.#values[v + 2] = c;
  }

  /** The position of the last key at or before `i`, or -1. */
  floor(i: number): number {
    const k = this.#keys, n = this.#n;
    for (let h = this.#hint; h < n && h <= this.#hint + 1; h++) {
      if (k[h] <= i && (h + 1 === n || k[h + 1] > i)) return (this.#hint = h);
    }
    let lo = 0, hi = n - 1, at = -1;
    while (lo <= hi) {
      const m = (lo + hi) >>> 1;
      if (k[m] <= i) { at = m; lo = m + 1; } else hi = m - 1;
    }
    if (at >= 0) this.#hint = at;
    return at;
  }

  value(pos: number, k: number): number { return this.#values[pos * this.#width + k]; }

  /** The value of the run packet `i` is in (0 before the first). */
  at(i: number): number {
    const pos = this.floor(i);
    return pos < 0 ? 0 : this.#values[pos];
  }

  last(): number { return this.#n ? this.#values[(this.#n - 1) * this.#width] : 0; }

  trim(): void {
    this.#keys = this.#keys.slice(0, this.#n);
    this.#values = this.#values.slice(0, this.#n * this.#width);
  }

  get bytes(): number { return this.#keys.byteLength + this.#values.byteLength; }
}

/** Starts a run at packet `i` when its value differs from the last run's. */
function run(s: Side, i: number, v: number): void {
  if (s.last() !== v) s.push(i, v);
}

/** What a u16 column holds of v: v, or WIDE with v in the side list. */
function narrow(s: Side, i: number, v: number): number {
  if (v < WIDE) return v;
  s.push(i, v);
  return WIDE;
}

function wide(c: Column<Uint16Array>, s: Side, i: number): number {
  const v = c.get(i);
  return v === WIDE ? s.value(s.floor(i), 0) : v;
}

function grow<T extends Uint32Array>(a: T, size: number): T {
  const out = new Uint32Array(size) as T;
  out.set(a);
  return out;
}

/** The records as 32-bit words; copied only if the core's buffer is not 4-byte aligned. */
function alignedWords(v: DataView, n: number): Uint32Array {
  const bytes = n * Packet.size;
  if (v.byteOffset % 4 === 0) return new Uint32Array(v.buffer, v.byteOffset, bytes >> 2);
  return new Uint32Array(new Uint8Array(v.buffer, v.byteOffset, bytes).slice().buffer);
}
