// What an IP header's protocol number (or an IPv6 next header) hands on to: TCP, UDP, ICMP, or a
// tunnel (IP in IP, GRE) whose inner packet is decoded in turn.

import { Cursor, hex } from './dissection.js';
import { ipv4 } from './ipv4.js';
import { ipv6 } from './ipv6.js';
import { tcp } from './tcp.js';
import { udp } from './udp.js';
import { icmp } from './icmp.js';
import { data, ethertype, ETHERTYPES } from './link.js';

export const PROTOCOLS: Record<number, string> = {
  1: 'ICMP', 2: 'IGMP', 4: 'IPv4 (IP in IP)', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 47: 'GRE', 50: 'ESP', 51: 'AH',
  58: 'ICMPv6', 59: 'No next header', 89: 'OSPF', 103: 'PIM', 112: 'VRRP', 132: 'SCTP',
  0: 'Hop-by-hop options', 43: 'Routing', 44: 'Fragment', 60: 'Destination options',
};

export function transport(c: Cursor, proto: number, o: number, end: number): void {
  if (!c.deeper()) return;
  switch (proto) {
    case 6: tcp(c, o, end); return;
    case 17: udp(c, o, end); return;
    case 1: icmp(c, o, end, false); return;
    case 58: icmp(c, o, end, true); return;
    case 4: ipv4(c, o); return;
    case 41: ipv6(c, o); return;
    case 47: gre(c, o, end); return;
    default: data(c, o, end);
  }
}

// GRE (RFC 2784, 2890): C | R | K | S | reserved 9 | version 3 | protocol 16, then the checksum and
// reserved (C), key (K) and sequence number (S) when their bits are set.
function gre(c: Cursor, o: number, end: number): void {
  const flags = c.be16(o);
  const hasSum = (flags & 0x8000) !== 0, hasKey = (flags & 0x2000) !== 0, hasSeq = (flags & 0x1000) !== 0;
  const hlen = 4 + (hasSum ? 4 : 0) + (hasKey ? 4 : 0) + (hasSeq ? 4 : 0);
  const l = c.layer('gre', o, o + hlen);
  c.flag(l, 'gre.flags.checksum', o, 0, 'C');
  c.flag(l, 'gre.flags.routing', o, 1, 'R');
  c.flag(l, 'gre.flags.key', o, 2, 'K');
  c.flag(l, 'gre.flags.sequence', o, 3, 'S');
  c.field(l, 'gre.flags.reserved', o, 4, 9, c.bitsAt(o * 8 + 4, 9));
  c.field(l, 'gre.flags.version', o + 1, 5, 3, flags & 7);
  const type = c.be16(o + 2);
  c.field(l, 'gre.proto', o + 2, 0, 16, hex(type, 4), { extra: ETHERTYPES[type] ? [{ label: 'meaning', value: ETHERTYPES[type] }] : undefined });
  let p = o + 4;
  if (hasSum) { c.field(l, 'gre.checksum', p, 0, 16, hex(c.be16(p), 4)); c.field(l, 'gre.reserved', p + 2, 0, 16, c.be16(p + 2)); p += 4; }
  if (hasKey) { c.field(l, 'gre.key', p, 0, 32, hex(c.be32(p), 8)); p += 4; }
  if (hasSeq) { c.field(l, 'gre.sequence', p, 0, 32, c.be32(p)); p += 4; }
  if (l.truncated || (flags & 7) !== 0) { data(c, p, end); return; }
  ethertype(c, type, p);
}
