import { count, Kind } from "../util/counts";
import { ethernet } from "./ethernet";
import { sll, sll2 } from "./sll";
import { loopback } from "./null";
import { rawIp } from "./raw";
import { ppp } from "./ppp";
import { fddi } from "./fddi";
import { ipv4 } from "../net/ipv4";
import { ipv6 } from "../net/ipv6";
import { resetDepth } from "./depth";

// The first stage: a link type (pcap's LINKTYPE_* numbers) picks the decoder for the frame.
export function decodeLink(linkType: u32, p: usize, len: u32): void {
  resetDepth();
  switch (linkType) {
    case 1: { ethernet(p, len); break; }
    case 113: { sll(p, len); break; }
    case 276: { sll2(p, len); break; }
    case 0: { loopback(p, len, false); break; }
    case 108: { loopback(p, len, true); break; }
    case 101:
    case 12:
    case 14: { rawIp(p, len); break; }
    case 228: { ipv4(p, len); break; }
    case 229: { ipv6(p, len); break; }
    case 9:
    case 50: { ppp(p, len); break; }
    case 10: { fddi(p, len); break; }
    case 0xFFFFFFFE: // a pcapng custom block: a frame, but no packet
    case 0xFFFFFFFF: break; // a packet of an undeclared interface: already warned
    default: count(Kind.linkType, linkType);
  }
}
