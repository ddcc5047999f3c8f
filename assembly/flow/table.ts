import { Flow, FLOW_SIZE, NONE, CLIENT_IS_B, MIDSTREAM } from "./flow";
import { warn, Warn } from "../util/warnings";
import * as pkt from "../packet";

// Flows live in one arena, in order of their first packet; an open-addressed hash table of flow
// indices finds them. The key ignores direction: both endpoints are hashed symmetrically, and a
// lookup reports the packet's direction in `dir` (0: from A, 1: from B).

// @ts-ignore: decorator
@inline const INITIAL_FLOWS: u32 = 1024;
// One allocation of AssemblyScript's runtime holds at most 1 GiB (BLOCK_MAXSIZE, else it aborts), and
// wasm32 memory ends at 4 GiB. The runtime is "minimal" rather than "stub" for its allocator (TLSF):
// the block a growing arena leaves behind is freed and used again, where a bump allocator kept every
// copy (a capture of 217,000 flows took 1 GiB of wasm memory instead of 565 MiB). Flows (128
// bytes) stop at 512 MiB; TCP connections (TCP_SIZE, 888 bytes, an arena that doubles) stop at
// 524,288 of them (444 MiB), the limit within which the core's memory was measured to stay under
// 3 GiB (test/hostile/limits.test.ts).
// @ts-ignore: decorator
@inline const MAX_FLOWS: u32 = 4 << 20;
// @ts-ignore: decorator
@inline const MAX_TCP_FLOWS: u32 = 1 << 19;

export let arena: usize = 0;
let arenaCap: u32 = 0;
export let flowCount: u32 = 0;

let slots: usize = 0;     // u32 flow index + 1, 0 = empty
let slotMask: u32 = 0;

export let dir: u32 = 0;  // second result of lookup()
let full = false;
let tcpFull = false;

// Per-protocol stream counters: Wireshark numbers tcp.stream and udp.stream separately.
let tcpStreams: u32 = 0;
let udpStreams: u32 = 0;
let otherStreams: u32 = 0;

export function resetFlows(): void {
  if (arena == 0) {
    arenaCap = INITIAL_FLOWS;
    arena = heap.alloc(<usize>arenaCap * FLOW_SIZE);
    slotMask = arenaCap * 2 - 1;
    slots = heap.alloc(<usize>(slotMask + 1) << 2);
  }
  memory.fill(slots, 0, <usize>(slotMask + 1) << 2);
  flowCount = 0; full = false; tcpFull = false;
  tcpStreams = 0; udpStreams = 0; otherStreams = 0;
}

// @ts-ignore: decorator
@inline export function flowAt(i: u32): Flow {
  return changetype<Flow>(arena + <usize>i * FLOW_SIZE);
}

// @ts-ignore: decorator
@inline function mix(h: u32): u32 { // murmur3's finaliser
  h ^= h >> 16; h *= 0x85EBCA6B; h ^= h >> 13; h *= 0xC2B2AE35; h ^= h >> 16;
  return h;
}

// @ts-ignore: decorator
@inline function endpointHash(addr: usize, len: u32, port: u32): u32 {
  let h = mix(load<u32>(addr) ^ port);
  if (len == 16) h = mix(h ^ load<u32>(addr, 4)) ^ mix(load<u32>(addr, 8) ^ load<u32>(addr, 12) * 0x9E3779B1);
  return h;
}

// Reads an address of 4 or 16 bytes as two u64 halves, IPv4 in the low word of the first.
// @ts-ignore: decorator
@inline function lo(addr: usize, len: u32): u64 { return len == 16 ? load<u64>(addr) : <u64>load<u32>(addr); }
// @ts-ignore: decorator
@inline function hi(addr: usize, len: u32): u64 { return len == 16 ? load<u64>(addr, 8) : 0; }

// Finds the packet's flow, or NONE. Sets `dir`.
export function lookup(): u32 {
  let alen: u32 = pkt.family == 6 ? 16 : 4;
  let s0 = lo(pkt.src, alen), s1 = hi(pkt.src, alen);
  let d0 = lo(pkt.dst, alen), d1 = hi(pkt.dst, alen);
  let sp = <u16>pkt.sport, dp = <u16>pkt.dport;
  let hs = endpointHash(pkt.src, alen, pkt.sport), hd = endpointHash(pkt.dst, alen, pkt.dport);
  let h = mix((hs ^ hd) + (hs + hd) * 0x9E3779B1 + <u32>pkt.ipProto);
  let i = h & slotMask;
  while (true) {
    let v = load<u32>(slots + (<usize>i << 2));
    if (v == 0) { lastSlot = i; return NONE; }
    let f = flowAt(v - 1);
    if (f.proto == pkt.ipProto && f.family == pkt.family) {
      if (f.a0 == s0 && f.a1 == s1 && f.portA == sp && f.b0 == d0 && f.b1 == d1 && f.portB == dp) {
        dir = 0; lastSlot = i; return v - 1;
      }
      if (f.a0 == d0 && f.a1 == d1 && f.portA == dp && f.b0 == s0 && f.b1 == s1 && f.portB == sp) {
        dir = 1; lastSlot = i; return v - 1;
      }
    }
    i = (i + 1) & slotMask;
  }
}
let lastSlot: u32 = 0; // where lookup() stopped: the flow's slot, or the empty one to fill

