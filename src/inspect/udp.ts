// UDP (RFC 768): source port 16 | destination port 16 | length 16 | checksum 16.

import { Cursor, hex } from './dissection.js';
import { data } from './link.js';

export function udp(c: Cursor, o: number, end: number): void {
  const l = c.layer('udp', o, o + 8);
  c.field(l, 'udp.srcport', o, 0, 16, c.be16(o));
  c.field(l, 'udp.dstport', o + 2, 0, 16, c.be16(o + 2));
  c.field(l, 'udp.length', o + 4, 0, 16, c.be16(o + 4));
  c.field(l, 'udp.checksum', o + 6, 0, 16, hex(c.be16(o + 6), 4));
  if (l.truncated) return;
  const len = c.be16(o + 4);
  data(c, o + 8, len >= 8 ? Math.min(end, o + len) : end);
}
