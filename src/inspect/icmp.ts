// ICMP (RFC 792) and ICMPv6 (RFC 4443): type 8 | code 8 | checksum 16 | 32 bits that depend on the
// type (identifier and sequence number of an echo, the MTU, a pointer, a gateway). An error message
// quotes the start of the packet it is about: that IP header and the first bytes after it are
// decoded too, marked as quoted.

import { Cursor, hex, ipv4Text } from './dissection.js';
import { ipv4 } from './ipv4.js';
import { ipv6 } from './ipv6.js';
import { data } from './link.js';

const V4: Record<number, string> = {
  0: 'Echo reply', 3: 'Destination unreachable', 4: 'Source quench', 5: 'Redirect', 8: 'Echo request',
  9: 'Router advertisement', 10: 'Router solicitation', 11: 'Time exceeded', 12: 'Parameter problem',
  13: 'Timestamp', 14: 'Timestamp reply',
};
const V6: Record<number, string> = {
  1: 'Destination unreachable', 2: 'Packet too big', 3: 'Time exceeded', 4: 'Parameter problem',
  128: 'Echo request', 129: 'Echo reply', 133: 'Router solicitation', 134: 'Router advertisement',
  135: 'Neighbor solicitation', 136: 'Neighbor advertisement', 137: 'Redirect',
};

export function icmp(c: Cursor, o: number, end: number, v6: boolean): void {
  const id = v6 ? 'icmpv6' : 'icmp';
  const l = c.layer(id, o, o + 8);
  const type = c.u8(o), code = c.u8(o + 1);
  const name = (v6 ? V6 : V4)[type];
  c.field(l, `${id}.type`, o, 0, 8, type, { extra: name ? [{ label: 'meaning', value: name }] : undefined });
  c.field(l, `${id}.code`, o + 1, 0, 8, code);
  c.field(l, `${id}.checksum`, o + 2, 0, 16, hex(c.be16(o + 2), 4));
  const echo = v6 ? type === 128 || type === 129 : type === 0 || type === 8 || type === 13 || type === 14;
  const error = v6 ? type >= 1 && type <= 4 : type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
  if (echo) {
    c.field(l, `${id}.ident`, o + 4, 0, 16, c.be16(o + 4));
    c.field(l, `${id}.seq`, o + 6, 0, 16, c.be16(o + 6));
  } else if (!v6 && type === 3 && code === 4) {
    c.field(l, `${id}.unused`, o + 4, 0, 16, c.be16(o + 4));
    c.field(l, `${id}.mtu`, o + 6, 0, 16, c.be16(o + 6));
  } else if (!v6 && type === 5) {
    c.field(l, `${id}.redir_gw`, o + 4, 0, 32, ipv4Text(c, o + 4));
  } else if (!v6 && type === 12) {
    c.field(l, `${id}.pointer`, o + 4, 0, 8, c.u8(o + 4));
    c.field(l, `${id}.unused`, o + 5, 0, 24, c.u8(o + 5) * 65536 + c.be16(o + 6));
  } else if (v6 && type === 2) {
    c.field(l, `${id}.mtu`, o + 4, 0, 32, c.be32(o + 4));
  } else if (v6 && type === 4) {
    c.field(l, `${id}.pointer`, o + 4, 0, 32, c.be32(o + 4));
  } else {
    c.field(l, `${id}.rest`, o + 4, 0, 32, hex(c.be32(o + 4), 8));
  }
  if (l.truncated) return;
  if (error && o + 8 < end && !c.quoted && c.deeper()) {
    c.quoted = true;
    if (v6) ipv6(c, o + 8); else ipv4(c, o + 8);
    c.quoted = false;
    return;
  }
  data(c, o + 8, end);
}
