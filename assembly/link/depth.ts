import { warn, Warn } from "../util/warnings";
import * as pkt from "../packet";

// Encapsulations (VLAN tags, MPLS labels, PPPoE, tunnels) nest; a hostile packet can stack thousands.
// @ts-ignore: decorator
@inline export const MAX_DEPTH: u32 = 32;

let depth: u32 = 0;

export function resetDepth(): void { depth = 0; }

// Call before decoding one more nested header; false means stop decoding this packet.
export function deeper(): bool {
  if (++depth <= MAX_DEPTH) return true;
  if (depth == MAX_DEPTH + 1) warn(Warn.too_many_encapsulations, pkt.frame, pkt.offset, MAX_DEPTH);
  return false;
}
