import { be16 } from "../util/bytes";
import { warn, Warn } from "../util/warnings";
import { deeper } from "../link/depth";
import { ethernet } from "../link/ethernet";
import { ipv6 } from "../net/ipv6";
import * as pkt from "../packet";
import { trackOuter } from "../flow/track";

// UDP (RFC 768): src port 2 | dst port 2 | length 2 | checksum 2
export function udp(p: usize, captured: u32, claimed: u32): void {
  if (captured < 8) { warn(Warn.truncated_udp_header, pkt.frame, pkt.offset, captured); return; }
  let sport = be16(p), dport = be16(p + 2);
  let ulen = be16(p + 4);
  let payload = ulen >= 8 && ulen <= claimed ? ulen - 8 : claimed - 8;
  pkt.setTransport(sport, dport, payload);
  let body = p + 8;
  let bodyLen = captured - 8 < payload ? captured - 8 : payload;
  if (sport == 3544 || dport == 3544) teredo(body, bodyLen);
  else if (dport == 4789) vxlan(body, bodyLen);
}

// Teredo (RFC 4380 §5.1.1): optional authentication (0x0001) and origin indication (0x0000)
// headers, then IPv6. The inner IPv6 flow replaces the UDP one, as Wireshark keys conversations.
function teredo(p: usize, len: u32): void {
  if (len >= 4 && be16(p) == 0x0001) {
    // indicator 2 | id length 1 | auth length 1 | id | auth | nonce 8 | confirmation 1
    let skip: u32 = 4 + <u32>load<u8>(p, 2) + <u32>load<u8>(p, 3) + 9;
    if (skip > len) return;
    p += skip; len -= skip;
  }
  if (len >= 8 && be16(p) == 0x0000) { p += 8; len -= 8; }
  if (len >= 40 && (load<u8>(p) >> 4) == 6 && be16(p + 4) + 40 <= len && deeper()) {
    trackOuter();
    ipv6(p, len);
  }
}

// VXLAN (RFC 7348): flags 1 | reserved 3 | VNI 3 | reserved 1, then Ethernet.
function vxlan(p: usize, len: u32): void {
  if (len >= 8 + 14 && (load<u8>(p) & 0x08) && deeper()) {
    trackOuter();
    ethernet(p + 8, len - 8);
  }
}
