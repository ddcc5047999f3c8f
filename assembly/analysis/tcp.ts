import { TcpFlow, TcpSide, TCP_FLOW_SIZE, TCP_SIDE_SIZE, TCP_SIZE, ZEEK_OFFSET, Bit, TF_SYN_DATA,
  OPT_MSS, OPT_WSCALE, OPT_SACK_PERM, OPT_TIMESTAMPS, OPT_FAST_OPEN, OPT_SYN_SEEN, COUNTS_AT, extraOf,
  resetTcpExtras } from "./tcp-flow";
import { NONE } from "../flow/flow";
import { endpointStates } from "./tcp-states";
import { zeekBegin, zeekPacket } from "./zeek";
import { tcptrace, resetTcptrace, beginTcptrace } from "./tcptrace";
import * as pkt from "../packet";

// Wireshark 4.0's TCP sequence analysis (epan/dissectors/packet-tcp.c, tcp_analyze_sequence_number),
// step for step, so that every tcp.analysis flag means what it means there. Sequence numbers are
// raw and compared modulo 2^32; a nextseq of 0 means "not known yet", as in Wireshark.

// @ts-ignore: decorator
@inline const FIN: u32 = 1;
// @ts-ignore: decorator
@inline const SYN: u32 = 2;
// @ts-ignore: decorator
@inline const RST: u32 = 4;
// @ts-ignore: decorator
@inline const ACK: u32 = 16;
// Wireshark keeps at most this many unacked segments per direction (TCP_MAX_UNACKED_SEGMENTS).
// @ts-ignore: decorator
@inline const MAX_UNACKED: u32 = 10000;
// A fast retransmission follows the duplicate ACKs within 20 ms.
// @ts-ignore: decorator
@inline const FAST_RTX_NS: u64 = 20_000_000;
// Out-of-order threshold when the initial RTT is unknown: 3 ms.
// @ts-ignore: decorator
@inline const OOO_DEFAULT_NS: i64 = 3_000_000;

// @ts-ignore: decorator
@inline function gt(a: u32, b: u32): bool { return <i32>(a - b) > 0; }
// @ts-ignore: decorator
@inline function lt(a: u32, b: u32): bool { return <i32>(a - b) < 0; }
// @ts-ignore: decorator
@inline function le(a: u32, b: u32): bool { return <i32>(a - b) <= 0; }

// TCP arena: one TCP_SIZE record per TCP flow.
let arena: usize = 0;
let cap: u32 = 0;
let count: u32 = 0;

// Unacked segments, from a pool with a free list, 32 bytes each:
// 0 seq u32 | 4 nextseq u32 | 8 frame u32 | 12 next (newer) u32 | 16 time i64 | 24 pad 8
// @ts-ignore: decorator
@inline const SEG_SIZE: u32 = 32;
let pool: usize = 0;
let poolCap: u32 = 0;
let poolUsed: u32 = 0;
let poolFree: u32 = NONE;

// Results for the packet record.
export let bits: u32 = 0;
export let dupAckNum: u32 = 0;
export let dupAckFrame: u32 = 0;
export let acksFrame: u32 = 0;
export let ackRtt: i64 = 0;
export let bytesInFlight: u32 = 0;

export function resetTcp(): void {
  if (arena == 0) {
    cap = 1024;
    arena = heap.alloc(<usize>cap * TCP_SIZE);
    poolCap = 4096;
    pool = heap.alloc(<usize>poolCap * SEG_SIZE);
  }
  count = 0; poolUsed = 0; poolFree = NONE;
  resetTcpExtras();
  resetTcptrace();
}

export function tcpArena(): usize { return arena; }
export function tcpSize(): u32 { return TCP_SIZE; }

// @ts-ignore: decorator
@inline export function tcpAt(i: u32): TcpFlow { return changetype<TcpFlow>(arena + <usize>i * TCP_SIZE); }
// @ts-ignore: decorator
@inline export function sideOf(t: TcpFlow, d: u32): TcpSide {
  return changetype<TcpSide>(changetype<usize>(t) + TCP_FLOW_SIZE + <usize>(d * TCP_SIDE_SIZE));
}

