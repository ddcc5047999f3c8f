// Agreement with tcptrace 6.6.7's long output (`tcptrace -l`), from its recorded outputs in
// test/fixtures/oracle/tcptrace (test/fixtures/README.md says how each was made): every per-direction
// statistic seqack reports, compared connection by connection as tcptrace prints it.

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { analyzeFile } from '../../src/core/node.js';
import type { TcpDirection } from '../../src/core/tcp-summary.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const TCPTRACE_DIR = join(FIXTURES, 'oracle', 'tcptrace');
export const CORPUS_DIR = join(FIXTURES, 'corpus');
/** Captures made here (test/fixtures/local/lossy.sh): real TCP through a lossy bridge. */
export const LOCAL_DIR = join(FIXTURES, 'local');

/** One connection of tcptrace's output: its two hosts and each direction's lines, label to value. */
export interface TcptraceConnection {
  number: number;
  a: string; // address:port, the address in canonical form
  b: string;
  ab: Record<string, string>;
  ba: Record<string, string>;
}

const UNITS = '(?:bytes|pkts|times|Bps|ms|secs)';
const STAT = new RegExp(`^\\s*(.+?):\\s+(\\S+)(?:\\s+${UNITS})?\\s+(.+?):\\s+(\\S+)(?:\\s+${UNITS})?\\s*$`);

/** Parses `tcptrace -l` output. */
export function parseLong(text: string): TcptraceConnection[] {
  const out: TcptraceConnection[] = [];
  let c: TcptraceConnection | null = null;
  let hosts = 0;
  for (const line of text.split('\n')) {
    const head = /^TCP connection (\d+):$/.exec(line);
    if (head) {
      c = { number: Number(head[1]), a: '', b: '', ab: {}, ba: {} };
      out.push(c);
      hosts = 0;
      continue;
    }
    if (!c) continue;
    const host = /^\thost \w+:\s+(\S+)$/.exec(line);
    if (host) {
      if (hosts++ === 0) c.a = endpoint(host[1]); else c.b = endpoint(host[1]);
      continue;
    }
    const stat = STAT.exec(line);
    if (stat) { c.ab[stat[1]] = stat[2]; c.ba[stat[3]] = stat[4]; }
  }
  return out;
}

/** tcptrace writes IPv6 groups with leading zeros; the engine writes RFC 5952 text. Both become
 *  eight full groups (IPv4 stays as it is). */
function canonical(ip: string): string {
  if (!ip.includes(':')) return ip;
  if (/^:[^:]/.test(ip)) ip = `:${ip}`; // tcptrace writes ::1 as :0001
  const [left, right] = ip.split('::');
  const l = left ? left.split(':') : [];
  const r = right !== undefined && right !== '' ? right.split(':') : [];
  const groups = right === undefined ? l : [...l, ...Array(8 - l.length - r.length).fill('0'), ...r];
  return groups.map((g) => parseInt(g, 16).toString(16)).join(':');
}

function endpoint(s: string): string {
  const i = s.lastIndexOf(':');
  return `${canonical(s.slice(0, i))}:${s.slice(i + 1)}`;
}

/** printf("%.*f") as glibc does it: the exact binary value, ties to even. */
export function cFixed(v: number, digits: number): string {
  if (!Number.isFinite(v)) return 'NA';
  const neg = v < 0;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(v));
  const bits = buf.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e = exp - 1075;
  if (exp === 0) e = -1074; else mant |= 1n << 52n;
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (e >= 0) {
    q = (mant << BigInt(e)) * scale;
  } else {
    const num = mant * scale, den = 1n << BigInt(-e);
    q = num / den;
    const twice = (num % den) * 2n;
    if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  }
  const s = q.toString().padStart(digits + 1, '0');
  const text = digits ? `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}` : s;
  return (neg && q !== 0n ? '-' : '') + text;
}

const ms = (seconds: number) => cFixed(Math.round(seconds * 1e6) / 1000, 1);

