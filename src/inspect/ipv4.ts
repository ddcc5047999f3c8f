// IPv4 (RFC 791): version 4 | IHL 4 | DSCP 6 | ECN 2 | total length 16 | identification 16 |
// flags 3 | fragment offset 13 | TTL 8 | protocol 8 | header checksum 16 | source 32 | destination 32 |
// options. The total length ends the payload (Ethernet may pad after it); later fragments carry no
// transport header.

import { Cursor, hex, ipv4Text } from './dissection.js';
import { transport, PROTOCOLS } from './transport.js';
import { data } from './link.js';

const OPTIONS: Record<number, string> = {
  0: 'End of options', 1: 'NOP', 7: 'Record route', 68: 'Timestamp', 130: 'Security', 131: 'Loose source route',
  137: 'Strict source route', 136: 'Stream ID', 148: 'Router alert', 82: 'Traceroute',
};

export function ipv4(c: Cursor, o: number): void {
  const ihl = c.u8(o) & 15;
  const hlen = Math.max(20, ihl * 4);
  const l = c.layer('ip', o, o + hlen);
  const b = o * 8;
  c.field(l, 'ip.version', o, 0, 4, c.u8(o) >> 4);
  c.field(l, 'ip.hdr_len', o, 4, 4, ihl, { extra: [{ label: 'bytes', value: String(ihl * 4) }] });
  c.field(l, 'ip.dsfield.dscp', o + 1, 0, 6, c.u8(o + 1) >> 2);
  c.field(l, 'ip.dsfield.ecn', o + 1, 6, 2, c.u8(o + 1) & 3);
  const total = c.be16(o + 2);
  c.field(l, 'ip.len', o + 2, 0, 16, total);
  const id = c.be16(o + 4);
  c.field(l, 'ip.id', o + 4, 0, 16, hex(id, 4), { extra: [{ label: 'meaning', value: String(id) }] });
  c.flag(l, 'ip.flags.rb', o + 6, 0, 'R');
  c.flag(l, 'ip.flags.df', o + 6, 1, 'DF');
  c.flag(l, 'ip.flags.mf', o + 6, 2, 'MF');
  const frag = c.bitsAt(b + 51, 13);
  c.field(l, 'ip.frag_offset', o + 6, 3, 13, frag, { extra: frag ? [{ label: 'bytes', value: String(frag * 8) }] : undefined });
  c.field(l, 'ip.ttl', o + 8, 0, 8, c.u8(o + 8));
  const proto = c.u8(o + 9);
  c.field(l, 'ip.proto', o + 9, 0, 8, proto, { extra: PROTOCOLS[proto] ? [{ label: 'meaning', value: PROTOCOLS[proto] }] : undefined });
  c.field(l, 'ip.checksum', o + 10, 0, 16, hex(c.be16(o + 10), 4));
  c.field(l, 'ip.src', o + 12, 0, 32, ipv4Text(c, o + 12));
  c.field(l, 'ip.dst', o + 16, 0, 32, ipv4Text(c, o + 16));
  for (let p = o + 20; p < o + hlen;) {
    const kind = c.u8(p);
    const len = kind === 0 || kind === 1 ? 1 : Math.max(2, c.u8(p + 1));
    const n = Math.min(len, o + hlen - p);
    c.field(l, 'ip.opt', p, 0, n * 8, OPTIONS[kind] ?? `${kind}`, { extra: [{ label: 'bytes', value: String(len) }] });
    if (kind === 0) { if (o + hlen - p - 1 > 0) c.field(l, 'ip.opt.padding', p + 1, 0, (o + hlen - p - 1) * 8, o + hlen - p - 1); break; }
    p += len;
  }
  if (l.truncated || ihl < 5) return;
  // A zero total length (segmentation offload) takes what was captured.
  const end = Math.min(c.length, c.limit, total >= hlen ? o + total : c.length);
  if (frag > 0) { data(c, o + hlen, end); return; }
  transport(c, proto, o + hlen, end);
}
