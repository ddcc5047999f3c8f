import { le32, rd16, rd32 } from "../util/bytes";
import { warn, Warn } from "../util/warnings";
import { linkSlot } from "../util/counts";
import { frame, frames } from "./frame";
import { setNeed, setSkip, MAX_RECORD } from "./input";

// pcapng (draft-ietf-opsawg-pcapng). Every block: type 4 | total length 4 | body | total length 4.
// Each section header fixes the byte order of the blocks that follow it and starts a new set of
// interfaces. Blocks this reader does not use are skipped by their length.

// @ts-ignore: decorator
@inline const SHB: u32 = 0x0A0D0D0A;
// @ts-ignore: decorator
@inline const IDB: u32 = 1;
// @ts-ignore: decorator
@inline const OPB: u32 = 2; // obsolete packet block
// @ts-ignore: decorator
@inline const SPB: u32 = 3;
// @ts-ignore: decorator
@inline const EPB: u32 = 6;
// Custom blocks (copyable or not): Wireshark lists each as a frame of its own, so they are counted as
// frames here too, for the frame numbers to agree; their link type is this pseudo value.
// @ts-ignore: decorator
@inline const CUSTOM: u32 = 0x00000BAD;
// @ts-ignore: decorator
@inline const CUSTOM_NOCOPY: u32 = 0x40000BAD;
// @ts-ignore: decorator
@inline export const CUSTOM_LINK: u32 = 0xFFFFFFFE;

let swap = false;
let inSection = false;
export let sections: u32 = 0;
let lastTime: i64 = 0; // simple packet blocks carry no timestamp: they take the previous one

// Interfaces of the current section, 24 bytes each:
// 0 link type u32 | 4 snaplen u32 | 8 if_tsresol u32 | 12 link slot u32 | 16 if_tsoffset seconds i64
// @ts-ignore: decorator
@inline const IF_SIZE: u32 = 24;
let ifs: usize = 0;
let ifCap: u32 = 0;
let ifCount: u32 = 0;
// Real captures declare a handful; a hostile section of millions must not take memory without end.
// @ts-ignore: decorator
@inline const MAX_INTERFACES: u32 = 1 << 16;

export function resetPcapng(): void {
  swap = false; inSection = false; sections = 0; ifCount = 0; lastTime = 0;
}

export function isPcapngMagic(m: u32): bool { return m == SHB; }

function isPacketBlock(type: u32): bool { return type == EPB || type == SPB || type == OPB; }

// Returns bytes consumed, 0 when more input is needed, -1 when reading must stop.
export function pcapngBlock(p: usize, avail: u32, off: u64): i32 {
  if (avail < 12) { setNeed(12); return 0; }
  let type = le32(p); // the section header's type reads the same in both byte orders
  if (type == SHB) {
    let bom = le32(p + 8);
    if (bom == 0x1A2B3C4D) swap = false;
    else if (bom == 0x4D3C2B1A) swap = true;
    else { warn(Warn.bad_byte_order_magic, frames + 1, off + 8, bom); return -1; }
  } else if (!inSection) {
    warn(Warn.no_section_header, frames + 1, off, type);
    return -1;
  } else if (swap) {
    type = bswap<u32>(type);
  }
  let len = rd32(p + 4, swap);
  if (len < 12 || (len & 3) != 0) { warn(Warn.bad_block_length, frames + 1, off + 4, len); return -1; }
  if (avail < len) {
    if (len > MAX_RECORD) {
      if (isPacketBlock(type) || type == SHB || type == IDB) { warn(Warn.bad_record_length, frames + 1, off + 4, len); return -1; }
      setSkip(len); // a huge block we would skip anyway need not be held
      return 0;
    }
    setNeed(len);
    return 0;
  }
  if (rd32(p + len - 4, swap) != len) { warn(Warn.block_length_mismatch, frames + 1, off + len - 4, len); return -1; }
  let body = p + 8;
  let bodyLen = len - 12;
  switch (type) {
    case SHB: {
      // byte-order magic 4 | major 2 | minor 2 | section length 8 | options
      if (bodyLen < 16) { warn(Warn.block_too_short, frames + 1, off, type); return -1; }
      let major = rd16(body + 4, swap);
      if (major != 1) { warn(Warn.unsupported_version, frames + 1, off + 12, major); return -1; }
      inSection = true; sections++; ifCount = 0;
      break;
    }
    case IDB: {
      // link type 2 | reserved 2 | snaplen 4 | options
      if (ifCount == MAX_INTERFACES) { warn(Warn.too_many_interfaces, frames + 1, off, MAX_INTERFACES); break; }
      if (bodyLen < 8) { warn(Warn.block_too_short, frames + 1, off, type); addInterface(0xFFFF, 0); break; }
      let i = addInterface(rd16(body, swap), rd32(body + 4, swap));
      interfaceOptions(i, body + 8, bodyLen - 8);
      break;
    }
    case EPB: {
      // interface 4 | timestamp high 4 | timestamp low 4 | captured length 4 | original length 4 | data
      if (bodyLen < 20) { warn(Warn.block_too_short, frames + 1, off, type); break; }
      packet(rd32(body, swap), rd32(body + 4, swap), rd32(body + 8, swap), rd32(body + 12, swap),
        rd32(body + 16, swap), body + 20, bodyLen - 20, off);
      break;
    }
    case OPB: {
      // interface 2 | drops 2 | timestamp high 4 | timestamp low 4 | captured 4 | original 4 | data
      if (bodyLen < 20) { warn(Warn.block_too_short, frames + 1, off, type); break; }
      packet(rd16(body, swap), rd32(body + 4, swap), rd32(body + 8, swap), rd32(body + 12, swap),
        rd32(body + 16, swap), body + 20, bodyLen - 20, off);
      break;
    }
    case SPB: {
      // original length 4 | data; captured length is what the block and the snaplen allow
      if (bodyLen < 4) { warn(Warn.block_too_short, frames + 1, off, type); break; }
      if (ifCount == 0) { warn(Warn.unknown_interface, frames + 1, off, 0); frameOnNoInterface(off, rd32(body, swap)); break; }
      let wire = rd32(body, swap);
      let cap = wire < bodyLen - 4 ? wire : bodyLen - 4;
      let snap = load<u32>(ifs, 4);
      if (snap != 0 && cap > snap) cap = snap;
      frame(body + 4, cap, wire, lastTime, load<u32>(ifs), <usize>load<u32>(ifs, 12), off, 12);
      break;
    }
    case CUSTOM:
    case CUSTOM_NOCOPY: {
      // private enterprise number 4 | data, padded; the frame is the data with its padding
      if (bodyLen < 4) { warn(Warn.block_too_short, frames + 1, off, type); break; }
      frame(body + 4, bodyLen - 4, bodyLen - 4, lastTime, CUSTOM_LINK, linkSlot(CUSTOM_LINK), off, 12);
      break;
    }
  }
  return <i32>len;
}

