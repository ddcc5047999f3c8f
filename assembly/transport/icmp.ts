import * as pkt from "../packet";

// ICMP and ICMPv6: type 1 | code 1 | checksum 2 | ...
export function icmp(p: usize, captured: u32, claimed: u32): void {
  pkt.setTransport(0, 0, claimed >= 4 ? claimed - 4 : 0);
  if (captured >= 2) pkt.setIcmp(<u32>load<u8>(p), <u32>load<u8>(p, 1));
}