/** Each counter seqack reports: tcptrace's label, and our value as tcptrace would print it. */
export const COUNTERS: Record<string, (d: TcpDirection) => string> = {
  'total packets': (d) => String(d.packets),
  'ack pkts sent': (d) => String(d.ackPackets),
  'pure acks sent': (d) => String(d.pureAcks),
  'sack pkts sent': (d) => String(d.sackPackets),
  'dsack pkts sent': (d) => String(d.dsackPackets),
  'max sack blks/ack': (d) => String(d.maxSackBlocks),
  'unique bytes sent': (d) => String(d.uniqueBytes),
  'actual data pkts': (d) => String(d.dataPackets),
  'actual data bytes': (d) => String(d.dataBytes),
  'rexmt data pkts': (d) => String(d.retransmittedPackets),
  'rexmt data bytes': (d) => String(d.retransmittedBytes),
  'zwnd probe pkts': (d) => String(d.zeroWindowProbes),
  'zwnd probe bytes': (d) => String(d.zeroWindowProbeBytes),
  'outoforder pkts': (d) => String(d.outOfOrder),
  'SYN/FIN pkts sent': (d) => `${d.synPackets}/${d.finPackets}`,
  'max win adv': (d) => String(d.maxWindow),
  'min win adv': (d) => String(d.minWindow),
  'zero win adv': (d) => String(d.zeroWindows),
  'avg win adv': (d) => String(d.avgWindow),
  // tcptrace prints the 64-bit wrap-around of a negative difference
  'missed data': (d) => (d.missedData === null ? 'NA' : BigInt.asUintN(64, BigInt(d.missedData)).toString()),
  'truncated data': (d) => String(d.truncatedData),
  'truncated packets': (d) => String(d.truncatedPackets),
  throughput: (d) => (d.throughput === null ? 'NA' : cFixed(d.throughput, 0)),
  'RTT samples': (d) => String(d.rtt?.samples ?? 0),
  'RTT min': (d) => (d.rtt ? ms(d.rtt.min) : '0.0'),
  'RTT max': (d) => (d.rtt ? ms(d.rtt.max) : '0.0'),
  // tcptrace's Average() divides by count + .0001
  'RTT avg': (d) => (d.rtt ? cFixed((d.rtt.avg * 1e6 * d.rtt.samples) / (d.rtt.samples + 0.0001) / 1000, 1) : '0.0'),
  'RTT stdev': (d) => (!d.rtt ? '0.0' : d.rtt.stdev === null ? 'NA' : cFixed(d.rtt.stdev * 1000, 1)),
  'RTT from 3WHS': (d) => (d.rttFrom3whs === null ? '0.0' : ms(d.rttFrom3whs)),
  'duplicate acks': (d) => String(d.duplicateAcks),
  'triple dupacks': (d) => String(d.tripleDuplicateAcks),
};

export interface Agreement {
  connections: number;          // tcptrace's connections
  matched: number;              // ... that are one of our flows
  counters: Record<string, { equal: number; total: number }>;
  /** The first differences of each counter, for people. */
  mismatches: Record<string, string[]>;
  unmatched: string[];
}

/** The recorded outputs with the capture each describes: its path under corpus/, or under
 *  fixtures/ for local/, with / as _. */
export function tcptraceCases(): { long: string; capture: string }[] {
  const captures = new Map<string, string>();
  const walk = (dir: string, base: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p, base);
      else captures.set(relative(base, p).split('/').join('_'), p);
    }
  };
  walk(CORPUS_DIR, CORPUS_DIR);
  walk(LOCAL_DIR, FIXTURES);
  return readdirSync(TCPTRACE_DIR)
    .filter((f) => f.endsWith('.long.gz'))
    .map((f) => ({ long: join(TCPTRACE_DIR, f), capture: captures.get(f.replace(/\.long\.gz$/, '')) ?? '' }))
    .filter((c) => c.capture && existsSync(c.capture))
    .sort((x, y) => x.capture.localeCompare(y.capture));
}

