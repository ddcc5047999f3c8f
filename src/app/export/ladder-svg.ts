// The whole ladder of a flow as one SVG, for a file: every packet a row (the screen folds long runs
// and draws only the rows in view), in the colours of the page's theme.

import type { FlowPackets, FlowRow } from '../../worker/analyzer.js';
import { analysisNames, segmentKind, segmentLabel, segmentTime } from '../flow/packet-text.js';
import { arrowHead } from '../flow/ladder.js';
import { formatEndpoint } from '../shared/format.js';
import { cssColor } from './figure.js';

const ROW = 42, HEAD = 44, WIDTH = 760, TIME_W = 92, FRAME_W = 56, INSET = 28;
/** More rows than this make a file no one opens; the rest is summed up in a last line. */
const MAX_ROWS = 2000;
const NS = 'http://www.w3.org/2000/svg';

export function ladderSvg(flow: FlowRow, packets: FlowPackets, labels: { client: string; server: string; more: (n: number) => string }): SVGSVGElement {
  const rows = Math.min(packets.count, MAX_ROWS);
  const height = HEAD + rows * ROW + (packets.count > rows ? ROW : 0);
  const xc = TIME_W + INSET, xs = WIDTH - FRAME_W - INSET;
  const color = (name: string) => cssColor(name);
  const c = { bg: color('--bg'), fg: color('--fg'), muted: color('--fg-muted'), line: color('--line'), arrow: color('--arrow'),
    syn: color('--syn'), fin: color('--fin'), error: color('--error'), warn: color('--warn-fg') };
  const mono = getComputedStyle(document.documentElement).getPropertyValue('--mono').trim() || 'monospace';
  const svg = el('svg', { xmlns: NS, width: WIDTH, height, viewBox: `0 0 ${WIDTH} ${height}`, 'font-family': mono, 'font-size': 12 });
  const add = (name: string, attrs: Record<string, string | number>, text?: string) => svg.append(el(name, attrs, text));
  add('rect', { width: '100%', height: '100%', fill: c.bg });
  add('text', { x: 8, y: 18, fill: c.fg, 'font-weight': 600, 'font-family': 'sans-serif' }, labels.client);
  add('text', { x: 8, y: 34, fill: c.muted }, formatEndpoint(flow.client, flow.proto));
  add('text', { x: WIDTH - 8, y: 18, fill: c.fg, 'font-weight': 600, 'font-family': 'sans-serif', 'text-anchor': 'end' }, labels.server);
  add('text', { x: WIDTH - 8, y: 34, fill: c.muted, 'text-anchor': 'end' }, formatEndpoint(flow.server, flow.proto));
  for (const x of [xc, xs]) add('line', { x1: x, x2: x, y1: HEAD, y2: height, stroke: c.line, 'stroke-width': 2 });
  const tcp = flow.proto === 'tcp';
  for (let k = 0; k < rows; k++) {
    const y = HEAD + k * ROW;
    const kind = segmentKind(packets.flags[k], packets.analysis[k]);
    const problems = analysisNames(packets.analysis[k]);
    const stroke = { syn: c.syn, fin: c.fin, rst: c.error, problem: c.warn, plain: c.arrow }[kind];
    const [x1, x2] = packets.dir[k] ? [xs, xc] : [xc, xs];
    const y1 = y + 20, y2 = y + ROW - 6;
    const line = { stroke, 'stroke-width': kind === 'plain' || kind === 'problem' ? 1.5 : 2, ...(kind === 'problem' ? { 'stroke-dasharray': '5 3' } : {}) };
    add('text', { x: TIME_W - 6, y: y + ROW - 8, fill: c.muted, 'font-size': 11, 'text-anchor': 'end' }, segmentTime(packets.time[k]));
    add('text', { x: WIDTH - 6, y: y + ROW - 8, fill: c.muted, 'font-size': 11, 'text-anchor': 'end' }, `#${packets.frame[k]}`);
    add('line', { x1, y1, x2, y2, ...line });
    add('polyline', { points: arrowHead({ x1, y1, x2, y2 }), fill: 'none', ...line, 'stroke-dasharray': 'none', 'stroke-linejoin': 'round' });
    add('text', { x: (xc + xs) / 2, y: y + 14, 'text-anchor': 'middle', fill: kind === 'problem' || kind === 'rst' ? c.error : c.fg,
      'paint-order': 'stroke', stroke: c.bg, 'stroke-width': 4, 'stroke-linejoin': 'round' },
    segmentLabel(packets, k, tcp) + (problems.length ? `  ⚠ ${problems.join(', ')}` : ''));
  }
  if (packets.count > rows) {
    add('text', { x: (xc + xs) / 2, y: HEAD + rows * ROW + 24, 'text-anchor': 'middle', fill: c.muted }, labels.more(packets.count - rows));
  }
  return svg as SVGSVGElement;
}

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e as SVGElement;
}