function packet(ifId: u32, hi: u32, lo: u32, cap: u32, wire: u32, data: usize, room: u32, off: u64): void {
  // what the block holds, less its padding when the wire length says where the packet ends
  if (cap > room) { warn(Warn.block_too_short, frames + 1, off, EPB); cap = room < wire ? room : wire; }
  if (ifId >= ifCount) {
    warn(Warn.unknown_interface, frames + 1, off, ifId);
    frameOnNoInterface(off, wire);
    return;
  }
  let iface = ifs + <usize>(ifId * IF_SIZE);
  let time = toNanoseconds((<u64>hi << 32) | <u64>lo, load<u32>(iface, 8)) + load<i64>(iface, 16) * 1_000_000_000;
  lastTime = time;
  if (cap > wire) warn(Warn.caplen_over_wirelen, frames + 1, off, wire);
  frame(data, cap, wire, time, load<u32>(iface), <usize>load<u32>(iface, 12), off, 28); // EPB and OPB: 8 + 20
}

// A packet whose interface is unknown still counts as a frame, undecoded.
function frameOnNoInterface(off: u64, wire: u32): void {
  frame(0, 0, wire, lastTime, 0xFFFFFFFF, linkSlot(0xFFFFFFFF), off, 0);
}

function addInterface(linkType: u32, snaplen: u32): usize {
  if (ifCount == ifCap) {
    let cap = ifCap == 0 ? 8 : ifCap * 2;
    ifs = ifs == 0 ? heap.alloc(<usize>cap * IF_SIZE) : heap.realloc(ifs, <usize>cap * IF_SIZE);
    ifCap = cap;
  }
  let i = ifs + <usize>(ifCount++ * IF_SIZE);
  store<u32>(i, linkType);
  store<u32>(i, snaplen, 4);
  store<u32>(i, 6, 8); // microseconds unless if_tsresol says otherwise
  store<u32>(i, <u32>linkSlot(linkType), 12);
  store<i64>(i, 0, 16);
  return i;
}

// Options: code 2 | length 2 | value, padded to 4. if_tsresol is code 9, if_tsoffset code 14.
function interfaceOptions(iface: usize, p: usize, len: u32): void {
  let i: u32 = 0;
  while (i + 4 <= len) {
    let code = rd16(p + i, swap);
    let olen = rd16(p + i + 2, swap);
    if (code == 0) return;
    if (i + 4 + olen > len) return;
    let v = p + i + 4;
    if (code == 9 && olen >= 1) store<u32>(iface, <u32>load<u8>(v), 8);
    else if (code == 14 && olen >= 8) {
      let lo = rd32(v, swap), hi = rd32(v + 4, swap);
      store<i64>(iface, swap ? <i64>(((<u64>lo) << 32) | <u64>hi) : <i64>(((<u64>hi) << 32) | <u64>lo), 16);
    }
    i += 4 + ((olen + 3) & ~3);
  }
}

const POW10: StaticArray<u64> = [
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
  10000000000, 100000000000, 1000000000000, 10000000000000, 100000000000000,
  1000000000000000, 10000000000000000, 100000000000000000, 1000000000000000000,
  10000000000000000000,
];

// if_tsresol: high bit clear, 10^-n seconds; set, 2^-n seconds.
function toNanoseconds(ts: u64, resol: u32): i64 {
  if (resol & 0x80) {
    let n = resol & 0x7F;
    if (n == 0) return <i64>(ts * 1_000_000_000);
    if (n >= 64) return 0;
    let secs = ts >> n;
    let frac = ts & ((<u64>1 << n) - 1);
    let ns = n <= 34 ? (frac * 1_000_000_000) >> n : <u64>(<f64>frac * 1e9 / Math.pow(2, <f64>n));
    return <i64>(secs * 1_000_000_000 + ns);
  }
  if (resol <= 9) return <i64>(ts * POW10[9 - resol]);
  if (resol > 19) return 0;
  return <i64>(ts / POW10[resol - 9]);
}
