import { be16, be32 } from "../util/bytes";
import { warn, Warn } from "../util/warnings";
import * as pkt from "../packet";

// TCP (RFC 9293 §3.1): src port 2 | dst port 2 | seq 4 | ack 4 | data offset 4 bits, flags 12 bits |
// window 2 | checksum 2 | urgent 2 | options
export function tcp(p: usize, captured: u32, claimed: u32): void {
  if (captured < 20) { warn(Warn.truncated_tcp_header, pkt.frame, pkt.offset, captured); return; }
  let offFlags = be16(p + 12);
  let hlen = (offFlags >> 12) << 2;
  if (hlen < 20 || hlen > claimed) { warn(Warn.bad_tcp_header_len, pkt.frame, pkt.offset, hlen); return; }
  pkt.setTransport(be16(p), be16(p + 2), claimed - hlen);
  pkt.setTcp(be32(p + 4), be32(p + 8), offFlags & 0x0FFF, be16(p + 14), hlen);
  let room = captured > hlen ? captured - hlen : 0;
  pkt.setPayload(p + hlen, room < claimed - hlen ? room : claimed - hlen);
  options(p, hlen, captured);
}

// Options past the snaplen are read as far as they were captured; only an option that runs past
// the header is damage (an option cut by the snaplen is what Wireshark calls "packet size limited").
function options(p: usize, hlen: u32, captured: u32): void {
  let end = hlen < captured ? hlen : captured;
  let i: u32 = 20;
  while (i < end) {
    let kind = <u32>load<u8>(p + i);
    if (kind == 0) return; // end of option list
    if (kind == 1) { i++; continue; } // no-operation
    if (i + 1 >= end) {
      if (end == hlen) warn(Warn.bad_tcp_option_len, pkt.frame, pkt.offset, kind);
      return;
    }
    let len = <u32>load<u8>(p + i, 1);
    if (len < 2 || i + len > hlen) { warn(Warn.bad_tcp_option_len, pkt.frame, pkt.offset, kind); return; }
    if (i + len > end) return;
    let v = p + i + 2;
    switch (kind) {
      case 2: { if (len == 4) pkt.setMss(<i32>be16(v)); break; }
      case 3: { if (len == 3) pkt.setWscale(<i32>load<u8>(v)); break; }
      case 4: { pkt.setSackPerm(); break; }
      case 5: {
        for (let b: u32 = 2; b + 8 <= len; b += 8) pkt.addSack(be32(p + i + b), be32(p + i + b + 4));
        break;
      }
      case 8: { if (len == 10) pkt.setTimestamps(be32(v), be32(v + 4)); break; }
      case 34: { pkt.setTfo(); break; }
    }
    i += len;
  }
}
