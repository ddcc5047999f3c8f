import { NONE } from "../flow/flow";
import * as pkt from "../packet";

// Wireshark's FTP dissector (4.0.17 packet-ftp.c) creates the data connection's conversation in
// advance, from a PORT request or a 227 or 229 reply on port 21. When that connection's first SYN
// arrives its conversation is not new, and tcp.completeness does not count the SYN. seqack keeps the
// same predictions so that its completeness means the same. (EPRT's prediction pairs the client
// with itself in 4.0 and never matches, so it is not kept.)

// A prediction: endpoint A (address and port) talks to address B on any port.
// 0 a0 u64 | 8 a1 u64 | 16 b0 u64 | 24 b1 u64 | 32 port u32 | 36 family u32
// @ts-ignore: decorator
@inline const ENTRY: u32 = 40;
// @ts-ignore: decorator
@inline const SLOTS: u32 = 64; // the newest are kept; a control connection sets up one at a time
const table: usize = heap.alloc(<usize>(ENTRY * SLOTS));
let used: u32 = 0;
let next: u32 = 0;

export function resetFtp(): void { used = 0; next = 0; }

// @ts-ignore: decorator
@inline function lo(a: usize, fam: u8): u64 { return fam == 6 ? load<u64>(a) : <u64>load<u32>(a); }
// @ts-ignore: decorator
@inline function hi(a: usize, fam: u8): u64 { return fam == 6 ? load<u64>(a, 8) : 0; }

function predict(a0: u64, a1: u64, port: u32, b0: u64, b1: u64): void {
  let e = table + <usize>(next * ENTRY);
  store<u64>(e, a0); store<u64>(e, a1, 8); store<u64>(e, b0, 16); store<u64>(e, b1, 24);
  store<u32>(e, port, 32); store<u32>(e, pkt.family, 36);
  next = (next + 1) % SLOTS;
  if (used < SLOTS) used++;
}

// Called for a TCP packet with payload on port 21.
export function ftpControl(): void {
  if (pkt.payloadCaptured == 0) return;
  let p = pkt.payload, end = p + pkt.payloadCaptured;
  // the first line only, as the dissector reads it
  let eol = p;
  while (eol < end && load<u8>(eol) != 0x0A && load<u8>(eol) != 0x0D) eol++;
  let fam = pkt.family;
  if (pkt.dport == 21) {
    // a request: "PORT h1,h2,h3,h4,p1,p2" -> the server's port 20 and the announced address
    if (eol - p >= 4 && load<u8>(p) == 0x50 && load<u8>(p, 1) == 0x4F && load<u8>(p, 2) == 0x52 && load<u8>(p, 3) == 0x54
      && (eol - p == 4 || load<u8>(p, 4) == 0x20) && fam == 4) {
      if (sixNumbers(p, eol)) predict(lo(pkt.dst, fam), hi(pkt.dst, fam), 20, <u64>numAddr, 0);
    }
  } else if (pkt.sport == 21 && eol - p >= 3) {
    let code = threeDigits(p);
    if (code == 227 && sixNumbers(p, eol)) {
      // passive: the announced address and port, with the client on any port
      if (fam == 4) predict(<u64>numAddr, 0, numPort, lo(pkt.dst, fam), hi(pkt.dst, fam));
    } else if (code == 229) {
      let port = extendedPort(p, eol);
      if (port >= 0) predict(lo(pkt.src, fam), hi(pkt.src, fam), <u32>port, lo(pkt.dst, fam), hi(pkt.dst, fam));
    }
  }
}

// Whether the current packet opens a predicted data connection; a prediction serves once.
export function ftpPredicted(): bool {
  let fam = pkt.family;
  let s0 = lo(pkt.src, fam), s1 = hi(pkt.src, fam), d0 = lo(pkt.dst, fam), d1 = hi(pkt.dst, fam);
  for (let i: u32 = 0; i < used; i++) {
    let e = table + <usize>(i * ENTRY);
    if (load<u32>(e, 36) != <u32>fam) continue;
    let a0 = load<u64>(e), a1 = load<u64>(e, 8), b0 = load<u64>(e, 16), b1 = load<u64>(e, 24);
    let port = load<u32>(e, 32);
    let hit = (s0 == a0 && s1 == a1 && pkt.sport == port && d0 == b0 && d1 == b1)
      || (d0 == a0 && d1 == a1 && pkt.dport == port && s0 == b0 && s1 == b1);
    if (hit) {
      store<u32>(e, NONE, 36); // its port is now bound: Wireshark fills in the wildcard
      return true;
    }
  }
  return false;
}

function threeDigits(p: usize): i32 {
  let v: i32 = 0;
  for (let i = 0; i < 3; i++) {
    let c = <i32>load<u8>(p + i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

let numAddr: u32 = 0; // second results of sixNumbers(): the address as stored in memory, and the port
let numPort: u32 = 0;

// parse_port_pasv: the first run of digits that reads as "%d,%d,%d,%d,%d,%d".
function sixNumbers(p: usize, end: usize): bool {
  while (p < end) {
    while (p < end && !digit(load<u8>(p))) p++;
    if (p >= end) return false;
    let q = p;
    let n: u32 = 0;
    let vals = changetype<usize>(scratch);
    while (n < 6) {
      let v: u32 = 0, k = 0;
      while (q < end && digit(load<u8>(q)) && k < 10) { v = v * 10 + <u32>(load<u8>(q) - 0x30); q++; k++; }
      if (k == 0) break;
      store<u32>(vals + (<usize>n << 2), v);
      n++;
      if (n < 6) { if (q < end && load<u8>(q) == 0x2C) q++; else break; }
    }
    if (n == 6) {
      numAddr = (load<u32>(vals) & 0xFF) | ((load<u32>(vals, 4) & 0xFF) << 8) | ((load<u32>(vals, 8) & 0xFF) << 16) | ((load<u32>(vals, 12) & 0xFF) << 24);
      numPort = ((load<u32>(vals, 16) << 8) + load<u32>(vals, 20)) & 0xFFFF;
      return true;
    }
    while (p < end && digit(load<u8>(p))) p++;
  }
  return false;
}
const scratch = new StaticArray<u32>(6);

// @ts-ignore: decorator
@inline function digit(c: u8): bool { return c >= 0x30 && c <= 0x39; }

// parse_extended_pasv_response: "(|||port|)" with any RFC 2428 delimiter.
function extendedPort(p: usize, end: usize): i32 {
  while (p < end && load<u8>(p) != 0x28) p++;
  if (p >= end) return -1;
  p++;
  let delim: u8 = 0;
  for (let n = 0; n < 3 && p < end; n++) {
    let c = load<u8>(p);
    if (delim == 0 && c >= 33 && c <= 126) delim = c;
    if (c != delim) break;
    p++;
  }
  let v: u32 = 0, k = 0;
  while (p < end && digit(load<u8>(p))) { v = v * 10 + <u32>(load<u8>(p) - 0x30); p++; k++; }
  if (k == 0 || v > 65535) return -1;
  while (p < end && load<u8>(p) != 0x29) p++;
  return p < end ? <i32>v : -1;
}
