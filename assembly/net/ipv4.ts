import { be16 } from "../util/bytes";
import { warn, Warn } from "../util/warnings";
import { count, Kind } from "../util/counts";
import { transport } from "../transport/index";
import * as pkt from "../packet";

// IPv4 (RFC 791): ver/ihl 1 | tos 1 | total length 2 | id 2 | flags/fragment offset 2 | ttl 1 |
// protocol 1 | checksum 2 | src 4 | dst 4 | options
export function ipv4(p: usize, len: u32): void {
  if (len < 20) { warn(Warn.truncated_ipv4_header, pkt.frame, pkt.offset, len); return; }
  let vihl = <u32>load<u8>(p);
  if ((vihl >> 4) != 4) { warn(Warn.ip_version_mismatch, pkt.frame, pkt.offset, vihl >> 4); return; }
  let ihl = (vihl & 15) << 2;
  if (ihl < 20 || ihl > len) { warn(Warn.bad_ipv4_header_len, pkt.frame, pkt.offset, ihl); return; }
  let total = be16(p + 2);
  pkt.setIpClaim(<i32>total - <i32>ihl); // raw, as tcptrace takes it: no offload or snaplen repair
  // A total length of 0 comes from TCP segmentation offload: the capture holds the real size.
  if (total == 0) total = len;
  else if (total < ihl) { warn(Warn.bad_ipv4_total_len, pkt.frame, pkt.offset, total); return; }
  // A frame cut short on the wire (not by the snaplen) ends the packet early, whatever IP says.
  let room = pkt.wireRoom(p);
  if (total > room && room >= ihl) total = room;
  let proto = load<u8>(p, 9);
  pkt.setIp(4, p + 12, p + 16, proto, load<u8>(p, 8));
  if ((be16(p + 6) & 0x1FFF) != 0) { // not the first fragment: no transport header here
    pkt.setLaterFragment(true);
    count(Kind.laterFragment, 4);
    return;
  }
  // Ethernet pads short frames: the IP length, not the capture, says where the packet ends.
  let captured = total < len ? total : len;
  transport(proto, p + ihl, captured - ihl, total - ihl);
}
