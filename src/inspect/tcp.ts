// TCP (RFC 9293): source port 16 | destination port 16 | sequence number 32 | acknowledgment number 32 |
// data offset 4 | reserved 3 | AE | CWR | ECE | URG | ACK | PSH | RST | SYN | FIN | window 16 |
// checksum 16 | urgent pointer 16 | options. Seq and Ack are shown raw and, when the flow knows
// them, relative as Wireshark shows them; SACK blocks relative to the same base as the Ack.

import { Cursor, hex, type Layer } from './dissection.js';
import { data } from './link.js';

const FLAGS = ['AE', 'CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'];
const FLAG_IDS = ['tcp.flags.ae', 'tcp.flags.cwr', 'tcp.flags.ece', 'tcp.flags.urg', 'tcp.flags.ack', 'tcp.flags.push', 'tcp.flags.reset', 'tcp.flags.syn', 'tcp.flags.fin'];

/** Relative value of a 32-bit number given its raw and relative readings of another number on the same base. */
const rel = (raw: number, baseRaw: number, baseRel: number) => (raw - (baseRaw - baseRel) + 2 * 4294967296) % 4294967296;

export function tcp(c: Cursor, o: number, end: number): void {
  const off = c.u8(o + 12) >> 4;
  const hlen = Math.max(20, off * 4);
  const l = c.layer('tcp', o, o + hlen);
  const ctx = c.quoted ? {} : c.ctx;
  c.field(l, 'tcp.srcport', o, 0, 16, c.be16(o));
  c.field(l, 'tcp.dstport', o + 2, 0, 16, c.be16(o + 2));
  const seq = c.be32(o + 4), ack = c.be32(o + 8);
  const flags = c.be16(o + 12) & 0x1ff;
  c.field(l, 'tcp.seq', o + 4, 0, 32, seq, { extra: ctx.relSeq !== undefined ? [{ label: 'relative', value: String(ctx.relSeq) }] : undefined });
  const ackSet = (flags & 16) !== 0;
  c.field(l, 'tcp.ack', o + 8, 0, 32, ack, { extra: ctx.relAck !== undefined && ackSet ? [{ label: 'relative', value: String(ctx.relAck) }] : undefined });
  c.field(l, 'tcp.hdr_len', o + 12, 0, 4, off, { extra: [{ label: 'bytes', value: String(off * 4) }] });
  c.field(l, 'tcp.flags.res', o + 12, 4, 3, c.bitsAt((o + 12) * 8 + 4, 3));
  for (let i = 0; i < FLAGS.length; i++) c.flag(l, FLAG_IDS[i], o + 12, 7 + i, FLAGS[i]);
  const win = c.be16(o + 14);
  const shift = flags & 2 ? null : ctx.windowShift ?? null; // a SYN's window is never scaled
  c.field(l, 'tcp.window_size_value', o + 14, 0, 16, win,
    { extra: shift !== null && shift > 0 ? [{ label: 'scaled', value: `${win} × ${2 ** shift} = ${win * 2 ** shift}` }] : undefined });
  c.field(l, 'tcp.checksum', o + 16, 0, 16, hex(c.be16(o + 16), 4));
  c.field(l, 'tcp.urgent_pointer', o + 18, 0, 16, c.be16(o + 18));
  const relAck = ctx.relAck !== undefined && ackSet ? (raw: number) => rel(raw, ack, ctx.relAck!) : null;
  options(c, l, o + 20, Math.min(o + hlen, c.length), relAck);
  if (l.truncated || off < 5) return;
  data(c, o + hlen, end);
}

function options(c: Cursor, l: Layer, p: number, end: number, relAck: ((raw: number) => number) | null): void {
  while (p < end) {
    const kind = c.u8(p);
    if (kind === 0) { c.field(l, 'tcp.option_kind.eol', p, 0, (end - p) * 8, 'EOL'); return; }
    if (kind === 1) { c.field(l, 'tcp.option_kind.nop', p, 0, 8, 'NOP'); p++; continue; }
    const len = c.u8(p + 1);
    if (len < 2 || p + len > end) { c.field(l, 'tcp.options.bad', p, 0, (end - p) * 8, `kind ${kind}, length ${len}`); return; }
    const at = (id: string, value: string) => c.field(l, id, p, 0, len * 8, value);
    switch (kind) {
      case 2: at('tcp.options.mss', `MSS ${c.be16(p + 2)}`); break;
      case 3: { const s = c.u8(p + 2); at('tcp.options.wscale', `WS ${s} (× ${2 ** Math.min(s, 14)})`); break; }
      case 4: at('tcp.options.sack_perm', 'SACK permitted'); break;
      case 5: {
        const blocks: string[] = [];
        for (let b = p + 2; b + 8 <= p + len; b += 8) {
          const le = c.be32(b), re = c.be32(b + 4);
          blocks.push(relAck ? `${relAck(le)}–${relAck(re)}` : `${le}–${re}`);
        }
        at('tcp.options.sack', `SACK ${blocks.join(', ')}`);
        break;
      }
      case 8: at('tcp.options.timestamp', `TSval ${c.be32(p + 2)}, TSecr ${c.be32(p + 6)}`); break;
      case 34: at('tcp.options.tfo', len > 2 ? `TFO cookie ${cookie(c, p + 2, len - 2)}` : 'TFO cookie request'); break;
      case 28: at('tcp.options.user_to', `UTO ${c.be16(p + 2) & 0x7fff}${c.be16(p + 2) & 0x8000 ? ' min' : ' s'}`); break;
      case 19: at('tcp.options.md5', 'MD5 signature'); break;
      case 29: at('tcp.options.ao', 'TCP-AO'); break;
      case 30: at('tcp.options.mptcp', 'MPTCP'); break;
      default: at('tcp.options.unknown', `kind ${kind}, length ${len}`);
    }
    p += len;
  }
}

function cookie(c: Cursor, o: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += c.u8(o + i).toString(16).padStart(2, '0');
  return s;
}
