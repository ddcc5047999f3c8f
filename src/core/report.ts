// What seqack says about a capture, as one JSON document and as a table for people.

import type { CaptureSummary, FlowSummary } from './engine.js';

export interface Report {
  capture: CaptureSummary & { file?: string };
  flows: FlowSummary[];
}

const pad = (s: string | number, n: number) => String(s).padStart(n);
const padEnd = (s: string | number, n: number) => String(s).padEnd(n);

export function formatTime(seconds: number): string {
  const d = new Date(Math.floor(seconds * 1000));
  const micro = Math.round((seconds - Math.floor(seconds)) * 1e6);
  return d.toISOString().slice(0, 19).replace('T', ' ') + '.' + String(micro).padStart(6, '0') + 'Z';
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n, u = -1;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** 10.0.0.1:443 or [2001:db8::1]:443; just the address for protocols without ports. */
export function formatEndpoint(e: { ip: string; port: number }, proto: string): string {
  if (proto !== 'tcp' && proto !== 'udp') return e.ip;
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** The table for people, a line at a time; `flows` is read twice, for the column widths and then the rows. */
export function* tableLines(c: Report['capture'], flows: () => Iterable<FlowSummary>): Generator<string> {
  const kind = [c.format, c.byteOrder, c.timeResolution, c.compression && `${c.compression}-compressed`].filter(Boolean).join(', ');
  yield `${c.file ?? 'capture'}: ${kind}`;
  const span = c.first !== null && c.last !== null
    ? `, ${formatTime(c.first)} to ${formatTime(c.last)} (${(c.last - c.first).toFixed(6)} s)` : '';
  yield `${c.packets} packets, ${c.bytes} bytes${span}`;
  if (c.linkTypes.length) yield `link types: ${c.linkTypes.map((l) => `${l.name} (${l.packets})`).join(', ')}`;
  if (c.truncatedPackets) yield `${c.truncatedPackets} packets captured shorter than on the wire`;
  if (c.undecoded.length) yield `not decoded: ${c.undecoded.map((u) => `${u.what}: ${u.packets}`).join(', ')}`;
  yield '';
  let cw = 6, sw = 6, count = 0;
  const byProto = new Map<string, number>();
  for (const f of flows()) {
    cw = Math.max(cw, formatEndpoint(f.client, f.proto).length);
    sw = Math.max(sw, formatEndpoint(f.server, f.proto).length);
    byProto.set(f.proto, (byProto.get(f.proto) ?? 0) + 1);
    count++;
  }
  if (count) {
    yield `${pad('stream', 6)}  ${padEnd('proto', 6)}  ${padEnd('client', cw)}     ${padEnd('server', sw)}  ${pad('start', 11)}  ${pad('duration', 11)}  ${pad('packets >', 9)}  ${pad('< packets', 9)}  ${pad('bytes >', 10)}  ${pad('< bytes', 10)}`;
    const t0 = c.first ?? 0;
    for (const f of flows()) {
      yield `${pad(f.stream, 6)}  ${padEnd(f.proto, 6)}  ${padEnd(formatEndpoint(f.client, f.proto), cw)}  ${f.midstream ? '?>' : '->'}  ${padEnd(formatEndpoint(f.server, f.proto), sw)}  ${pad((f.first - t0).toFixed(6), 11)}  ${pad(f.duration.toFixed(6), 11)}  ${pad(f.packets.client, 9)}  ${pad(f.packets.server, 9)}  ${pad(f.bytes.client, 10)}  ${pad(f.bytes.server, 10)}`;
    }
    yield '';
  }
  const protos = [...byProto].map(([p, n]) => `${n} ${p}`).join(', ');
  yield `totals: ${count} flows${protos ? ` (${protos})` : ''}; ${c.packets} packets; ${formatBytes(c.bytes)}`;
}

/**
 * The JSON document of a capture and its flows, in pieces (each flow one), with `more` pieces of
 * members after the flows (`,"packets":[...]`): without them, JSON.stringify({capture, flows}).
 */
export function* jsonPieces(capture: Report['capture'], flows: Iterable<FlowSummary>, more: Iterable<string> = []): Generator<string> {
  yield `{"capture":${JSON.stringify(capture)},"flows":[`;
  let n = 0;
  for (const f of flows) yield (n++ ? ',' : '') + JSON.stringify(f);
  yield ']';
  yield* more;
  yield '}\n';
}

/**
 * Text given a piece at a time (each followed by `end`), joined into parts of about a megabyte:
 * written or kept a part at a time, a million flows never become one string.
 */
export function* joined(pieces: Iterable<string>, end = ''): Generator<string> {
  let part = '';
  for (const p of pieces) {
    part += p + end;
    if (part.length > 1 << 20) { yield part; part = ''; }
  }
  if (part) yield part;
}

export function formatWarning(w: { packet: number; offset: number; code: string; message: string }): string {
  const where = w.packet ? `packet ${w.packet} at offset ${w.offset}` : `offset ${w.offset}`;
  return `${where}: ${w.message} [${w.code}]`;
}

const CSV_COLUMNS = ['stream', 'proto', 'client_ip', 'client_port', 'server_ip', 'server_port', 'first', 'last',
  'duration', 'client_packets', 'server_packets', 'client_bytes', 'server_bytes', 'midstream', 'conn_state',
  'history', 'initial_rtt', 'completeness', 'handshake', 'teardown', 'retransmissions', 'lost_segments',
  'duplicate_acks', 'zero_windows', 'resets'];

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV, a line at a time: a header row, then one row per flow. */
export function* csvLines(flows: Iterable<FlowSummary>): Generator<string> {
  yield CSV_COLUMNS.join(',');
  for (const f of flows) {
    const t = f.tcp;
    yield [
      f.stream, f.proto, f.client.ip, f.client.port, f.server.ip, f.server.port, f.first, f.last, f.duration,
      f.packets.client, f.packets.server, f.bytes.client, f.bytes.server, f.midstream, t?.connState, t?.history,
      t?.initialRtt, t?.completeness, t?.handshake.outcome, t?.teardown.outcome, t?.analysis.retransmission,
      t?.analysis.lost_segment, t?.analysis.duplicate_ack, t?.analysis.zero_window,
      t ? (t.client.rst?.count ?? 0) + (t.server.rst?.count ?? 0) : undefined,
    ].map(csvCell).join(',');
  }
}
