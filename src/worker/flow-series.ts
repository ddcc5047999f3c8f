// The time-sequence graph's data (Stevens' and tcptrace's): for one sending side of a TCP flow, its
// segments as sequence ranges over time, and the receiver's cumulative ACK and window edge. Built
// once from the flow's packet columns here in the worker (a million packets take longer than a
// frame), then sent to the page, which folds each frame to pixel columns (src/app/flow/tsg.ts).
import type { FlowPackets } from './analyzer.js';

const FIN = 1, SYN = 2, RST = 4, ACK = 16;
const TWO32 = 4294967296;
const HALF = 2147483648;

/** Wireshark's "Bad TCP" colouring rule: any analysis flag but window updates and keep-alives
 *  (bits of layout.ts ANALYSIS_FLAGS: window_update 11, keep_alive 12, keep_alive_ack 13). */
const NOT_BAD = (1 << 11) | (1 << 12) | (1 << 13);
export const isBad = (analysis: number): boolean => (analysis & ~NOT_BAD) !== 0;

export type Side = 0 | 1;

/** The window scale shifts the client and the server announced on their SYNs (null: not announced);
 *  null as a whole when the handshake was not seen. */
export type Scales = [number | null, number | null] | null;

export interface TsgSeries {
  /** The sender: 0 the client, 1 the server. */
  side: Side;
  /** Segments of the sender that take sequence space (data, SYN, FIN), in capture order. */
  seg: Uint32Array;
  segTime: Float64Array;
  /** Sequence range [lo, hi), relative and unwrapped; SYN and FIN take one number each. */
  segLo: Float64Array;
  segHi: Float64Array;
  /** 1 retransmission or other bad-TCP flag, 2 SYN, 4 FIN, 8 RST. */
  segKind: Uint8Array;
  /** Segments with the bad-TCP flag. */
  bad: number;
  /** The receiver's ACKs: packet positions, times, cumulative ACK and the right edge of its window. */
  ackPk: Uint32Array;
  ackTime: Float64Array;
  ackAt: Float64Array;
  winAt: Float64Array;
  /** The receiver's SACK blocks (RFC 2018), each at its ACK's time: [lo, hi) unwrapped as the ACKs are. */
  sackTime: Float64Array;
  sackLo: Float64Array;
  sackHi: Float64Array;
  /** The receiver's window scale shift applied (null: the handshake was not seen, raw windows). */
  scale: number | null;
  tMax: number;
  yMin: number;
  yMax: number;
  /** Whether every time is in order: only then are ranges found by binary search, and blocks kept. */
  sorted: boolean;
  blocks: Blocks | null;
}

/** Entries folded into one block. */
export const BLOCK = 64;

/**
 * Aggregates of every BLOCK consecutive segments, ACKs and SACK blocks (times in order), so that a
 * block that falls within one pixel column folds at once: a zoomed-out frame costs the blocks, not
 * the packets, and gives the same columns.
 */
export interface Blocks {
  segLo: Float64Array;
  segHi: Float64Array;
  badLo: Float64Array;
  badHi: Float64Array;
  segKinds: Uint8Array;
  ack: BlockLine;
  win: BlockLine;
  sackLo: Float64Array;
  sackHi: Float64Array;
}

export interface BlockLine { first: Float64Array; min: Float64Array; max: Float64Array; last: Float64Array }

function makeBlocks(s: Omit<TsgSeries, 'blocks'>): Blocks {
  const nb = (n: number) => Math.floor(n / BLOCK);
  const minMax = (lo: Float64Array, hi: Float64Array, keep: (i: number) => boolean = () => true) => {
    const n = nb(lo.length), bl = new Float64Array(n).fill(Infinity), bh = new Float64Array(n).fill(-Infinity);
    for (let i = 0; i < n * BLOCK; i++) {
      if (!keep(i)) continue;
      const b = (i / BLOCK) | 0;
      if (lo[i] < bl[b]) bl[b] = lo[i];
      if (hi[i] > bh[b]) bh[b] = hi[i];
    }
    return [bl, bh];
  };
  const blockLine = (v: Float64Array): BlockLine => {
    const n = nb(v.length);
    const [min, max] = minMax(v, v);
    return { first: Float64Array.from({ length: n }, (_, b) => v[b * BLOCK]), min, max, last: Float64Array.from({ length: n }, (_, b) => v[b * BLOCK + BLOCK - 1]) };
  };
  const [segLo, segHi] = minMax(s.segLo, s.segHi);
  const [badLo, badHi] = minMax(s.segLo, s.segHi, (i) => (s.segKind[i] & KIND_BAD) !== 0);
  const segKinds = new Uint8Array(nb(s.seg.length));
  for (let i = 0; i < segKinds.length * BLOCK; i++) segKinds[(i / BLOCK) | 0] |= s.segKind[i];
  const [sackLo, sackHi] = minMax(s.sackLo, s.sackHi);
  return { segLo, segHi, badLo, badHi, segKinds, ack: blockLine(s.ackAt), win: blockLine(s.winAt), sackLo, sackHi };
}

