import { be16 } from "../util/bytes";
import { warn, Warn } from "../util/warnings";
import { count, Kind } from "../util/counts";
import { ipv4 } from "../net/ipv4";
import { ipv6 } from "../net/ipv6";
import * as pkt from "../packet";

// PPP (LINKTYPE_PPP 9, PPP_HDLC 50): optional address/control ff 03, then a 1- or 2-byte protocol
// (RFC 1661 §6.5: protocol-field compression leaves the odd low byte alone).
export function ppp(p: usize, len: u32): void {
  if (len >= 2 && load<u8>(p) == 0xFF && load<u8>(p, 1) == 0x03) { p += 2; len -= 2; }
  if (len < 1) { warn(Warn.truncated_link_header, pkt.frame, pkt.offset, 9); return; }
  let first = <u32>load<u8>(p);
  if (first & 1) { pppProtocol(first, p + 1, len - 1); return; }
  if (len < 2) { warn(Warn.truncated_link_header, pkt.frame, pkt.offset, 9); return; }
  pppProtocol(be16(p), p + 2, len - 2);
}

export function pppProtocol(proto: u32, p: usize, len: u32): void {
  if (proto == 0x0021) ipv4(p, len);
  else if (proto == 0x0057) ipv6(p, len);
  else count(Kind.pppProto, proto);
}
