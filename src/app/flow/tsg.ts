// The time-sequence graph's data (Stevens' and tcptrace's): for one sending side of a TCP flow, its
// segments as sequence ranges over time, and the receiver's cumulative ACK and window edge. Built
// once from the flow's packet columns, in the worker (a million packets take longer than a frame);
// each frame is then folded to pixel columns by `decimate`, so drawing costs the same for ten
// packets or ten million.

import type { FlowPackets } from '../../worker/analyzer.js';
import { formatCount } from '../shared/format.js';

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

interface BlockLine { first: Float64Array; min: Float64Array; max: Float64Array; last: Float64Array }

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

/** The first index whose time is >= t (times sorted). */
export function lowerBound(times: Float64Array, t: number): number {
  let lo = 0, hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < t) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** What one frame draws: per pixel column, the span of segments and of bad ones, and the ACK and
 *  window lines' first, lowest, highest and last values. NaN marks an empty column. */
export interface Columns {
  width: number;
  segMin: Float64Array;
  segMax: Float64Array;
  segCount: Uint32Array;
  /** The single segment of a column holding one (its index), for drawing its ends; -1 otherwise. */
  segOnly: Int32Array;
  badMin: Float64Array;
  badMax: Float64Array;
  synFin: Uint8Array;
  sackMin: Float64Array;
  sackMax: Float64Array;
  ack: Line;
  win: Line;
  /** Segments in view, for deciding whether their ends are drawn. */
  visible: number;
  /** The lines' values just left of the view, so they enter it at the right height. */
  ackBefore: number;
  winBefore: number;
}

export interface Line { first: Float64Array; min: Float64Array; max: Float64Array; last: Float64Array }

function line(width: number): Line {
  return { first: new Float64Array(width), min: new Float64Array(width), max: new Float64Array(width), last: new Float64Array(width) };
}

/** Reusable buffers for `decimate`, grown to the widest canvas seen. */
export function allocColumns(width: number): Columns {
  return {
    width, segMin: new Float64Array(width), segMax: new Float64Array(width), segCount: new Uint32Array(width),
    segOnly: new Int32Array(width), badMin: new Float64Array(width), badMax: new Float64Array(width),
    synFin: new Uint8Array(width), sackMin: new Float64Array(width), sackMax: new Float64Array(width), ack: line(width), win: line(width), visible: 0, ackBefore: NaN, winBefore: NaN,
  };
}

export interface Viewport { t0: number; t1: number }

/**
 * Visits entries [from, to) of sorted `times` by pixel column: a whole block inside one column at
 * once (`block(b, x)`), the rest one by one (`one(i, x)`); columns outside [0, width) are skipped.
 */
function visit(times: Float64Array, from: number, to: number, t0: number, sx: number, width: number, blocks: boolean,
  block: (b: number, x: number) => void, one: (i: number, x: number) => void): void {
  for (let i = from; i < to;) {
    if (blocks && i % BLOCK === 0 && i + BLOCK <= to) {
      const x = Math.floor((times[i] - t0) * sx);
      if (x === Math.floor((times[i + BLOCK - 1] - t0) * sx)) {
        if (x >= 0 && x < width) block(i / BLOCK, x);
        i += BLOCK;
        continue;
      }
    }
    const x = Math.floor((times[i] - t0) * sx);
    if (x >= 0 && x < width) one(i, x);
    i++;
  }
}

