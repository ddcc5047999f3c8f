import { le32, rd16, rd32 } from "../util/bytes";
import { warn, Warn } from "../util/warnings";
import { linkSlot } from "../util/counts";
import { frame, frames } from "./frame";
import { setNeed, MAX_RECORD } from "./input";

// libpcap format (draft-ietf-opsawg-pcap §4):
// file header  0 magic 4 | 4 major 2 | 6 minor 2 | 8 reserved 8 | 16 snaplen 4 | 20 link type + FCS 4
// record       0 seconds 4 | 4 micro- or nanoseconds 4 | 8 captured length 4 | 12 original length 4
// The Kuznetzov variant (magic a1b2cd34) adds ifindex 4 | protocol 2 | pkt type 1 | pad 1 per record.

// Wireshark refuses larger pcap records unless the snaplen says otherwise (WTAP_MAX_PACKET_SIZE_STANDARD).
// @ts-ignore: decorator
@inline const MAX_STANDARD: u32 = 262144;

let swap = false;
let nano = false;
let recordHeader: u32 = 16;
let linkType: u32 = 0;
let snaplen: u32 = 0;
let slot: usize = 0;
// libpcap swapped the two lengths of a record at version 2.3; older files (and DG/UX's 543.0) hold
// the original length first, and some 2.3 files do too (libpcap sf-pcap.c, lengths_swapped).
let lengthsSwapped: u32 = 0; // 0 no, 1 yes, 2 when the first length is the larger

export function isPcapMagic(m: u32): bool {
  return m == 0xA1B2C3D4 || m == 0xD4C3B2A1 || m == 0xA1B23C4D || m == 0x4D3CB2A1
    || m == 0xA1B2CD34 || m == 0x34CDB2A1;
}

export let formatFlags: u32 = 0; // 1 swapped, 2 nanosecond, 4 Kuznetzov

// The file's snaplen as libpcap applies it (sf-pcap.c): records longer than it are cut to it, and
// 0 or an oversized one means its largest (MAXIMUM_SNAPLEN). Wireshark keeps such records whole.
export function libpcapSnapshot(): u32 { return snaplen == 0 || snaplen > MAX_STANDARD ? MAX_STANDARD : snaplen; }

// Returns bytes consumed, 0 when more input is needed, -1 when reading must stop.
export function pcapHeader(p: usize, avail: u32, off: u64): i32 {
  if (avail < 24) { setNeed(24); return 0; }
  let m = le32(p);
  swap = m == 0xD4C3B2A1 || m == 0x4D3CB2A1 || m == 0x34CDB2A1;
  let native = swap ? bswap<u32>(m) : m;
  nano = native == 0xA1B23C4D;
  recordHeader = native == 0xA1B2CD34 ? 24 : 16;
  formatFlags = (swap ? 1 : 0) | (nano ? 2 : 0) | (recordHeader == 24 ? 4 : 0);
  let major = rd16(p + 4, swap);
  let minor = rd16(p + 6, swap);
  if (major != 2 && major != 543) { warn(Warn.unsupported_version, 0, off + 4, major); return -1; }
  lengthsSwapped = major == 543 || minor < 3 ? 1 : minor == 3 ? 2 : 0;
  snaplen = rd32(p + 16, swap);
  // The upper bits may carry the FCS length (draft §4, LinkType and additional information).
  linkType = rd32(p + 20, swap) & 0x03FFFFFF;
  slot = linkSlot(linkType);
  return 24;
}

export function pcapRecord(p: usize, avail: u32, off: u64): i32 {
  if (avail < recordHeader) { setNeed(recordHeader); return 0; }
  let capLen = rd32(p + 8, swap);
  let wireLen = rd32(p + 12, swap);
  if (lengthsSwapped == 1 || (lengthsSwapped == 2 && capLen > wireLen)) {
    let t = capLen; capLen = wireLen; wireLen = t;
  }
  if ((capLen > MAX_STANDARD && capLen > snaplen) || capLen > MAX_RECORD - recordHeader) {
    warn(Warn.bad_record_length, frames + 1, off, capLen);
    return -1;
  }
  let total = recordHeader + capLen;
  if (avail < total) { setNeed(total); return 0; }
  let frac = <i64>rd32(p + 4, swap);
  let time = <i64>rd32(p, swap) * 1_000_000_000 + (nano ? frac : frac * 1000);
  if (capLen > wireLen) warn(Warn.caplen_over_wirelen, frames + 1, off, wireLen);
  frame(p + recordHeader, capLen, wireLen, time, linkType, slot, off, recordHeader);
  return <i32>total;
}
