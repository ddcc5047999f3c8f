// Flows as a Zeek conn.log in its TSV form. A TCP flow gives one row per Zeek connection on it (Zeek
// ends connections on timers and on a SYN after a close, where the flow goes on).

import type { FlowSummary } from './engine.js';
import type { ZeekConnection } from './zeek.js';

const FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration',
  'orig_bytes', 'resp_bytes', 'conn_state', 'local_orig', 'local_resp', 'missed_bytes', 'history', 'orig_pkts',
  'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes', 'tunnel_parents'];

/** The log a line at a time. */
export function* zeekLines(flows: Iterable<FlowSummary>): Generator<string> {
  yield* ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn',
    `#fields\t${FIELDS.join('\t')}`];
  for (const f of flows) {
    const proto = f.proto === 'icmpv6' ? 'icmp' : f.proto;
    const uid = `S${f.proto}${f.stream}`;
    const z = f.tcp?.zeek ?? null;
    if (!z) {
      yield [
        f.first.toFixed(6), uid, f.client.ip, f.client.port, f.server.ip, f.server.port, proto, '-', f.duration.toFixed(6),
        f.payload.client, f.payload.server, '-', '-', '-', 0, '-', f.packets.client, f.bytes.client, f.packets.server,
        f.bytes.server, '-',
      ].join('\t');
      continue;
    }
    const conns = [...z.earlier, z];
    for (let i = 0; i < conns.length; i++) {
      const last = i === conns.length - 1;
      yield row(f, conns[i], last ? uid : `${uid}-${i + 1}`, proto, conns.length === 1).join('\t');
    }
  }
}

// One Zeek connection. Zeek sets duration and the byte counts only when the duration is above 0;
// packet and IP byte counts are the flow's, so they are given only when the flow is one connection.
function row(f: FlowSummary, c: ZeekConnection, uid: string, proto: string, whole: boolean): (string | number)[] {
  const flip = !c.origIsClient;
  const [o, r] = flip ? [f.server, f.client] : [f.client, f.server];
  const [op, rp] = flip ? [f.packets.server, f.packets.client] : [f.packets.client, f.packets.server];
  const [ob, rb] = flip ? [f.bytes.server, f.bytes.client] : [f.bytes.client, f.bytes.server];
  const timed = c.duration > 0;
  return [
    c.first.toFixed(6), uid, o.ip, o.port, r.ip, r.port, proto, '-', timed ? c.duration.toFixed(6) : '-',
    timed ? c.origBytes : '-', timed ? c.respBytes : '-', c.connState, '-', '-', c.missedBytes, c.history || '-',
    whole ? op : '-', whole ? ob : '-', whole ? rp : '-', whole ? rb : '-', '-',
  ];
}
