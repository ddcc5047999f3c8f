import { count, Kind } from "../util/counts";
import { deeper } from "../link/depth";
import { ethertype } from "../link/ethernet";
import { ipv4 } from "../net/ipv4";
import { ipv6 } from "../net/ipv6";
import { tcp } from "./tcp";
import { udp } from "./udp";
import { icmp } from "./icmp";
import { be16 } from "../util/bytes";
import * as pkt from "../packet";

// The IP protocol picks the transport decoder. `captured` bytes are in memory; `claimed` is what the
// IP header says the payload holds (more, when the capture was cut at the snaplen).
export function transport(proto: u8, p: usize, captured: u32, claimed: u32): void {
  switch (proto) {
    case 6: { tcp(p, captured, claimed); break; }
    case 17: { udp(p, captured, claimed); break; }
    case 1:
    case 58: { icmp(p, captured, claimed); break; }
    // Tunnels: the innermost IP header keys the flow, as in Wireshark's conversations.
    case 4: { if (deeper()) ipv4(p, captured); break; }
    case 41: { if (deeper()) ipv6(p, captured); break; }
    case 47: { gre(p, captured); break; }
    default: {
      pkt.setTransport(0, 0, claimed);
      count(Kind.ipProto, proto);
    }
  }
}

// GRE (RFC 2784, 2890; version 1 is PPTP's, RFC 2637): flags/version 2 | protocol 2 |
// [checksum 4] [key 4] [sequence 4] [ack 4, version 1]
function gre(p: usize, len: u32): void {
  if (len < 4 || !deeper()) { pkt.setTransport(0, 0, len); count(Kind.ipProto, 47); return; }
  let flags = be16(p);
  let off: u32 = 4;
  if (flags & 0x8000) off += 4;
  if (flags & 0x2000) off += 4;
  if (flags & 0x1000) off += 4;
  if ((flags & 7) == 1 && (flags & 0x0080)) off += 4;
  if (off > len) { pkt.setTransport(0, 0, len); count(Kind.ipProto, 47); return; }
  ethertype(be16(p + 2), p + off, len - off);
}
