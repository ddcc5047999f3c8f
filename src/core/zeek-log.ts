// Flows as a Zeek conn.log in its TSV form.

import type { FlowSummary } from './engine.js';

const FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration',
  'orig_bytes', 'resp_bytes', 'conn_state', 'local_orig', 'local_resp', 'missed_bytes', 'history', 'orig_pkts',
  'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes', 'tunnel_parents'];

export function formatZeekLog(flows: FlowSummary[]): string {
  const lines = ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn',
    `#fields\t${FIELDS.join('\t')}`];
  for (const f of flows) {
    const z = f.tcp?.zeek ?? null;
    const flip = z ? !z.origIsClient : false;
    const [o, r] = flip ? [f.server, f.client] : [f.client, f.server];
    const [op, rp] = flip ? [f.packets.server, f.packets.client] : [f.packets.client, f.packets.server];
    const [ob, rb] = flip ? [f.bytes.server, f.bytes.client] : [f.bytes.client, f.bytes.server];
    const proto = f.proto === 'icmpv6' ? 'icmp' : f.proto;
    lines.push([
      f.first.toFixed(6), `S${f.proto}${f.stream}`, o.ip, o.port, r.ip, r.port, proto, '-', f.duration.toFixed(6),
      z ? z.origBytes : f.payload[flip ? 'server' : 'client'], z ? z.respBytes : f.payload[flip ? 'client' : 'server'],
      z?.connState ?? '-', '-', '-', z ? z.missedBytes : 0, z?.history ?? '-', op, ob, rp, rb, '-',
    ].join('\t'));
  }
  return lines.join('\n') + '\n';
}
