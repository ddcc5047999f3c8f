// The flow table's columns. Cells are text; TCP-only columns stay empty for other flows.

import type { FlowRow, SortColumn } from '../../worker/analyzer.js';
import type { AnalysisFlag } from '../../core/tcp-summary.js';
import type { Key } from '../../i18n/i18n.svelte.js';
import { formatBytes, formatCount, formatDuration, formatEndpoint, formatOffset } from '../shared/format.js';

export interface Column {
  id: string;
  label: Key;
  /** CSS grid track. */
  width: string;
  /** Minimum width in px, for the table's horizontal scroll width. */
  min: number;
  numeric?: boolean;
  sort?: SortColumn;
  text: (r: FlowRow) => string;
  /** More detail on hover. */
  title?: (r: FlowRow) => string;
}

export const COLUMNS: Column[] = [
  { id: 'stream', label: 'col.stream', width: '84px', min: 84, numeric: true, sort: 'stream', text: (r) => String(r.stream) },
  { id: 'proto', label: 'col.proto', width: '72px', min: 72, sort: 'proto', text: (r) => r.proto },
  {
    id: 'client', label: 'col.client', width: 'minmax(190px, 1.3fr)', min: 190, sort: 'client',
    text: (r) => formatEndpoint(r.client, r.proto), title: (r) => formatEndpoint(r.client, r.proto),
  },
  {
    id: 'server', label: 'col.server', width: 'minmax(190px, 1.3fr)', min: 190, sort: 'server',
    text: (r) => formatEndpoint(r.server, r.proto), title: (r) => formatEndpoint(r.server, r.proto),
  },
  { id: 'start', label: 'col.start', width: '120px', min: 120, numeric: true, sort: 'start', text: (r) => formatOffset(r.start) },
  { id: 'duration', label: 'col.duration', width: '100px', min: 100, numeric: true, sort: 'duration', text: (r) => formatDuration(r.duration) },
  {
    id: 'packets', label: 'col.packets', width: '96px', min: 96, numeric: true, sort: 'packets',
    text: (r) => formatCount(r.packets.client + r.packets.server),
    title: (r) => `${formatCount(r.packets.client)} → · ${formatCount(r.packets.server)} ←`,
  },
  {
    id: 'bytes', label: 'col.bytes', width: '100px', min: 100, numeric: true, sort: 'bytes',
    text: (r) => formatBytes(r.bytes.client + r.bytes.server),
    title: (r) => `${formatCount(r.bytes.client)} B → · ${formatCount(r.bytes.server)} B ←`,
  },
  {
    id: 'state', label: 'col.state', width: '72px', min: 72,
    text: (r) => r.tcp?.connState ?? '',
    title: (r) => (r.tcp?.history ? `${r.tcp.connState} · ${r.tcp.history}` : ''),
  },
  {
    id: 'rtt', label: 'col.rtt', width: '96px', min: 96, numeric: true, sort: 'rtt',
    text: (r) => (r.tcp?.initialRtt != null ? formatDuration(r.tcp.initialRtt) : ''),
  },
  { id: 'problems', label: 'col.problems', width: 'minmax(180px, 1fr)', min: 180, sort: 'problems', text: () => '' },
];

export interface Problem {
  key: Key;
  /** How many packets, for counted flags. */
  n?: number;
  /** Trouble (red) rather than a remark (amber). */
  bad: boolean;
}

// The analysis flags worth a badge, in the order they are shown.
const COUNTED: [AnalysisFlag, Key, boolean][] = [
  ['retransmission', 'problem.retransmission', true],
  ['lost_segment', 'problem.lost', true],
  ['out_of_order', 'problem.ooo', false],
  ['duplicate_ack', 'problem.dupack', false],
  ['zero_window', 'problem.zeroWindow', true],
  ['window_full', 'problem.windowFull', false],
  ['keep_alive', 'problem.keepAlive', false],
];

/** Badges for a flow: how the handshake and teardown went, and what the analysis flagged. */
export function problems(r: FlowRow): Problem[] {
  const out: Problem[] = [];
  const tcp = r.tcp;
  const hs = tcp?.handshake.outcome;
  if (r.midstream) out.push({ key: 'problem.midstream', bad: false });
  if (hs === 'refused') out.push({ key: 'problem.refused', bad: true });
  else if (hs === 'unanswered') out.push({ key: 'problem.unanswered', bad: true });
  else if (hs === 'incomplete') out.push({ key: 'problem.incomplete', bad: true });
  if (tcp?.teardown.outcome === 'reset' && hs !== 'refused') out.push({ key: 'problem.reset', bad: true });
  if (r.reusedPorts) out.push({ key: 'problem.reused', bad: false });
  if (tcp) {
    for (const [flag, key, bad] of COUNTED) if (tcp.analysis[flag]) out.push({ key, n: tcp.analysis[flag], bad });
  }
  return out;
}
