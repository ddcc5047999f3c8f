// Agreement with TShark 4.0.17, from its recorded per-packet output (test/fixtures/oracle/wireshark,
// made by the command in test/fixtures/README.md): per-packet tcp.analysis flags, tcp.stream,
// per-stream packet and byte totals, and initial RTT.

import { readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readTsv as readCorpusTsv } from '../helpers/corpus.js';
import { analyzeFile } from '../../src/core/node.js';
import { readPacket, type PacketRecord } from '../../src/core/packets.js';
import { Packet, ANALYSIS_FLAGS } from '../../src/core/layout.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const ORACLE_DIR = process.env.SEQACK_ORACLE ?? join(FIXTURES, "oracle", "wireshark");
export const CORPUS_DIR = process.env.SEQACK_CORPUS ?? join(FIXTURES, "corpus");

export type Flag = (typeof ANALYSIS_FLAGS)[number];

export interface Counts { tp: number; fp: number; fn: number }

export interface CaptureAgreement {
  capture: string;
  packets: number;            // TCP packets in tshark's output
  flags: Record<Flag, Counts>;
  streamsEqual: number;       // packets whose tcp.stream is ours
  streams: number;            // tshark streams
  streamTotalsEqual: number;  // streams whose packet and byte totals are ours
  rtts: number;               // streams where tshark printed an initial RTT
  rttsEqual: number;          // ... and ours is within 1 µs
  seqAckEqual: number;        // packets whose relative seq and ack are ours
  /** Per-packet values tshark printed, and how many of them are ours. */
  details: Record<Detail, { total: number; equal: number }>;
  completeness: number;       // streams in SUMMARY.tsv
  completenessEqual: number;
  mismatches: string[];       // the first few, for people
}

export const DETAILS = ['duplicate_ack_num', 'duplicate_ack_frame', 'acks_frame', 'ack_rtt', 'bytes_in_flight'] as const;
export type Detail = (typeof DETAILS)[number];

/** The oracle TSVs with the capture each one describes. */
export function oracleCases(dir = ORACLE_DIR): { tsv: string; capture: string }[] {
  const captures = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else captures.set(relative(CORPUS_DIR, p).split('/').join('_'), p);
    }
  };
  walk(CORPUS_DIR);
  return readdirSync(dir)
    .filter((f) => /\.tsv(\.gz)?$/.test(f) && !f.startsWith('SUMMARY'))
    .map((f) => ({ tsv: join(dir, f), capture: captures.get(f.replace(/\.tsv(\.gz)?$/, '')) ?? '' }))
    .filter((c) => c.capture && existsSync(c.capture))
    .sort((a, b) => a.capture.localeCompare(b.capture));
}

/** tshark's rows; tunnelled packets carry several comma-joined values, of which the innermost is last. */
function readTsv(path: string): Record<string, string>[] {
  return readCorpusTsv(path).map((row) => Object.fromEntries(
    Object.entries(row).map(([h, v]) => [h, v.includes(',') ? v.slice(v.lastIndexOf(',') + 1) : v])));
}