/** Folds the series in [t0, t1] to `width` pixel columns (`blocks` false: entry by entry, for tests). */
export function decimate(s: TsgSeries, v: Viewport, width: number, out: Columns, blocks = true): Columns {
  const c = out.width >= width ? out : allocColumns(width);
  c.segMin.fill(Infinity, 0, width); c.segMax.fill(-Infinity, 0, width); c.segCount.fill(0, 0, width);
  c.segOnly.fill(-1, 0, width); c.badMin.fill(Infinity, 0, width); c.badMax.fill(-Infinity, 0, width);
  c.synFin.fill(0, 0, width); c.sackMin.fill(Infinity, 0, width); c.sackMax.fill(-Infinity, 0, width);
  for (const l of [c.ack, c.win]) { l.first.fill(NaN, 0, width); l.min.fill(Infinity, 0, width); l.max.fill(-Infinity, 0, width); l.last.fill(NaN, 0, width); }
  const span = v.t1 - v.t0;
  const sx = width / span;
  let visible = 0;

  const B = blocks ? s.blocks : null;
  const [s0, s1] = s.sorted ? [lowerBound(s.segTime, v.t0), lowerBound(s.segTime, v.t1 + span / width)] : [0, s.seg.length];
  visit(s.segTime, s0, s1, v.t0, sx, width, B !== null, (b, x) => {
    visible += BLOCK;
    if (B!.segLo[b] < c.segMin[x]) c.segMin[x] = B!.segLo[b];
    if (B!.segHi[b] > c.segMax[x]) c.segMax[x] = B!.segHi[b];
    c.segCount[x] += BLOCK;
    c.segOnly[x] = -1;
    if (B!.badLo[b] < c.badMin[x]) c.badMin[x] = B!.badLo[b];
    if (B!.badHi[b] > c.badMax[x]) c.badMax[x] = B!.badHi[b];
    c.synFin[x] |= B!.segKinds[b] & (KIND_SYN | KIND_FIN | KIND_RST);
  }, (i, x) => {
    visible++;
    const lo = s.segLo[i], hi = s.segHi[i], kind = s.segKind[i];
    if (lo < c.segMin[x]) c.segMin[x] = lo;
    if (hi > c.segMax[x]) c.segMax[x] = hi;
    c.segOnly[x] = c.segCount[x]++ === 0 ? i : -1;
    if (kind & KIND_BAD) {
      if (lo < c.badMin[x]) c.badMin[x] = lo;
      if (hi > c.badMax[x]) c.badMax[x] = hi;
    }
    c.synFin[x] |= kind & (KIND_SYN | KIND_FIN | KIND_RST);
  });
  c.visible = visible;

  const [a0, a1] = s.sorted ? [lowerBound(s.ackTime, v.t0), lowerBound(s.ackTime, v.t1 + span / width)] : [0, s.ackPk.length];
  c.ackBefore = NaN; c.winBefore = NaN;
  if (s.sorted) {
    if (a0 > 0) { c.ackBefore = s.ackAt[a0 - 1]; c.winBefore = s.winAt[a0 - 1]; }
  } else {
    let best = -Infinity;
    for (let j = 0; j < s.ackPk.length; j++) {
      const t = s.ackTime[j];
      if (t < v.t0 && t >= best) { best = t; c.ackBefore = s.ackAt[j]; c.winBefore = s.winAt[j]; }
    }
  }
  const [k0, k1] = s.sorted ? [lowerBound(s.sackTime, v.t0), lowerBound(s.sackTime, v.t1 + span / width)] : [0, s.sackTime.length];
  const sack = (lo: number, hi: number, x: number) => {
    if (lo < c.sackMin[x]) c.sackMin[x] = lo;
    if (hi > c.sackMax[x]) c.sackMax[x] = hi;
  };
  visit(s.sackTime, k0, k1, v.t0, sx, width, B !== null, (b, x) => sack(B!.sackLo[b], B!.sackHi[b], x), (i, x) => sack(s.sackLo[i], s.sackHi[i], x));
  visit(s.ackTime, a0, a1, v.t0, sx, width, B !== null, (b, x) => {
    foldBlock(c.ack, x, B!.ack, b);
    foldBlock(c.win, x, B!.win, b);
  }, (j, x) => {
    fold(c.ack, x, s.ackAt[j]);
    fold(c.win, x, s.winAt[j]);
  });
  return c;
}

function foldBlock(l: Line, x: number, b: BlockLine, i: number): void {
  if (Number.isNaN(l.first[x])) l.first[x] = b.first[i];
  if (b.min[i] < l.min[x]) l.min[x] = b.min[i];
  if (b.max[i] > l.max[x]) l.max[x] = b.max[i];
  l.last[x] = b.last[i];
}

function fold(l: Line, x: number, y: number): void {
  if (Number.isNaN(l.first[x])) l.first[x] = y;
  if (y < l.min[x]) l.min[x] = y;
  if (y > l.max[x]) l.max[x] = y;
  l.last[x] = y;
}

/** Round steps for an axis: 1, 2 or 5 times a power of ten, about `count` of them over [a, b]. */
export function ticks(a: number, b: number, count: number): number[] {
  const span = b - a;
  if (!(span > 0) || count < 1) return [];
  const raw = span / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const out: number[] = [];
  for (let v = Math.ceil(a / step) * step; v <= b + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Decimals that tell steps of `step` apart in units of `unit`. */
const decimals = (step: number, unit: number) => Math.max(0, Math.ceil(-Math.log10(Math.abs(step) / unit) - 1e-9));

/** Far from zero compared with the step: a short unit would not tell the ticks apart. */
const far = (v: number, step: number) => Math.abs(v) / Math.abs(step) > 1e4;

/** An axis's tick labels in one unit: `format(ticks)` for the sequence and the time axes. */
export type AxisLabels = (ticks: number[]) => string[];

/** Sequence numbers: 1500, 12.5 k, 3.2 M, 1.1 G; whole and grouped when zoomed in far from zero. */
export const seqLabels: AxisLabels = (t) => {
  if (!t.length) return [];
  const step = t.length > 1 ? t[1] - t[0] : 1, top = Math.max(...t.map(Math.abs));
  if (far(top, step) && step < 1e3) return t.map(formatCount);
  const unit = step >= 1e9 ? 1e9 : step >= 1e6 || top >= 1e8 ? 1e6 : step >= 1e4 || top >= 1e5 ? 1e3 : 1;
  const name = unit === 1e9 ? ' G' : unit === 1e6 ? ' M' : unit === 1e3 ? ' k' : '';
  const d = Math.min(6, decimals(step, unit));
  return t.map((v) => `${(v / unit).toFixed(d)}${name}`);
};

/** Times in the unit the step asks for (s, ms, µs); in seconds when zoomed in far from zero. */
export const timeLabels: AxisLabels = (t) => {
  if (!t.length) return [];
  const step = t.length > 1 ? t[1] - t[0] : 1, top = Math.max(...t.map(Math.abs));
  if (far(top, step)) return t.map((v) => `${v.toFixed(Math.min(9, decimals(step, 1)))} s`);
  const unit = step >= 0.1 ? 1 : step >= 1e-4 || top >= 1e-2 ? 1e-3 : 1e-6;
  const name = unit === 1 ? 's' : unit === 1e-3 ? 'ms' : 'µs';
  const d = Math.min(3, decimals(step, unit));
  return t.map((v) => `${(v / unit).toFixed(d)} ${name}`);
};