export const KIND_BAD = 1, KIND_SYN = 2, KIND_FIN = 4, KIND_RST = 8;

/** Follows 32-bit sequence numbers past wrap-around: each value is taken nearest the previous one. */
class Unwrap {
  #base = 0;
  #last: number | null = null;
  next(raw: number): number {
    let v = this.#base + raw;
    if (this.#last !== null) {
      if (v < this.#last - HALF) { this.#base += TWO32; v += TWO32; }
      else if (v > this.#last + HALF && this.#base >= TWO32) { this.#base -= TWO32; v -= TWO32; }
    }
    this.#last = v;
    return v;
  }
}

/**
 * The series for data sent by `side`. `scales` are the window scale shifts the client and the server
 * announced on their SYNs (null when not); scaling holds only when both did (RFC 7323 §2.2), and
 * never for a SYN's own window. `sacks` are the flow's SACK blocks as the worker reads them: triplets
 * [k, left, right], relative as the Acks are.
 */
export function buildSeries(p: FlowPackets, side: Side, scales: Scales, sacks: Float64Array | null = null): TsgSeries {
  let nSeg = 0, nAck = 0;
  for (let k = 0; k < p.count; k++) {
    if (p.dir[k] === side) { if (p.len[k] > 0 || p.flags[k] & (SYN | FIN | RST)) nSeg++; }
    else if (p.flags[k] & ACK) nAck++;
  }
  const seg = new Uint32Array(nSeg), segTime = new Float64Array(nSeg), segLo = new Float64Array(nSeg),
    segHi = new Float64Array(nSeg), segKind = new Uint8Array(nSeg);
  const ackPk = new Uint32Array(nAck), ackTime = new Float64Array(nAck), ackAt = new Float64Array(nAck),
    winAt = new Float64Array(nAck);
  const receiver = side === 0 ? 1 : 0;
  const scale = scales === null ? null
    : scales[0] !== null && scales[1] !== null ? Math.min(14, scales[receiver]!) : 0;
  let nSack = 0;
  if (sacks) for (let i = 0; i < sacks.length; i += 3) if (p.dir[sacks[i]] !== side) nSack++;
  const sackTime = new Float64Array(nSack), sackLo = new Float64Array(nSack), sackHi = new Float64Array(nSack);
  let si = 0, sn = 0;
  const seqs = new Unwrap(), acks = new Unwrap();
  let i = 0, j = 0, bad = 0, yMin = Infinity, yMax = -Infinity, sorted = true, last = -Infinity;
  for (let k = 0; k < p.count; k++) {
    const t = p.time[k], f = p.flags[k];
    if (t < last) sorted = false;
    last = t;
    if (p.dir[k] === side) {
      if (!(p.len[k] > 0 || f & (SYN | FIN | RST))) continue;
      const lo = seqs.next(p.seq[k]);
      const hi = lo + p.len[k] + (f & SYN ? 1 : 0) + (f & FIN ? 1 : 0);
      seg[i] = k; segTime[i] = t; segLo[i] = lo; segHi[i] = hi;
      segKind[i] = (isBad(p.analysis[k]) ? KIND_BAD : 0) | (f & SYN ? KIND_SYN : 0) | (f & FIN ? KIND_FIN : 0) | (f & RST ? KIND_RST : 0);
      bad += segKind[i] & KIND_BAD;
      if (lo < yMin) yMin = lo;
      if (hi > yMax) yMax = hi;
      i++;
    } else if (f & ACK) {
      const a = acks.next(p.ack[k]);
      const shift = f & SYN ? 0 : scale ?? 0;
      ackPk[j] = k; ackTime[j] = t; ackAt[j] = a; winAt[j] = a + p.window[k] * 2 ** shift;
      // This ACK's SACK blocks, placed by their distance from its Ack (which survives wrap-around).
      while (sacks && si < sacks.length && sacks[si] < k) si += 3;
      for (; sacks && si < sacks.length && sacks[si] === k; si += 3) {
        sackTime[sn] = t; sackLo[sn] = a + signed(sacks[si + 1] - p.ack[k]); sackHi[sn] = a + signed(sacks[si + 2] - p.ack[k]);
        sn++;
      }
      if (a < yMin) yMin = a;
      if (a > yMax) yMax = a;
      j++;
    }
  }
  if (!(yMax >= yMin)) { yMin = 0; yMax = 1; }
  if (yMax === yMin) yMax = yMin + 1;
  const tMax = p.count ? Math.max(p.time[p.count - 1], 1e-6) : 1;
  const series = {
    side, seg, segTime, segLo, segHi, segKind, bad, ackPk, ackTime, ackAt, winAt,
    sackTime: sackTime.subarray(0, sn), sackLo: sackLo.subarray(0, sn), sackHi: sackHi.subarray(0, sn),
    scale, tMax, yMin, yMax, sorted,
  };
  return { ...series, blocks: sorted ? makeBlocks(series) : null };
}

/** A difference of 32-bit sequence numbers, as the shorter way round. */
const signed = (d: number) => (d > HALF ? d - TWO32 : d < -HALF ? d + TWO32 : d);
