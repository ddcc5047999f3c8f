import { count, Kind } from "../util/counts";
import { ipv4 } from "../net/ipv4";
import { ipv6 } from "../net/ipv6";

// Raw IP (LINKTYPE_RAW 101, and DLT_RAW's platform values 12 and 14): the version nibble decides.
export function rawIp(p: usize, len: u32): void {
  if (len == 0) return;
  let version = <u32>(load<u8>(p) >> 4);
  if (version == 4) ipv4(p, len);
  else if (version == 6) ipv6(p, len);
  else count(Kind.ipVersion, version);
}
