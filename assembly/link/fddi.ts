import { warn, Warn } from "../util/warnings";
import { llc } from "./ethernet";
import * as pkt from "../packet";

// FDDI (LINKTYPE_FDDI 10): frame control 1 | dst 6 | src 6, then 802.2 LLC/SNAP.
export function fddi(p: usize, len: u32): void {
  if (len < 13) { warn(Warn.truncated_link_header, pkt.frame, pkt.offset, 10); return; }
  llc(p + 13, len - 13);
}