// Creates a flow for the current packet, sent by endpoint A. Call right after lookup(); when the key
// is already taken (a reused port pair), the new flow replaces the old one in the table.
export function create(): u32 {
  if (flowCount >= MAX_FLOWS) {
    if (!full) { full = true; warn(Warn.table_full, pkt.frame, pkt.offset, flowCount); }
    return NONE;
  }
  if (pkt.ipProto == 6 && tcpStreams >= MAX_TCP_FLOWS) {
    if (!tcpFull) { tcpFull = true; warn(Warn.tcp_table_full, pkt.frame, pkt.offset, tcpStreams); }
    return NONE;
  }
  if (flowCount == arenaCap) growArena();
  if ((flowCount + 1) * 2 > slotMask + 1) { rehash(); lookup(); }
  let idx = flowCount++;
  let f = flowAt(idx);
  memory.fill(changetype<usize>(f), 0, FLOW_SIZE);
  let alen: u32 = pkt.family == 6 ? 16 : 4;
  f.a0 = lo(pkt.src, alen); f.a1 = hi(pkt.src, alen);
  f.b0 = lo(pkt.dst, alen); f.b1 = hi(pkt.dst, alen);
  f.portA = <u16>pkt.sport; f.portB = <u16>pkt.dport;
  f.proto = pkt.ipProto; f.family = pkt.family;
  f.first = pkt.time; f.firstFrame = pkt.frame;
  f.prev = NONE;
  let old = load<u32>(slots + (<usize>lastSlot << 2));
  if (old != 0) f.prev = old - 1;
  store<u32>(slots + (<usize>lastSlot << 2), idx + 1);
  if (f.proto == 6) f.stream = tcpStreams++;
  else if (f.proto == 17) f.stream = udpStreams++;
  else f.stream = otherStreams++;
  chooseClient(f);
  dir = 0;
  return idx;
}

function growArena(): void {
  let cap = arenaCap * 2;
  if (cap > MAX_FLOWS) cap = MAX_FLOWS;
  arena = heap.realloc(arena, <usize>cap * FLOW_SIZE);
  arenaCap = cap;
}

function rehash(): void {
  let n = (slotMask + 1) * 2;
  heap.free(slots);
  slots = heap.alloc(<usize>n << 2);
  memory.fill(slots, 0, <usize>n << 2);
  slotMask = n - 1;
  // Insert oldest first, so that for a reused key the newest flow is the one found.
  for (let i: u32 = 0; i < flowCount; i++) {
    let f = flowAt(i);
    let alen: u32 = f.family == 6 ? 16 : 4;
    let ha = endpointHashOf(f.a0, f.a1, alen, f.portA), hb = endpointHashOf(f.b0, f.b1, alen, f.portB);
    let j = mix((ha ^ hb) + (ha + hb) * 0x9E3779B1 + <u32>f.proto) & slotMask;
    while (true) {
      let v = load<u32>(slots + (<usize>j << 2));
      if (v == 0) break;
      let g = flowAt(v - 1);
      if (sameKey(f, g)) break;
      j = (j + 1) & slotMask;
    }
    store<u32>(slots + (<usize>j << 2), i + 1);
  }
}

function sameKey(f: Flow, g: Flow): bool {
  return f.proto == g.proto && f.family == g.family && f.a0 == g.a0 && f.a1 == g.a1 && f.portA == g.portA
    && f.b0 == g.b0 && f.b1 == g.b1 && f.portB == g.portB; // a reused key keeps its first sender as A
}

// endpointHash over an address already split into halves: the same words, the same hash.
function endpointHashOf(x0: u64, x1: u64, len: u32, port: u32): u32 {
  let h = mix(<u32>x0 ^ port);
  if (len == 16) h = mix(h ^ <u32>(x0 >> 32)) ^ mix(<u32>x1 ^ <u32>(x1 >> 32) * 0x9E3779B1);
  return h;
}

// Who is the client? A pure SYN's sender; a SYN+ACK's receiver. Without a handshake, guess as Zeek
// does: the side on a likely server port is the server.
function chooseClient(f: Flow): void {
  let flags = pkt.tcpFlags;
  if (f.proto == 6 && (flags & 2)) {
    if (flags & 16) f.flags |= CLIENT_IS_B;
    return;
  }
  if (f.proto == 6) f.flags |= MIDSTREAM;
  if (f.proto == 1 || f.proto == 58) {
    // an echo reply or other reply seen first: its receiver asked
    let t = pkt.icmpType;
    if ((f.proto == 1 && (t == 0 || t == 14 || t == 16 || t == 18)) || (f.proto == 58 && t == 129)) f.flags |= CLIENT_IS_B;
    return;
  }
  if (serverPort(pkt.sport) && !serverPort(pkt.dport)) f.flags |= CLIENT_IS_B;
}

function serverPort(port: u32): bool {
  if (port == 0) return false;
  if (port < 1024) return true;
  switch (port) {
    case 1080: case 1194: case 1433: case 1521: case 1723: case 1812: case 1883: case 2049:
    case 3128: case 3306: case 3389: case 3544: case 4789: case 5060: case 5061: case 5222: case 5432:
    case 5672: case 5900: case 6379: case 6443: case 6667: case 8000: case 8008: case 8080: case 8443:
    case 8883: case 9000: case 9092: case 9200: case 11211: case 27017:
      return true;
  }
  return false;
}
