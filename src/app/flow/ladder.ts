// The ladder's rows: one per packet, except that long runs of plain segments (data and bare ACKs,
// without SYN, FIN, RST or any analysis flag) fold into one row that says what they carried. The
// handshake, the teardown and anything unusual always stay visible.

import type { FlowPackets } from '../../worker/analyzer.js';

export type LadderRow =
  | { kind: 'packet'; k: number }
  | { kind: 'run'; from: number; to: number; packets: [number, number]; bytes: [number, number] };

/** Runs longer than this fold; the first and last packets of a run stay visible. */
export const FOLD_OVER = 16;
const KEEP_HEAD = 4;
const KEEP_TAIL = 3;

const SYN = 2, FIN = 1, RST = 4;

/** `open` holds the `from` of runs the reader unfolded. */
export function ladderRows(p: FlowPackets, open: ReadonlySet<number>): LadderRow[] {
  const rows: LadderRow[] = [];
  // the columns at hand: a million packets are scanned on the page's thread when a flow opens
  const { flags, analysis, count } = p;
  const plain = (k: number) => (flags[k] & (SYN | FIN | RST)) === 0 && analysis[k] === 0;
  let k = 0;
  while (k < count) {
    if (!plain(k)) { rows.push({ kind: 'packet', k: k++ }); continue; }
    let end = k;
    while (end < count && plain(end)) end++;
    const n = end - k;
    if (n <= FOLD_OVER || open.has(k + KEEP_HEAD)) {
      for (let i = k; i < end; i++) rows.push({ kind: 'packet', k: i });
    } else {
      for (let i = k; i < k + KEEP_HEAD; i++) rows.push({ kind: 'packet', k: i });
      const from = k + KEEP_HEAD, to = end - KEEP_TAIL;
      const packets: [number, number] = [0, 0], bytes: [number, number] = [0, 0];
      const { dir, len } = p;
      for (let i = from; i < to; i++) { packets[dir[i]]++; bytes[dir[i]] += len[i]; }
      rows.push({ kind: 'run', from, to, packets, bytes });
      for (let i = to; i < end; i++) rows.push({ kind: 'packet', k: i });
    }
    k = end;
  }
  return rows;
}

/** The ladder row that shows packet `k` (or the run that hides it). */
export function rowOf(rows: LadderRow[], k: number): number {
  let lo = 0, hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rows[mid];
    const a = r.kind === 'packet' ? r.k : r.from, b = r.kind === 'packet' ? r.k : r.to - 1;
    if (k < a) hi = mid - 1; else if (k > b) lo = mid + 1; else return mid;
  }
  return -1;
}

/** The two sides of an arrowhead at (x2, y2), pointing along the arrow from (x1, y1): SVG points. */
export function arrowHead(a: { x1: number; x2: number; y1: number; y2: number }): string {
  const ang = Math.atan2(a.y2 - a.y1, a.x2 - a.x1);
  const p = (d: number) => `${a.x2 - 9 * Math.cos(ang + d)},${a.y2 - 9 * Math.sin(ang + d)}`;
  return `${p(0.4)} ${a.x2},${a.y2} ${p(-0.4)}`;
}
