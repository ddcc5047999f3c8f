// The time-sequence graph's drawing: each frame folds the series the worker built
// (src/worker/flow-series.ts) to pixel columns with `decimate`, so drawing costs the same for ten
// packets or ten million.

import { BLOCK, KIND_BAD, KIND_SYN, KIND_FIN, KIND_RST, type BlockLine, type TsgSeries } from '../../worker/flow-series.js';
import { formatCount } from '../shared/format.js';

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
