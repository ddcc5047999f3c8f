import { be16 } from "../util/bytes";
import { warn, Warn } from "../util/warnings";
import { count, Kind } from "../util/counts";
import { transport } from "../transport/index";
import * as pkt from "../packet";

// IPv6 (RFC 8200): ver/class/flow 4 | payload length 2 | next header 1 | hop limit 1 | src 16 | dst 16,
// then a chain of extension headers. Every step moves forward by at least 8 bytes, so the chain ends.
export function ipv6(p: usize, len: u32): void {
  if (len < 40) { warn(Warn.truncated_ipv6_header, pkt.frame, pkt.offset, len); return; }
  let version = <u32>(load<u8>(p) >> 4);
  if (version != 6) { warn(Warn.ip_version_mismatch, pkt.frame, pkt.offset, version); return; }
  let payload = be16(p + 4);
  pkt.setIpClaim(<i32>payload); // raw, extension headers included, as tcptrace takes it
  // 0: a jumbogram or segmentation offload; the capture holds the real size.
  let total: u32 = payload == 0 ? len : payload + 40;
  let room = pkt.wireRoom(p); // a frame cut short on the wire ends the packet early
  if (total > room && room >= 40) total = room;
  let captured = total < len ? total : len;
  let next = <u32>load<u8>(p, 6);
  pkt.setIp(6, p + 8, p + 24, <u8>next, load<u8>(p, 7));
  let off: u32 = 40;
  while (true) {
    let hlen: u32 = 0;
    switch (next) {
      case 0:   // hop-by-hop
      case 43:  // routing
      case 60:  // destination options
      case 135: // mobility
      case 139: // HIP
      case 140: { // shim6
        if (off + 2 > captured) { warn(Warn.bad_ipv6_ext_header, pkt.frame, pkt.offset, next); return; }
        hlen = (<u32>load<u8>(p + off, 1) + 1) << 3;
        break;
      }
      case 51: { // authentication header counts 4-byte units, less 2
        if (off + 2 > captured) { warn(Warn.bad_ipv6_ext_header, pkt.frame, pkt.offset, next); return; }
        hlen = (<u32>load<u8>(p + off, 1) + 2) << 2;
        break;
      }
      case 44: { // fragment: next 1 | reserved 1 | offset/flags 2 | id 4
        if (off + 8 > captured) { warn(Warn.bad_ipv6_ext_header, pkt.frame, pkt.offset, next); return; }
        let nh = <u32>load<u8>(p + off);
        let fragOffset = be16(p + off + 2) & 0xFFF8;
        off += 8;
        next = nh;
        pkt.setIp(6, p + 8, p + 24, <u8>next, load<u8>(p, 7));
        if (fragOffset != 0) {
          pkt.setLaterFragment(true);
          count(Kind.laterFragment, 6);
          return;
        }
        continue;
      }
      default: {
        transport(<u8>next, p + off, captured - off, total > off ? total - off : 0);
        return;
      }
    }
    if (off + hlen > captured) { warn(Warn.bad_ipv6_ext_header, pkt.frame, pkt.offset, next); return; }
    next = <u32>load<u8>(p + off);
    off += hlen;
    pkt.setIp(6, p + 8, p + 24, <u8>next, load<u8>(p, 7));
  }
}