export function newTcp(): u32 {
  if (count == cap) {
    cap *= 2;
    arena = heap.realloc(arena, <usize>cap * TCP_SIZE);
  }
  let i = count++;
  let t = tcpAt(i);
  memory.fill(changetype<usize>(t), 0, TCP_SIZE);
  for (let d: u32 = 0; d < 2; d++) {
    let s = sideOf(t, d);
    s.dir = <u8>d;
    // Wireshark starts a direction's window at G_MAXUINT32: not zero, and unlike any real one
    s.winScale = -1; s.firstAck = 1; s.validBif = 1; s.window = 0xFFFFFFFF;
    s.segHead = NONE; s.segTail = NONE; s.segSorted = 1;
    s.finFrame = NONE; s.rstFrame = NONE;
    beginTcptrace(s);
  }
  zeekBegin(changetype<usize>(t) + ZEEK_OFFSET);
  return i;
}

// @ts-ignore: decorator
@inline function seg(i: u32): usize { return pool + <usize>i * SEG_SIZE; }

// The runtime refuses one allocation over 1 GiB: the pool stops at 16 Mi segments (512 MiB), and
// past that a segment is not recorded, as Wireshark stops at its own cap per direction.
// @ts-ignore: decorator
@inline const POOL_LIMIT: u32 = 16 << 20;

// @ts-ignore: decorator
@inline function poolHasRoom(): bool { return poolFree != NONE || poolUsed < POOL_LIMIT; }

function segAlloc(): u32 {
  if (poolFree != NONE) {
    let i = poolFree;
    poolFree = load<u32>(seg(i), 12);
    return i;
  }
  if (poolUsed == poolCap) {
    poolCap = poolCap * 2 < POOL_LIMIT ? poolCap * 2 : POOL_LIMIT;
    pool = heap.realloc(pool, <usize>poolCap * SEG_SIZE);
  }
  return poolUsed++;
}

// @ts-ignore: decorator
@inline function segRelease(i: u32): void {
  store<u32>(seg(i), poolFree, 12);
  poolFree = i;
}

function countBits(t: TcpFlow, b: u32): void {
  if (!b) return; // most packets have no flag, and most flows never get their TcpExtra
  let p = extraOf(t) + COUNTS_AT;
  while (b) { // visit only the set bits
    let q = p + (<usize>ctz(b) << 2);
    store<u32>(q, load<u32>(q) + 1);
    b &= b - 1;
  }
}

// What the flow tracker found before the analysis (Wireshark does it while finding the conversation).
export const enum Syn {
  none = 0,
  reusedFlow = 1,   // a pure SYN with a new ISN opened a new flow on the same ports
  rebased = 2,      // a SYN+ACK with a new ISN moved its direction's base_seq
  repeated = 3,     // a pure SYN with the known ISN: nextseq goes back (issue 17616)
}

