import { be16 } from "../util/bytes";
import { warn, Warn } from "../util/warnings";
import { ethertype } from "./ethernet";
import * as pkt from "../packet";

// Linux cooked capture v1 (LINKTYPE_LINUX_SLL 113):
// packet type 2 | ARPHRD 2 | address length 2 | address 8 | protocol 2
export function sll(p: usize, len: u32): void {
  if (len < 16) { warn(Warn.truncated_link_header, pkt.frame, pkt.offset, 113); return; }
  ethertype(be16(p + 14), p + 16, len - 16);
}

// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2 276):
// protocol 2 | reserved 2 | interface index 4 | ARPHRD 2 | packet type 1 | address length 1 | address 8
export function sll2(p: usize, len: u32): void {
  if (len < 20) { warn(Warn.truncated_link_header, pkt.frame, pkt.offset, 276); return; }
  ethertype(be16(p), p + 20, len - 20);
}
