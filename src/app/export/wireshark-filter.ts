// Wireshark display filters for one flow. Our stream numbers are Wireshark's tcp.stream and
// udp.stream, so within the same capture the stream filter finds exactly this flow; the address form
// also works on other captures of the same traffic (a cut of this one, for instance).

import type { FlowSummary } from '../../core/engine.js';

/** Protocols Wireshark filters by these names; others by number. */
const NAMED = new Set(['tcp', 'udp', 'icmp', 'icmpv6', 'igmp', 'gre', 'esp', 'ah', 'ospf', 'pim', 'vrrp', 'sctp']);
/** Names of core/names.ts that Wireshark knows by number only. */
const NUMBERED: Record<string, number> = { ipv6: 41, 'ipv6-nonxt': 59 };

type Flow = Pick<FlowSummary, 'proto' | 'stream' | 'client' | 'server'>;

/** `tcp.stream eq 7`; the address form for protocols without streams. */
export function streamFilter(f: Flow): string {
  return f.proto === 'tcp' || f.proto === 'udp' ? `${f.proto}.stream eq ${f.stream}` : addressFilter(f);
}

/** `ip.addr==10.0.0.1 && ip.addr==10.0.0.2 && tcp.port==40000 && tcp.port==80` */
export function addressFilter(f: Flow): string {
  const v6 = f.client.ip.includes(':');
  const addr = v6 ? 'ipv6.addr' : 'ip.addr';
  const parts = [`${addr}==${f.client.ip}`, `${addr}==${f.server.ip}`];
  if (f.proto === 'tcp' || f.proto === 'udp') parts.push(`${f.proto}.port==${f.client.port}`, `${f.proto}.port==${f.server.port}`);
  else if (NAMED.has(f.proto)) parts.push(f.proto);
  else {
    const n = NUMBERED[f.proto] ?? /^ip-(\d+)$/.exec(f.proto)?.[1] ?? f.proto;
    parts.push(`${v6 ? 'ipv6.nxt' : 'ip.proto'}==${n}`);
  }
  return parts.join(' && ');
}