export function emptyAgreement(): Agreement {
  return {
    connections: 0, matched: 0, unmatched: [],
    counters: Object.fromEntries(Object.keys(COUNTERS).map((k) => [k, { equal: 0, total: 0 }])),
    mismatches: Object.fromEntries(Object.keys(COUNTERS).map((k) => [k, []])),
  };
}

/** Compares one capture's connections, adding to `g`, or to `apart` for those `exclude` names
 *  (capture path and tcptrace's connection number, as `zeek/traces/x.pcap #2`). tcptrace's host a
 *  sent the connection's first packet, as our endpoint A did; connections on the same endpoints
 *  pair up in order. */
export async function compareCapture(long: string, capture: string, into: Agreement,
  apart: Agreement = into, exclude: Set<string> = new Set()): Promise<void> {
  const theirs = parseLong(gunzipSync(readFileSync(long)).toString('utf8'));
  const engine = await analyzeFile(capture);
  const queues = new Map<string, { a: string; ab: TcpDirection; ba: TcpDirection }[]>();
  engine.flows().forEach((f, i) => {
    if (!f.tcp) return;
    const [a, b] = engine.clientIsB(i) ? [f.server, f.client] : [f.client, f.server];
    const ea = `${canonical(a.ip)}:${a.port}`, eb = `${canonical(b.ip)}:${b.port}`;
    const [ab, ba] = engine.clientIsB(i) ? [f.tcp.server, f.tcp.client] : [f.tcp.client, f.tcp.server];
    const key = [ea, eb].sort().join(' ');
    if (!queues.has(key)) queues.set(key, []);
    queues.get(key)!.push({ a: ea, ab, ba });
  });
  const name = relative(capture.startsWith(CORPUS_DIR) ? CORPUS_DIR : FIXTURES, capture);
  for (const c of theirs) {
    const g = exclude.has(`${name} #${c.number}`) ? apart : into;
    g.connections++;
    const ours = queues.get([c.a, c.b].sort().join(' '))?.shift();
    if (!ours) { g.unmatched.push(`${name} #${c.number} ${c.a} ${c.b}`); continue; }
    g.matched++;
    const [ab, ba] = ours.a === c.a ? [ours.ab, ours.ba] : [ours.ba, ours.ab];
    for (const [label, value] of Object.entries(COUNTERS)) {
      for (const [dir, t, o] of [['a->b', c.ab, ab], ['b->a', c.ba, ba]] as const) {
        if (t[label] === undefined) continue;
        const k = g.counters[label];
        k.total++;
        const mine = value(o);
        if (mine === t[label]) k.equal++;
        else if (g.mismatches[label].length < 6) g.mismatches[label].push(`${name} #${c.number} ${dir}: tcptrace ${t[label]}, ours ${mine}`);
      }
    }
  }
}

/** Every recorded capture: the agreement on the connections compared, and on those `exclude` names. */
export async function compareAll(exclude: Set<string> = new Set()): Promise<{ compared: Agreement; apart: Agreement }> {
  const compared = emptyAgreement(), apart = emptyAgreement();
  for (const c of tcptraceCases()) await compareCapture(c.long, c.capture, compared, apart, exclude);
  return { compared, apart };
}

export function formatAgreement(g: Agreement, title = 'tcptrace -l'): string {
  const lines = [`${title}: ${g.matched}/${g.connections} connections are seqack flows; counter: equal/total`];
  for (const [label, k] of Object.entries(g.counters)) {
    lines.push(`  ${label.padEnd(20)} ${String(k.equal).padStart(5)}/${String(k.total).padEnd(5)} ${(100 * k.equal / (k.total || 1)).toFixed(2).padStart(6)}%`);
  }
  for (const [label, m] of Object.entries(g.mismatches)) for (const x of m) lines.push(`  ${label}: ${x}`);
  for (const u of g.unmatched.slice(0, 12)) lines.push(`  no flow: ${u}`);
  return lines.join('\n');
}