export async function compareCapture(tsv: string, capture: string): Promise<CaptureAgreement> {
  const rows = readTsv(tsv);
  const ours = new Map<number, PacketRecord>();
  const engine = await analyzeFile(capture, {
    onPackets: (v, n) => { for (let i = 0; i < n; i++) { const r = readPacket(v, i); ours.set(r.frame, r); } },
  });
  const flows = engine.flows();
  const flags = Object.fromEntries(ANALYSIS_FLAGS.map((f) => [f, { tp: 0, fp: 0, fn: 0 }])) as Record<Flag, Counts>;
  const a: CaptureAgreement = {
    capture: relative(CORPUS_DIR, capture), packets: rows.length, flags, streamsEqual: 0, streams: 0,
    streamTotalsEqual: 0, rtts: 0, rttsEqual: 0, seqAckEqual: 0, mismatches: [],
    details: Object.fromEntries(DETAILS.map((d) => [d, { total: 0, equal: 0 }])) as CaptureAgreement['details'],
    completeness: 0, completenessEqual: 0,
  };
  const detail = (name: Detail, theirs: string, mine: number | undefined, close = false) => {
    if (theirs === '') return;
    const d = a.details[name];
    d.total++;
    if (mine !== undefined && (close ? Math.abs(Number(theirs) - mine) <= 1e-6 : Number(theirs) === mine)) d.equal++;
    else if (a.mismatches.length < 8) a.mismatches.push(`frame ${row['frame.number']}: ${name} ${theirs}, ours ${mine}`);
  };
  let row: Record<string, string> = {};
  const theirStreams = new Map<number, { packets: number; bytes: number; rtt: number | null; ours: Set<number> }>();
  for (row of rows) {
    const frame = Number(row['frame.number']);
    const r = ours.get(frame);
    const ourFlow = r && r.flow >= 0 && r.proto === 6 ? flows[r.flow] : null;
    const stream = Number(row['tcp.stream']);
    if (ourFlow && ourFlow.stream === stream) a.streamsEqual++;
    else if (a.mismatches.length < 8) a.mismatches.push(`frame ${frame}: tcp.stream ${stream}, ours ${ourFlow?.stream ?? 'none'}`);
    let s = theirStreams.get(stream);
    if (!s) theirStreams.set(stream, s = { packets: 0, bytes: 0, rtt: null, ours: new Set() });
    s.packets++;
    s.bytes += r?.wireLen ?? 0;
    if (ourFlow) s.ours.add(r!.flow);
    if (row['tcp.analysis.initial_rtt']) s.rtt = Number(row['tcp.analysis.initial_rtt']);
    if (r && String(r.seq) === row['tcp.seq'] && (row['tcp.ack'] === '' || String(r.ack) === row['tcp.ack'])) a.seqAckEqual++;
    detail('duplicate_ack_num', row['tcp.analysis.duplicate_ack_num'], r?.dupAckNum);
    detail('duplicate_ack_frame', row['tcp.analysis.duplicate_ack_frame'], r?.dupAckFrame);
    detail('acks_frame', row['tcp.analysis.acks_frame'], r?.acksFrame);
    detail('ack_rtt', row['tcp.analysis.ack_rtt'], r?.ackRtt, true);
    detail('bytes_in_flight', row['tcp.analysis.bytes_in_flight'], r?.bytesInFlight);
    const bits = r && r.proto === 6 ? r.analysis : 0;
    ANALYSIS_FLAGS.forEach((name, i) => {
      const theirs = row[`tcp.analysis.${name}`] === '1';
      const mine = (bits & (1 << i)) !== 0;
      if (theirs && mine) flags[name].tp++;
      else if (mine) { flags[name].fp++; if (a.mismatches.length < 8) a.mismatches.push(`frame ${frame}: ours ${name}, tshark not`); }
      else if (theirs) { flags[name].fn++; if (a.mismatches.length < 8) a.mismatches.push(`frame ${frame}: tshark ${name}, ours not`); }
    });
  }
  for (const [stream, s] of theirStreams) {
    a.streams++;
    const mine = s.ours.size === 1 ? flows[[...s.ours][0]] : null;
    if (mine && mine.stream === stream && mine.packets.client + mine.packets.server === s.packets
      && mine.bytes.client + mine.bytes.server === s.bytes) a.streamTotalsEqual++;
    if (s.rtt !== null) {
      a.rtts++;
      const ours = mine?.tcp?.initialRtt ?? null;
      if (ours !== null && Math.abs(ours - s.rtt) <= 1e-6) a.rttsEqual++;
      else if (a.mismatches.length < 8) a.mismatches.push(`stream ${stream}: initial_rtt ${s.rtt}, ours ${ours}`);
    }
  }
  const key = relative(CORPUS_DIR, capture).split('/').join('_');
  for (const s of summary().filter((x) => x.file === key)) {
    a.completeness++;
    const mine = flows.find((f) => f.proto === 'tcp' && f.stream === s.stream);
    if (mine?.tcp?.completeness === s.completeness) a.completenessEqual++;
    else if (a.mismatches.length < 8) a.mismatches.push(`stream ${s.stream}: completeness ${s.completeness}, ours ${mine?.tcp?.completeness}`);
  }
  return a;
}

let summaryRows: { file: string; stream: number; completeness: number }[] | null = null;
/** SUMMARY.tsv: tshark's final tcp.completeness per stream. */
function summary() {
  if (!summaryRows) {
    const path = readdirSync(ORACLE_DIR).find((f) => f.startsWith('SUMMARY'));
    summaryRows = path ? readTsv(join(ORACLE_DIR, path)).map((r) => ({
      file: r['file'], stream: Number(r['tcp.stream']), completeness: Number(r['completeness_final']),
    })) : [];
  }
  return summaryRows;
}

export function f1(c: Counts): number {
  return c.tp === 0 ? (c.fp === 0 && c.fn === 0 ? 1 : 0) : (2 * c.tp) / (2 * c.tp + c.fp + c.fn);
}

export interface Agreement {
  captures: CaptureAgreement[];
  flags: Record<Flag, Counts>;
  microF1: number;
  packets: number;
  streamsEqual: number;
  streams: number;
  streamTotalsEqual: number;
  rtts: number;
  rttsEqual: number;
  seqAckEqual: number;
  details: CaptureAgreement['details'];
  completeness: number;
  completenessEqual: number;
}

export async function compareAll(): Promise<Agreement> {
  const captures: CaptureAgreement[] = [];
  for (const c of oracleCases()) captures.push(await compareCapture(c.tsv, c.capture));
  const flags = Object.fromEntries(ANALYSIS_FLAGS.map((f) => [f, { tp: 0, fp: 0, fn: 0 }])) as Record<Flag, Counts>;
  const total: Counts = { tp: 0, fp: 0, fn: 0 };
  const sum = (k: keyof CaptureAgreement) => captures.reduce((s, c) => s + (c[k] as number), 0);
  for (const c of captures) {
    for (const f of ANALYSIS_FLAGS) {
      for (const k of ['tp', 'fp', 'fn'] as const) { flags[f][k] += c.flags[f][k]; total[k] += c.flags[f][k]; }
    }
  }
  return {
    captures, flags, microF1: f1(total), packets: sum('packets'), streamsEqual: sum('streamsEqual'),
    streams: sum('streams'), streamTotalsEqual: sum('streamTotalsEqual'), rtts: sum('rtts'),
    rttsEqual: sum('rttsEqual'), seqAckEqual: sum('seqAckEqual'),
    details: Object.fromEntries(DETAILS.map((d) => [d, {
      total: captures.reduce((s, c) => s + c.details[d].total, 0),
      equal: captures.reduce((s, c) => s + c.details[d].equal, 0),
    }])) as CaptureAgreement['details'],
    completeness: sum('completeness'), completenessEqual: sum('completenessEqual'),
  };
}