// One TCP packet of flow `t`, sent by side `d`. `first`: the flow's first packet. `base`: the
// direction's base_seq, for bytes in flight.
export function analyze(t: TcpFlow, d: u32, first: bool, syn: Syn, base: u32): void {
  let fwd = sideOf(t, d), rev = sideOf(t, d ^ 1);
  let seq = pkt.seq, ack = pkt.ack, seglen = pkt.payloadLen, flags = pkt.tcpFlags, window = pkt.window;
  let now = pkt.time, frame = pkt.frame;
  let b: u32 = syn == Syn.reusedFlow || syn == Syn.rebased ? Bit.reused_ports : 0;
  dupAckNum = 0; dupAckFrame = 0; acksFrame = 0; ackRtt = 0; bytesInFlight = 0;
  if (syn == Syn.repeated) fwd.nextseq = fwd.maxseqtobeacked;
  fwd.sackBytes = 0; // a packet's SACK blocks count only until its sender's next packet

  completeness(t, first, syn == Syn.reusedFlow, flags, seglen);
  handshake(t, fwd, d, flags, seq, seglen, now, frame);

  if (flags & ACK) rev.validBif = 1;

  // 1. zero window probe: skips the checks up to the duplicate ACK
  if (seglen == 1 && seq == fwd.nextseq && rev.window == 0) {
    b |= Bit.zero_window_probe;
  } else {
    // 2. zero window
    if (window == 0 && (flags & (RST | FIN | SYN)) == 0) b |= Bit.zero_window;
    // 3. lost segment: a hole before this one
    if (fwd.nextseq != 0 && gt(seq, fwd.nextseq) && (flags & RST) == 0) {
      b |= Bit.lost_segment;
      fwd.validBif = 0;
    }
    // 4. keep-alive: 0 or 1 byte one before nextseq
    if ((seglen == 0 || seglen == 1) && seq == fwd.nextseq - 1 && (flags & (SYN | FIN | RST)) == 0) b |= Bit.keep_alive;
    let same = seglen == 0 && seq == fwd.nextseq && ack == fwd.lastack && (flags & (SYN | FIN | RST)) == 0;
    // 5. window update
    if (same && window != 0 && window != fwd.window) b |= Bit.window_update;
    // 6. window full: data up to the edge of the other side's advertised window
    if (seglen > 0 && rev.winScale != -1 && (flags & (SYN | FIN | RST)) == 0) {
      let shift: i32 = rev.firstAck ? 0 : (rev.winScale == -2 ? 0 : rev.winScale);
      if (seq + seglen == rev.lastack + (rev.window << shift)) b |= Bit.window_full;
    }
    if (same && window != 0 && window == fwd.window && ((<u32>rev.lastFlags << 8) & Bit.keep_alive)) {
      b |= Bit.keep_alive_ack; // 7
    } else if (same && window == 0 && window == fwd.window && ((<u32>rev.lastFlags << 8) & Bit.zero_window_probe)) {
      b |= Bit.zero_window_probe_ack; // 8
    } else if (same && window != 0 && window == fwd.window) {
      // 9. duplicate ACK; -1 (set by ack_lost_segment) counts as none
      fwd.dupacknum = fwd.dupacknum == -1 ? 1 : fwd.dupacknum + 1;
      b |= Bit.duplicate_ack;
      dupAckNum = <u32>fwd.dupacknum;
      dupAckFrame = fwd.lastnondupack;
    }
  }
  // 10. a new ack number resets the duplicate count
  if (ack != fwd.lastack) {
    fwd.lastnondupack = frame;
    fwd.dupacknum = 0;
  }
  // 11. ACKed unseen segment
  if (rev.maxseqtobeacked != 0 && gt(ack, rev.maxseqtobeacked) && (flags & ACK) != 0) {
    if (lt(rev.maxseqtobeacked, rev.nextseq)) {
      rev.maxseqtobeacked = rev.nextseq;
      b |= Bit.ack_lost_segment;
    } else {
      if (rev.dupacknum == 0) b |= Bit.ack_lost_segment;
      rev.dupacknum = -1;
    }
  }
  // 12. retransmission, fast retransmission, spurious retransmission, out of order
  if ((seglen > 0 || (flags & (SYN | FIN)) != 0) && (b & Bit.keep_alive) == 0) {
    let notAdvanced = fwd.nextseq != 0 && lt(seq, fwd.nextseq);
    // more than one byte starting one before nextseq adds data (after a zero window probe)
    if (seglen > 1 && fwd.nextseq - 1 == seq) notAdvanced = false;
    if (seglen > 0 && rev.lastack != 0 && le(seq + seglen, rev.lastack)) {
      b |= Bit.spurious_retransmission | Bit.retransmission;
    } else if (notAdvanced && rev.dupacknum >= 2 && rev.lastack == seq && since(rev.lastackTime, now) < FAST_RTX_NS) {
      b |= Bit.fast_retransmission | Bit.retransmission;
    } else {
      let threshold = t.firstRtt != 0 ? t.firstRtt : OOO_DEFAULT_NS;
      let end = seq + seglen + ((flags & (SYN | FIN)) ? 1 : 0);
      if (notAdvanced && since(fwd.nextseqTime, now) < <u64>threshold && fwd.nextseq != end) b |= Bit.out_of_order;
      else if (notAdvanced) b |= Bit.retransmission;
    }
  }
  // 13. state update
  let nextseq = seq + seglen;
  if ((seglen > 0 || (flags & (SYN | FIN)) != 0) && fwd.segCount < MAX_UNACKED && poolHasRoom()) {
    if (flags & (SYN | FIN)) nextseq += 1;
    let i = segAlloc();
    let s = seg(i);
    store<u32>(s, seq);
    store<u32>(s, nextseq, 4);
    store<u32>(s, frame, 8);
    store<u32>(s, NONE, 12);
    store<i64>(s, now, 16);
    if (fwd.segTail == NONE) {
      fwd.segHead = i;
      fwd.segSorted = 1;
    } else {
      let tail = seg(fwd.segTail);
      if (lt(seq, load<u32>(tail, 4))) fwd.segSorted = 0; // a retransmission or an overlap
      store<u32>(tail, i, 12);
    }
    fwd.segTail = i;
    fwd.segCount++;
  }
  let probe = (b & Bit.zero_window_probe) != 0;
  if ((gt(nextseq, fwd.nextseq) || fwd.nextseq == 0) && !probe) {
    fwd.nextseq = nextseq;
    fwd.nextseqTime = now;
  }
  if ((seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == 0) && !probe) fwd.maxseqtobeacked = fwd.nextseq;
  fwd.window = window;
  fwd.lastack = ack;
  fwd.lastackTime = now;
  fwd.lastFlags = <u8>(b >>> 8);
  // 14. segments this ACK covers leave the other side's list; an exact match gives the ACK RTT
  acked(rev, ack, now);
  // 15. bytes in flight, from this side's unacked segments
  if (seglen != 0 && fwd.segHead != NONE && fwd.validBif) {
    // Wireshark takes the lowest start and the highest end relative to base_seq, compared unsigned.
    // In a sorted list those are the oldest start and the newest end, unless the relative numbers
    // wrap past 2^32 in between; only then is the whole list read.
    let lo = load<u32>(seg(fwd.segHead)) - base, hi = load<u32>(seg(fwd.segTail), 4) - base;
    let i = fwd.segSorted && hi >= lo ? NONE : fwd.segHead;
    while (i != NONE) {
      let s = seg(i);
      let a = load<u32>(s) - base, e = load<u32>(s, 4) - base;
      if (e > hi) hi = e;
      if (a < lo) lo = a;
      i = load<u32>(s, 12);
    }
    let inFlight = hi - lo - rev.sackBytes;
    if (inFlight > 0 && inFlight < 2000000000) bytesInFlight = (flags & (SYN | FIN)) ? inFlight - 1 : inFlight;
  }
  // the SACK blocks of this packet count against the other side's bytes in flight from now on
  if (pkt.sackCount > 0) sack(fwd);

  // after the analysis, as Wireshark's dissector does them
  if (pkt.optWscale >= 0) fwd.winScale = <i8>(pkt.optWscale > 14 ? 14 : pkt.optWscale);
  if (flags & SYN) {
    windowScaling(fwd, rev, flags);
    fwd.firstAck = 1;
  } else if (flags & ACK) {
    fwd.firstAck = 0;
  }
  initialRtt(t, flags, now);

  tcptrace(fwd, rev);
  endpointStates(t, d, flags, seq, ack, seglen, now, frame);
  zeekPacket(changetype<usize>(t) + ZEEK_OFFSET, d == 0);
  countBits(t, b);
  bits = b;
}

