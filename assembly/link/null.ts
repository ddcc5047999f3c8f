import { be32, le32 } from "../util/bytes";
import { warn, Warn } from "../util/warnings";
import { count, Kind } from "../util/counts";
import { ipv4 } from "../net/ipv4";
import { ipv6 } from "../net/ipv6";
import * as pkt from "../packet";

// BSD loopback. NULL (0) writes the address family in the capturing host's byte order, LOOP (108)
// in network order. AF_INET6 differs by OS: 24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS, 10 Linux, 23 Windows.
export function loopback(p: usize, len: u32, networkOrder: bool): void {
  if (len < 4) { warn(Warn.truncated_link_header, pkt.frame, pkt.offset, networkOrder ? 108 : 0); return; }
  let family = networkOrder ? be32(p) : le32(p);
  if (family > 0xFFFF) family = bswap<u32>(family); // written on a host of the other byte order
  p += 4; len -= 4;
  if (family == 2) ipv4(p, len);
  else if (family == 24 || family == 28 || family == 30 || family == 10 || family == 23) ipv6(p, len);
  else count(Kind.nullFamily, family);
}