export function formatAgreement(g: Agreement): string {
  const pct = (n: number, d: number) => (d ? ((100 * n) / d).toFixed(2) + '%' : '-');
  const lines = ['tcp.analysis flag            tshark   ours    both      F1'];
  for (const f of ANALYSIS_FLAGS) {
    const c = g.flags[f];
    lines.push(`${f.padEnd(26)} ${String(c.tp + c.fn).padStart(8)} ${String(c.tp + c.fp).padStart(6)} ${String(c.tp).padStart(7)} ${f1(c).toFixed(4).padStart(7)}`);
  }
  lines.push(`micro-F1 over all flags: ${g.microF1.toFixed(4)}`);
  lines.push(`tcp.stream equal:        ${g.streamsEqual}/${g.packets} packets (${pct(g.streamsEqual, g.packets)})`);
  lines.push(`stream totals equal:     ${g.streamTotalsEqual}/${g.streams} streams (${pct(g.streamTotalsEqual, g.streams)})`);
  lines.push(`initial RTT within 1 µs: ${g.rttsEqual}/${g.rtts} streams (${pct(g.rttsEqual, g.rtts)})`);
  lines.push(`relative seq/ack equal:  ${g.seqAckEqual}/${g.packets} packets (${pct(g.seqAckEqual, g.packets)})`);
  lines.push(`tcp.completeness equal:  ${g.completenessEqual}/${g.completeness} streams (${pct(g.completenessEqual, g.completeness)})`);
  for (const d of DETAILS) {
    const x = g.details[d];
    lines.push(`${(d + ' equal:').padEnd(24)} ${x.equal}/${x.total} packets (${pct(x.equal, x.total)})`);
  }
  lines.push('', 'per capture: packets, flags F1, streams equal, RTTs equal');
  for (const c of g.captures) {
    const t: Counts = { tp: 0, fp: 0, fn: 0 };
    for (const f of ANALYSIS_FLAGS) for (const k of ['tp', 'fp', 'fn'] as const) t[k] += c.flags[f][k];
    lines.push(`  ${c.capture.padEnd(58)} ${String(c.packets).padStart(6)}  F1 ${f1(t).toFixed(4)}  ${pct(c.streamsEqual, c.packets).padStart(8)}  ${c.rttsEqual}/${c.rtts}`);
    for (const m of c.mismatches.slice(0, 4)) lines.push(`      ${m}`);
  }
  return lines.join('\n');
}

export const UDP_ORACLE_DIR = join(FIXTURES, 'oracle', 'wireshark-udp');

/**
 * udp.stream agreement: for each packet tshark gives a udp.stream, our UDP flow with that stream
 * number has the packet's ports. A packet of a UDP flow must carry that flow's number; an ICMP error
 * quoting UDP, or a packet inside a Teredo or VXLAN tunnel, belongs to its own (inner) flow here, and
 * the UDP conversation Wireshark also files it under must exist with the same number.
 */
export async function compareUdp(): Promise<{ capture: string; packets: number; equal: number; mismatches: string[] }[]> {
  const out = [];
  const cases = oracleCases(UDP_ORACLE_DIR);
  for (const { tsv, capture } of cases) {
    const ours = new Map<number, PacketRecord>();
    const engine = await analyzeFile(capture, {
      onPackets: (v, n) => { for (let i = 0; i < n; i++) { const r = readPacket(v, i); ours.set(r.frame, r); } },
    });
    const flows = engine.flows();
    const r = { capture: relative(CORPUS_DIR, capture), packets: 0, equal: 0, mismatches: [] as string[] };
    const byStream = new Map(flows.filter((f) => f.proto === 'udp').map((f) => [f.stream, f]));
    for (const row of readTsv(tsv)) {
      r.packets++;
      const p = ours.get(Number(row['frame.number']));
      const stream = Number(row['udp.stream']);
      const own = p && p.flow >= 0 && flows[p.flow].proto === 'udp' ? flows[p.flow] : null;
      const f = own ?? byStream.get(stream);
      const ports = [Number(row['udp.srcport']), Number(row['udp.dstport'])].sort().join();
      if (f && f.stream === stream && [f.client.port, f.server.port].sort().join() === ports) r.equal++;
      else if (r.mismatches.length < 4) r.mismatches.push(`frame ${row['frame.number']}: udp.stream ${stream}, ours ${f?.stream ?? 'none'}`);
    }
    out.push(r);
  }
  return out;
}
