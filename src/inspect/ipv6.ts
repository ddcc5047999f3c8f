// IPv6 (RFC 8200): version 4 | traffic class 8 | flow label 20 | payload length 16 | next header 8 |
// hop limit 8 | source 128 | destination 128, then a chain of extension headers, each naming the next.

import { Cursor, hex, ipv6Text } from './dissection.js';
import { transport, PROTOCOLS } from './transport.js';
import { data } from './link.js';

const proto = (n: number) => (PROTOCOLS[n] ? [{ label: 'meaning' as const, value: PROTOCOLS[n] }] : undefined);

export function ipv6(c: Cursor, o: number): void {
  const l = c.layer('ipv6', o, o + 40);
  const tclass = c.bitsAt(o * 8 + 4, 8);
  c.field(l, 'ipv6.version', o, 0, 4, c.u8(o) >> 4);
  c.field(l, 'ipv6.tclass', o, 4, 8, hex(tclass, 2), { extra: [{ label: 'meaning', value: `DSCP ${tclass >> 2}, ECN ${tclass & 3}` }] });
  c.field(l, 'ipv6.flow', o + 1, 4, 20, hex(c.bitsAt(o * 8 + 12, 20), 5));
  const plen = c.be16(o + 4);
  c.field(l, 'ipv6.plen', o + 4, 0, 16, plen);
  let next = c.u8(o + 6);
  c.field(l, 'ipv6.nxt', o + 6, 0, 8, next, { extra: proto(next) });
  c.field(l, 'ipv6.hlim', o + 7, 0, 8, c.u8(o + 7));
  c.field(l, 'ipv6.src', o + 8, 0, 128, ipv6Text(c, o + 8));
  c.field(l, 'ipv6.dst', o + 24, 0, 128, ipv6Text(c, o + 24));
  if (l.truncated) return;
  // 0: a jumbogram or segmentation offload; the capture holds the real size.
  const end = Math.min(c.length, c.limit, plen ? o + 40 + plen : c.length);
  let p = o + 40;
  for (;;) {
    if (!c.deeper()) return;
    if (next === 44) { // fragment: next 8 | reserved 8 | offset 13 | res 2 | M 1 | identification 32
      const f = c.layer('ipv6.ext', p, p + 8);
      f.detail = PROTOCOLS[44];
      const nx = c.u8(p);
      c.field(f, 'ipv6.ext.nxt', p, 0, 8, nx, { extra: proto(nx) });
      c.field(f, 'ipv6.fragment.reserved', p + 1, 0, 8, c.u8(p + 1));
      const off = c.be16(p + 2) >> 3;
      c.field(f, 'ipv6.fragment.offset', p + 2, 0, 13, off, { extra: off ? [{ label: 'bytes', value: String(off * 8) }] : undefined });
      c.field(f, 'ipv6.fragment.res', p + 3, 5, 2, (c.u8(p + 3) >> 1) & 3);
      c.flag(f, 'ipv6.fragment.more', p + 3, 7, 'M');
      c.field(f, 'ipv6.fragment.id', p + 4, 0, 32, hex(c.be32(p + 4), 8));
      if (f.truncated) return;
      next = nx; p += 8;
      if (off > 0) { data(c, p, end); return; }
      continue;
    }
    if (next === 0 || next === 43 || next === 60 || next === 135 || next === 139 || next === 140 || next === 51) {
      const hlen = next === 51 ? (c.u8(p + 1) + 2) * 4 : (c.u8(p + 1) + 1) * 8;
      const e = c.layer('ipv6.ext', p, p + hlen);
      const nx = c.u8(p);
      c.field(e, 'ipv6.ext.nxt', p, 0, 8, nx, { extra: proto(nx) });
      c.field(e, 'ipv6.ext.len', p + 1, 0, 8, c.u8(p + 1), { extra: [{ label: 'bytes', value: String(hlen) }] });
      e.detail = PROTOCOLS[next];
      c.field(e, 'ipv6.ext.data', p + 2, 0, (hlen - 2) * 8, hlen - 2);
      if (e.truncated) return;
      next = nx; p += hlen;
      continue;
    }
    transport(c, next, p, end);
    return;
  }
}