// Wireshark walks its list newest first and keeps the last exact match: the oldest. This list runs
// oldest first, so the first exact match is the one. The same segments go and stay either way; when
// the list is sorted, the first segment this ACK leaves whole ends the walk, since all after it
// start later still.
function acked(rev: TcpSide, ack: u32, now: i64): void {
  let prev = NONE;
  let i = rev.segHead;
  let matched = false;
  while (i != NONE) {
    let s = seg(i);
    let sseq = load<u32>(s), snext = load<u32>(s, 4);
    let next = load<u32>(s, 12);
    if (ack == snext) {
      if (!matched) {
        acksFrame = load<u32>(s, 8);
        ackRtt = now - load<i64>(s, 16);
        matched = true;
      }
    } else if (gt(snext, ack)) {
      if (gt(ack, sseq)) store<u32>(s, ack); // acknowledges part of it: keep the rest
      if (rev.segSorted) return;
      prev = i;
      i = next;
      continue;
    }
    // old, or exactly acknowledged: drop it
    if (prev == NONE) rev.segHead = next; else store<u32>(seg(prev), next, 12);
    if (next == NONE) rev.segTail = prev;
    segRelease(i);
    rev.segCount--;
    i = next;
  }
  if (rev.segHead == NONE) rev.segSorted = 1;
}

