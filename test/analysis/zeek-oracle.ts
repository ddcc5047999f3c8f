// Zeek's own conn.log baselines (test/fixtures/oracle/zeek, from zeek/zeek's btest Baseline dir) beside
// the traces they were made from, and a comparison of their TCP rows with seqack's Zeek view.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../src/core/node.js';
import type { FlowSummary } from '../../src/core/engine.js';
import type { ZeekConnection } from '../../src/core/zeek.js';
import { CORPUS, FIXTURES } from '../helpers/corpus.js';

/** One baseline file and the trace Zeek read for it (test/fixtures/corpus/zeek/traces/...). */
export interface Baseline {
  log: string;
  trace: string;
  /** Rows left out of the comparison, by their key (RowResult.key), each with the reason. */
  skip?: Record<string, string>;
  /** Columns left out of the comparison for every row, with the reason. */
  skipColumns?: Partial<Record<Column, string>>;
  /**
   * How the file is written: a conn.log, whole or cut (the default); `print`: lines of "history,
   * conn_state", this trace's at `line`; `removal`: event lines, the connection_state_remove one
   * giving the id and history; `ids`: one conn_id per line.
   */
  format?: 'log' | 'print' | 'removal' | 'ids';
  line?: number;
  /** A cut without a header line: its columns. */
  columns?: string[];
}

export type Column = 'conn_state' | 'history' | 'orig_bytes' | 'resp_bytes' | 'missed_bytes' | 'orig' | 'duration';

// Zeek's btest runs: `-C` ignores checksums, `-b` loads only the listed scripts (MANIFEST.txt).
// seqack models `zeek -C` with the default scripts' likely_server_ports.
export const BASELINES: Baseline[] = [
  { log: 'core.tcp.rxmit-history/conn-1.log', trace: 'tcp/retransmit-fast009.pcap' },
  { log: 'core.tcp.rxmit-history/conn-2.log', trace: 'wikipedia.pcap' },
  // zeek -f "port 50000": the BPF filter keeps whole connections, so the filtered one compares as is.
  { log: 'core.pcap.read-trace-with-filter/conn.log', trace: 'wikipedia.pcap' },
  { log: 'core.tcp.missing-syn/conn.log', trace: 'tcp/missing-syn.pcap' },
  { log: 'core.history-flip/conn.log', trace: 'tcp/missing-syn.pcap' },
  // made with report_gaps_for_partial=T; its gap comes while both sides are established, so it
  // counts with the default (F) too
  { log: 'core.tcp.miss-end-data/conn.log', trace: 'tcp/miss_end_data.pcap' },
  {
    log: 'core.tcp.bad-checksum-syn/conn.log', trace: 'tcp/syn-bad.pcap',
    skip: { 'row 0': 'made without -C: Zeek drops the SYN for its bad checksum (C, OTH); seqack reads as zeek -C does' },
  },
  { log: 'scripts.base.protocols.conn.conn_state-RST-behavior/out', trace: 'tcp/single-rst.pcap', format: 'print', line: 0 },
  { log: 'scripts.base.protocols.conn.conn_state-RST-behavior/out', trace: 'tcp/syn-then-rst.pcap', format: 'print', line: 1 },
  { log: 'scripts.base.protocols.conn.conn_state-RST-behavior/out', trace: 'tcp/syn-then-ack-then-rst.pcap', format: 'print', line: 2 },
  { log: 'scripts.base.protocols.conn.conn_state-RST-behavior/out', trace: 'tcp/syn-then-stuff-then-rst.pcap', format: 'print', line: 3 },
  { log: 'core.tcp.flip-without-syn/conn.log', trace: 'tcp/http-on-irc-port-missing-syn.pcapng' },
  // conn-all.log is Zeek's normal run: the 5-minute inactivity timeout splits the flow in two.
  // (conn-limited.log was made with timers held back on purpose, so it keeps one connection.)
  { log: 'core.expire-all-timers/conn-all.log', trace: 'tcp/retransmit-timeout.pcapng' },
  { log: 'core.conn-size-flip/conn.log.one-sided', trace: 'tcp/one-sided-2745.pcap' },
  { log: 'core.conn-size-flip/conn.log.ctu', trace: 'tcp/ctu-64702-888.pcap' },
  {
    log: 'scripts.policy.protocols.conn.community-id-logging-flipped/conn.log.cut', trace: 'tcp/handshake-reorder.pcap',
    columns: ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'community_id'],
  },
  {
    log: 'core.connection_flipped/out', trace: 'tcp/handshake-reorder.pcap', format: 'removal',
    skipColumns: {
      history: 'made with -b and no HTTP scripts, so 80/tcp is no likely server port: Zeek keeps the first SYN+ACK\'s '
        + 'sender as originator until the SYN flips it (Hs^ADadFf); with the default scripts it flips at once (^hSADadFf)',
    },
  },
  { log: 'core.ipv6-atomic-frag/output', trace: 'ipv6-http-atomic-frag.pcap', format: 'ids' },
  { log: 'scripts.base.protocols.ssh.half-duplex-client/conn.log', trace: 'ssh/ssh.client-side-half-duplex.pcap' },
  { log: 'scripts.base.protocols.ssh.half-duplex-server/conn.log', trace: 'ssh/ssh.server-side-half-duplex.pcap' },
  { log: 'scripts.base.protocols.pop3.basic/conn.log', trace: 'pop3/pop3.pcap' },
  { log: 'scripts.base.protocols.modbus.modbus_and_non_modbus_on_port_502/conn.log', trace: 'modbus/modbus-and-non-modbus-p502.pcap' },
  { log: 'scripts.base.protocols.ftp.ftp-ipv4/conn.log', trace: 'ftp/ipv4.pcap' },
  { log: 'scripts.base.protocols.ftp.ftp-ipv6/conn.log', trace: 'ftp/ipv6.pcap' },
  { log: 'core.tcp.large-file-reassembly/conn.log', trace: 'ftp/bigtransfer.pcap' },
  { log: 'core.vlan-mpls/conn.log', trace: 'mixed-vlan-mpls.pcap' },
  { log: 'core.pppoe-over-qinq/conn.log', trace: 'pppoe-over-qinq.pcap' },
  { log: 'scripts.base.protocols.irc.starttls/conn.log', trace: 'tls/irc-starttls.pcap' },
  { log: 'scripts.base.protocols.pop3.starttls/conn.log', trace: 'tls/pop3-starttls.pcap' },
  { log: 'scripts.base.protocols.http.http-connect-with-header/conn.log', trace: 'http/connect-with-header.pcap' },
  { log: 'scripts.base.protocols.syslog.tcp-framing/conn.log', trace: 'tcp-syslog.pcap' },
  { log: 'scripts.base.protocols.http.261.te-cl-desync/conn.log', trace: 'http/261/variant-04-te_cl_desync.pcap' },
  { log: 'core.tcp-padding/conn.log', trace: 'tcp-http-with-padding.pcap' },
  { log: 'scripts.policy.frameworks.analyzer.detect-protocols-violation/conn.log', trace: 'http/get-to-ssh-server.pcap' },
  { log: 'scripts.base.protocols.ldap.gap/conn.log', trace: 'ldap/gap-data-missing.pcapng' },
  { log: 'scripts.base.protocols.ssh.basic/conn.log', trace: 'ssh/ssh.pcap' },
  {
    log: 'core.tunnels.teredo/conn.log', trace: 'tunnels/Teredo.pcap',
    skip: {
      '2001:0:4137:9e50:8000:f12a:b9c8:2815:1286 > 2001:4860:0:2001::68:80':
        'inside Teredo (IPv6 in UDP port 3544), which seqack does not decapsulate: no flow',
    },
  },
  { log: 'scripts.base.protocols.http.concurrent-range-requests/conn.log', trace: 'http/concurrent-range-requests.pcap' },
  { log: 'scripts.base.protocols.http.http-connect/conn.log', trace: 'http/connect-with-smtp.pcap' },
  { log: 'core.tcp.reassembly-known-ports/conn.log', trace: 'http/get.pcap' },
  // no TCP rows: still read, so that a TCP row appearing there would be compared
  { log: 'core.pcapng-pktsrc/conn.log', trace: 'pcapng-multi-interface.pcapng' },
  { log: 'core.q-in-q/conn.log', trace: 'q-in-q.pcap' },
  { log: 'core.vntag/conn.log', trace: 'vntag.pcap' },
];

