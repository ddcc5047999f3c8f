import { be16 } from "../util/bytes";
import { trackQuoted } from "../flow/track";
import * as pkt from "../packet";

// ICMP and ICMPv6: type 1 | code 1 | checksum 2 | rest 4 | ... An error (unreachable, time exceeded,
// parameter problem, ...) quotes the IP header and the first 8 bytes of the datagram that caused it.
export function icmp(p: usize, captured: u32, claimed: u32): void {
  pkt.setTransport(0, 0, claimed >= 4 ? claimed - 4 : 0);
  if (captured < 2) return;
  let type = <u32>load<u8>(p);
  pkt.setIcmp(type, <u32>load<u8>(p, 1));
  let v6 = pkt.ipProto == 58;
  let error = v6 ? type >= 1 && type <= 4 : type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
  if (error && captured > 8) quoted(p + 8, captured - 8, v6);
}

// The quoted header keys its conversation. Only what is needed to find it is read, and nothing here
// is damage: the quote is short by design.
function quoted(p: usize, len: u32, v6: bool): void {
  let s: usize, d: usize, proto: u32, t: usize, fam: u8;
  if (!v6) {
    if (len < 20 || (load<u8>(p) >> 4) != 4) return;
    let ihl = (<u32>load<u8>(p) & 15) << 2;
    if (ihl < 20 || (be16(p + 6) & 0x1FFF) != 0) return;
    s = p + 12; d = p + 16; proto = <u32>load<u8>(p, 9); t = p + ihl; fam = 4;
    len = len > ihl ? len - ihl : 0;
  } else {
    if (len < 40 || (load<u8>(p) >> 4) != 6) return;
    s = p + 8; d = p + 24; proto = <u32>load<u8>(p, 6); t = p + 40; fam = 6;
    len -= 40;
  }
  if ((proto == 6 || proto == 17) && len < 4) return;
  pkt.save();
  pkt.setIp(fam, s, d, <u8>proto, 0);
  if (proto == 6 || proto == 17) pkt.setTransport(be16(t), be16(t + 2), 0);
  else pkt.setTransport(0, 0, 0);
  pkt.setTcpFlags(0);
  trackQuoted();
  pkt.restore();
}
