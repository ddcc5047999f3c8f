import { be16 } from "../util/bytes";
import { warn, Warn } from "../util/warnings";
import { count, Kind } from "../util/counts";
import { deeper } from "./depth";
import { pppProtocol } from "./ppp";
import { ipv4 } from "../net/ipv4";
import { ipv6 } from "../net/ipv6";
import * as pkt from "../packet";

// Ethernet II: dst 6 | src 6 | ethertype 2
export function ethernet(p: usize, len: u32): void {
  if (len < 14) { warn(Warn.truncated_link_header, pkt.frame, pkt.offset, 1); return; }
  ethertype(be16(p + 12), p + 14, len - 14);
}

// IEEE 802.2 LLC with SNAP (aa aa 03, OUI 3 bytes, ethertype 2), as FDDI and 802.3 carry it.
export function llc(p: usize, len: u32): void {
  if (len >= 8 && load<u8>(p) == 0xAA && load<u8>(p, 1) == 0xAA && load<u8>(p, 2) == 0x03) {
    // SNAP may name an 802.3 length again, which comes back here: nested like any tag
    if (!deeper()) return;
    ethertype(be16(p + 6), p + 8, len - 8);
  } else {
    count(Kind.etherType, 0);
  }
}

// Dispatch on an ethertype. Tags and labels loop here rather than recurse, bounded by deeper().
export function ethertype(type: u32, p: usize, len: u32): void {
  while (true) {
    if (type < 0x0600) { llc(p, len); return; } // 802.3: a length, not a type
    switch (type) {
      case 0x0800: { ipv4(p, len); return; }
      case 0x86DD: { ipv6(p, len); return; }
      case 0x8100: // 802.1Q
      case 0x88A8: // 802.1ad
      case 0x9100: // pre-standard Q-in-Q
      case 0x9200: {
        // TCI 2 | ethertype 2
        if (len < 4) { warn(Warn.truncated_link_header, pkt.frame, pkt.offset, 1); return; }
        if (!deeper()) return;
        type = be16(p + 2); p += 4; len -= 4;
        continue;
      }
      case 0x8926: { // Cisco VN-Tag: tag 4 | ethertype 2
        if (len < 6) { warn(Warn.truncated_link_header, pkt.frame, pkt.offset, 1); return; }
        if (!deeper()) return;
        type = be16(p + 4); p += 6; len -= 6;
        continue;
      }
      case 0x8847: // MPLS unicast
      case 0x8848: { mpls(p, len); return; }
      case 0x8864: { // PPPoE session: ver/type 1 | code 1 | session 2 | length 2 | PPP protocol 2
        if (len < 8) { warn(Warn.truncated_link_header, pkt.frame, pkt.offset, 1); return; }
        if (!deeper()) return;
        // its length field (PPP protocol included) ends the payload before any Ethernet padding
        let plen = be16(p + 4);
        let room = len - 8;
        if (plen >= 2 && plen - 2 < room) room = plen - 2;
        pkt.limitReported(p + 8 + (plen >= 2 ? plen - 2 : 0));
        pppProtocol(be16(p + 6), p + 8, room);
        return;
      }
      case 0x6558: { // transparent Ethernet bridging, inside GRE
        if (!deeper()) return;
        ethernet(p, len);
        return;
      }
      case 0x880B: { // PPP, inside GRE (PPTP)
        if (!deeper()) return;
        if (len < 2) { warn(Warn.truncated_link_header, pkt.frame, pkt.offset, 1); return; }
        pppProtocol(be16(p), p + 2, len - 2);
        return;
      }
      default: { count(Kind.etherType, type); return; }
    }
  }
}

// MPLS label stack: label 20 | tc 3 | bottom-of-stack 1 | ttl 8, per entry. What follows the bottom
// label is not named; like Wireshark, look at the first nibble.
function mpls(p: usize, len: u32): void {
  while (true) {
    if (len < 4) { warn(Warn.truncated_link_header, pkt.frame, pkt.offset, 1); return; }
    if (!deeper()) return;
    let bottom = load<u8>(p, 2) & 1;
    p += 4; len -= 4;
    if (bottom) break;
  }
  if (len == 0) return;
  let nibble = load<u8>(p) >> 4;
  if (nibble == 4) ipv4(p, len);
  else if (nibble == 6) ipv6(p, len);
  else if (nibble == 0 && len >= 4) ethernet(p + 4, len - 4); // pseudowire control word, then Ethernet
  else count(Kind.etherType, 0x8847);
}