/** Baseline files in the fixtures that hold no TCP connection to compare, with the reason. */
export const EXCLUDED: Record<string, string> = {
  'core.linuxsll2/.stdout': 'ARP and ICMP events only',
  'core.expire-all-timers/conn-limited.log': 'made with timers held back on purpose; conn-all.log, the normal run, is compared',
  'scripts.base.protocols.vlan.vlan-0/conn.log.cut': 'cut to VLAN ids only',
};

/** A conn_id as Zeek prints it: [orig_h=..., orig_p=80/tcp, resp_h=..., resp_p=.../tcp, ...]. */
function connId(line: string): Record<string, string> {
  const m = /\[orig_h=([^,]+), orig_p=(\d+)\/(\w+), resp_h=([^,]+), resp_p=(\d+)\/\w+/.exec(line);
  if (!m) throw new Error(`no conn_id in ${line}`);
  return { 'id.orig_h': m[1], 'id.orig_p': m[2], proto: m[3], 'id.resp_h': m[4], 'id.resp_p': m[5] };
}

/** A baseline's rows, as column name to value. */
export function readBaseline(b: Baseline): Record<string, string>[] {
  const text = readFileSync(join(FIXTURES, 'oracle', 'zeek', b.log), 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0 && !l.startsWith('###'));
  if (b.format === 'print') {
    const [history, connState] = lines[b.line ?? 0].split(', ');
    return [{ history, conn_state: connState, proto: 'tcp' }];
  }
  if (b.format === 'removal') {
    return lines.filter((l) => l.includes(', connection_state_remove, '))
      .map((l) => ({ ...connId(l), history: l.slice(l.lastIndexOf('], ') + 3).split(', ')[0] }));
  }
  if (b.format === 'ids') return lines.map(connId);
  let header: string[] | null = b.columns ?? null;
  const rows: Record<string, string>[] = [];
  for (const l of lines) {
    if (l.startsWith('#fields\t')) { header = l.split('\t').slice(1); continue; }
    if (l.startsWith('#')) continue;
    const cells = l.split('\t');
    if (!header) { header = cells; continue; }
    rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
  }
  return rows;
}

/** A row is TCP when it says so, or when its trace has TCP only (cut logs without a proto column). */
const isTcp = (r: Record<string, string>) => (r.proto ?? 'tcp') === 'tcp';

export interface RowResult {
  baseline: string;
  trace: string;
  row: number;
  key: string;
  skipped?: string;
  /** Our Zeek connection matched with the row, and the flow it belongs to. */
  ours: { flow: FlowSummary; conn: ZeekConnection } | null;
  /** Per compared column: [Zeek's, ours]. */
  values: Partial<Record<Column, [string, string]>>;
}

const endpointKey = (ip: string, port: number | string) => `${ip}:${port}`;

/** Every Zeek connection of every TCP flow, flows in order, each flow's connections oldest first. */
function zeekConnections(flows: FlowSummary[]): { flow: FlowSummary; conn: ZeekConnection }[] {
  return flows.flatMap((flow) => {
    const z = flow.tcp?.zeek;
    return z ? [...z.earlier, z].map((conn) => ({ flow, conn })) : [];
  });
}

/** Whether the flow fits the row's addresses (whatever of them the baseline has), either way round. */
function fits(f: FlowSummary, r: Record<string, string>): boolean {
  const match = (o: { ip: string; port: number }, s: { ip: string; port: number }) =>
    (r['id.orig_h'] === undefined || r['id.orig_h'] === o.ip) && (r['id.orig_p'] === undefined || Number(r['id.orig_p']) === o.port)
    && (r['id.resp_h'] === undefined || r['id.resp_h'] === s.ip) && (r['id.resp_p'] === undefined || Number(r['id.resp_p']) === s.port);
  return match(f.client, f.server) || match(f.server, f.client);
}

/**
 * Compares every TCP row of the baselines with our Zeek connections. Rows are matched by 5-tuple;
 * several rows on one 5-tuple (Zeek logs a connection when it removes it, so they come oldest first)
 * take our connections on it in order.
 */
export async function compareBaselines(baselines = BASELINES): Promise<RowResult[]> {
  const out: RowResult[] = [];
  const flowsOf = new Map<string, FlowSummary[]>();
  for (const b of baselines) {
    let flows = flowsOf.get(b.trace);
    if (!flows) {
      flows = (await analyzeFile(join(CORPUS, 'zeek', 'traces', b.trace))).flows();
      flowsOf.set(b.trace, flows);
    }
    const ours = zeekConnections(flows);
    const used = new Set<ZeekConnection>();
    readBaseline(b).filter(isTcp).forEach((r, i) => {
      const key = r['id.orig_h'] !== undefined
        ? `${endpointKey(r['id.orig_h'], r['id.orig_p'] ?? '?')} > ${endpointKey(r['id.resp_h'], r['id.resp_p'] ?? '?')}` : `row ${i}`;
      const result: RowResult = { baseline: b.log, trace: b.trace, row: i, key, ours: null, values: {} };
      out.push(result);
      if (b.skip?.[key]) { result.skipped = b.skip[key]; return; }
      const match = ours.find((o) => !used.has(o.conn) && fits(o.flow, r)) ?? null;
      result.ours = match;
      if (!match) return;
      used.add(match.conn);
      const { flow, conn: z } = match;
      const orig = z.origIsClient ? flow.client : flow.server;
      const pairs: [Column, string | undefined, string][] = [
        ['conn_state', r.conn_state, z.connState],
        ['history', r.history, z.history],
        // Zeek leaves the byte counts unset ("-") when the duration is 0
        ['orig_bytes', r.orig_bytes, z.duration > 0 ? String(z.origBytes) : '-'],
        ['resp_bytes', r.resp_bytes, z.duration > 0 ? String(z.respBytes) : '-'],
        ['missed_bytes', r.missed_bytes, String(z.missedBytes)],
        ['duration', r.duration, z.duration > 0 ? z.duration.toFixed(6) : '-'],
        ['orig', r['id.orig_h'] !== undefined && r['id.orig_p'] !== undefined ? endpointKey(r['id.orig_h'], r['id.orig_p']) : undefined,
          endpointKey(orig.ip, orig.port)],
      ];
      for (const [col, theirs, mine] of pairs) {
        if (theirs === undefined || b.skipColumns?.[col]) continue;
        result.values[col] = [theirs, mine];
      }
    });
  }
  return out;
}