function sack(fwd: TcpSide): void {
  let total: u32 = 0;
  for (let k: u32 = 0; k < pkt.sackCount; k++) {
    let left = load<u32>(pkt.sackBuf + <usize>(k * 8)), right = load<u32>(pkt.sackBuf + <usize>(k * 8), 4);
    if (k < 3) total += right - left; // Wireshark keeps three blocks (MAX_TCP_SACK_RANGES - 1)
  }
  fwd.sackBytes = total;
}

// Time since `then`, unsigned as Wireshark computes it: a clock going backwards is "long ago".
// @ts-ignore: decorator
@inline function since(then: i64, now: i64): u64 { return <u64>(now - then); }

// Wireshark's verify_tcp_window_scaling: a SYN without the option means neither side scales.
function windowScaling(fwd: TcpSide, rev: TcpSide, flags: u32): void {
  if (fwd.winScale == -1) {
    fwd.winScale = -2;
    rev.winScale = -2;
  } else if ((flags & ACK) && rev.winScale == -2) {
    fwd.winScale = -2;
  }
}

// tcp.completeness, Wireshark 4.0: a new conversation counts only a pure SYN (with data: fast open);
// one opened on reused ports starts at 1.
function completeness(t: TcpFlow, first: bool, reused: bool, flags: u32, seglen: u32): void {
  let c = t.completeness;
  if (reused) {
    c = 1;
  } else if (first) {
    if ((flags & (SYN | ACK)) == SYN) {
      c |= 1;
      if (seglen > 0) c |= 8;
    }
  } else {
    if ((flags & (SYN | ACK)) == (SYN | ACK)) c |= 2;
    if ((flags & (SYN | ACK)) == ACK) c |= seglen > 0 ? 8 : 4;
    if ((flags & (FIN | ACK)) == (FIN | ACK)) c |= 16;
    if (flags & RST) c |= 32;
  }
  t.completeness = c;
}

// tcp.analysis.initial_rtt: from the most recent pure SYN to the first pure ACK after it. A zero
// delta leaves it unset, as in Wireshark.
function initialRtt(t: TcpFlow, flags: u32, now: i64): void {
  if ((flags & (SYN | ACK)) == SYN) t.lastSynTime = now;
  else if ((flags & (SYN | ACK)) == ACK && t.lastSynTime != 0 && t.firstRtt == 0) {
    t.firstRtt = now - t.lastSynTime;
  }
}

function handshake(t: TcpFlow, fwd: TcpSide, d: u32, flags: u32, seq: u32, seglen: u32, now: i64, frame: u32): void {
  if (flags & SYN) {
    if (!(fwd.options & OPT_SYN_SEEN)) {
      fwd.isn = seq;
      fwd.options |= OPT_SYN_SEEN;
      if (pkt.optMss >= 0) { fwd.options |= OPT_MSS; fwd.mss = <u16>pkt.optMss; }
      if (pkt.optWscale >= 0) { fwd.options |= OPT_WSCALE; fwd.wscale = <u8>pkt.optWscale; }
      if (pkt.optSackPerm) fwd.options |= OPT_SACK_PERM;
      if (pkt.optTs) fwd.options |= OPT_TIMESTAMPS;
      if (pkt.optTfo) fwd.options |= OPT_FAST_OPEN;
    }
    if (seglen > 0) t.flags |= TF_SYN_DATA;
    if (flags & ACK) {
      if (t.synAckCount++ == 0) { t.synAckFrame = frame; t.synAckTime = now; }
    } else {
      if (t.synCount++ == 0) { t.synFrame = frame; t.synTime = now; }
    }
  } else if ((flags & ACK) && t.synAckFrame != 0 && t.ackFrame == 0 && t.synFrame != 0) {
    // the client's ACK of the SYN+ACK completes the handshake
    t.ackFrame = frame; t.ackTime = now;
  }
}
