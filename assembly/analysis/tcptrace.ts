import { TcpSide } from "./tcp-flow";
import { NONE } from "../flow/flow";
import * as pkt from "../packet";
import { format, Format } from "../capture/input";
import { libpcapSnapshot } from "../capture/pcap";

// tcptrace 6.6.7's per-direction statistics (`tcptrace -l`), step for step as trace.c dotrace() and
// rexmit.c count them, so that each number means what tcptrace prints. `me` is tcptrace's thisdir
// (the packet's sender), `other` its otherdir. Where tcptrace's C types matter they are kept: its
// sequence comparisons here are plain unsigned ones (not modulo 2^32), SYN/FIN/RST counts are u8,
// a segment's retransmission count is a u8, and times are the microseconds libpcap hands it (RTTs
// are kept as u32 of them: up to 71 minutes). It sees a packet as libpcap and its own decoder do:
// the payload length from the IP header alone, the record cut at the file's snaplen. Its connections
// are the flow's packets: where tcptrace would split them (a SYN after FINs, 4 idle minutes), the
// flow goes on as Wireshark's stream does.
//
// Segments are remembered as tcptrace remembers them: until acked and merged with their neighbours,
// or until the sequence space moves two quadrants on. Data that is never acknowledged (a one-sided
// capture) keeps one 32-byte record per segment, as it does in tcptrace.

// @ts-ignore: decorator
@inline const FIN: u32 = 1;
// @ts-ignore: decorator
@inline const SYN: u32 = 2;
// @ts-ignore: decorator
@inline const RST: u32 = 4;
// @ts-ignore: decorator
@inline const ACK: u32 = 16;

// TcpSide.ttFlags; the window scale this side asked for sits in bits 16-23.
// @ts-ignore: decorator
@inline const TT_WS: u32 = 1;          // f1323_ws: this side sent the window scale option
// @ts-ignore: decorator
@inline const TT_SCALED: u32 = 2;      // window_stats_updated_for_scaling (src/core/layout.ts TcptraceFlag)
// @ts-ignore: decorator
@inline const TT_Q1: u32 = 4;          // quad1..quad4 visited, for the wrap count: bits 2-5
// @ts-ignore: decorator
@inline const TT_QALL: u32 = 0x3C;
// @ts-ignore: decorator
@inline const TT_CENTERED: u32 = 0x40; // a quadrant has both neighbours linked: the one in bits 8-9
// @ts-ignore: decorator
@inline const TT_CENTER_SHIFT: u32 = 8;
// @ts-ignore: decorator
@inline const TT_WS_SHIFT: u32 = 16;

// Segments tcptrace remembers (rexmit.c `segment`), from a pool with a free list, 32 bytes each:
//  0 first byte u32 | 4 last byte u32 | 8 time i64 (µs) | 16 retransmissions u32 (a u8 in tcptrace) |
// 20 times acked u32 | 24 next u32 | 28 prev u32
// Each quadrant of the sequence space keeps a list sorted by sequence number; the head's prev is
// the tail, so one index per quadrant finds both ends.
// @ts-ignore: decorator
@inline const SEG_SIZE: u32 = 32;
let pool: usize = 0;
let poolCap: u32 = 0;
let poolUsed: u32 = 0;
let poolFree: u32 = NONE;

export function resetTcptrace(): void {
  if (pool == 0) {
    poolCap = 4096;
    pool = heap.alloc(<usize>poolCap * SEG_SIZE);
  }
  poolUsed = 0; poolFree = NONE;
}

// A new direction: no segment lists yet.
export function beginTcptrace(s: TcpSide): void {
  s.quad0 = NONE; s.quad1 = NONE; s.quad2 = NONE; s.quad3 = NONE;
}

// @ts-ignore: decorator
@inline function seg(i: u32): usize { return pool + <usize>i * SEG_SIZE; }
// @ts-ignore: decorator
@inline function firstOf(i: u32): u32 { return load<u32>(seg(i)); }
// @ts-ignore: decorator
@inline function lastOf(i: u32): u32 { return load<u32>(seg(i), 4); }
// @ts-ignore: decorator
@inline function timeOf(i: u32): i64 { return load<i64>(seg(i), 8); }
// @ts-ignore: decorator
@inline function retransOf(i: u32): u32 { return load<u32>(seg(i), 16); }
// @ts-ignore: decorator
@inline function ackedOf(i: u32): u32 { return load<u32>(seg(i), 20); }
// @ts-ignore: decorator
@inline function nextOf(i: u32): u32 { return load<u32>(seg(i), 24); }
// @ts-ignore: decorator
@inline function prevOf(i: u32): u32 { return load<u32>(seg(i), 28); }
// @ts-ignore: decorator
@inline function setLast(i: u32, v: u32): void { store<u32>(seg(i), v, 4); }
// @ts-ignore: decorator
@inline function setTime(i: u32, v: i64): void { store<i64>(seg(i), v, 8); }
// @ts-ignore: decorator
@inline function setAcked(i: u32, v: u32): void { store<u32>(seg(i), v, 20); }
// @ts-ignore: decorator
@inline function setNext(i: u32, v: u32): void { store<u32>(seg(i), v, 24); }
// @ts-ignore: decorator
@inline function setPrev(i: u32, v: u32): void { store<u32>(seg(i), v, 28); }

// @ts-ignore: decorator
@inline function headAt(s: TcpSide, q: u32): usize {
  return changetype<usize>(s) + offsetof<TcpSide>("quad0") + (<usize>q << 2);
}

function newSeg(first: u32, len: u32, now: i64): u32 {
  let i: u32;
  if (poolFree != NONE) {
    i = poolFree;
    poolFree = nextOf(i);
  } else {
    if (poolUsed == poolCap) {
      poolCap = poolCap * 2 < POOL_LIMIT ? poolCap * 2 : POOL_LIMIT;
      pool = heap.realloc(pool, <usize>poolCap * SEG_SIZE);
    }
    i = poolUsed++;
  }
  let p = seg(i);
  store<u32>(p, first);
  store<u32>(p, first + len - 1, 4);
  store<i64>(p, now, 8);
  store<u64>(p, 0, 16); // not retransmitted, not acked
  return i;
}

// @ts-ignore: decorator
@inline function release(i: u32): void {
  setNext(i, poolFree);
  poolFree = i;
}

// insert_seg_between(quadrant, n, p->prev, p)
function insertBefore(s: TcpSide, q: u32, n: u32, p: u32): void {
  let h = headAt(s, q);
  let before = prevOf(p);
  setNext(n, p);
  setPrev(n, before);
  setPrev(p, n);
  if (load<u32>(h) == p) store<u32>(h, n); // before is the tail: the new head points back at it
  else setNext(before, n);
}

// insert_seg_between(quadrant, n, tail, NULL)
function append(s: TcpSide, q: u32, n: u32): void {
  let h = headAt(s, q);
  let head = load<u32>(h);
  setNext(n, NONE);
  if (head == NONE) {
    setPrev(n, n);
    store<u32>(h, n);
  } else {
    let tail = prevOf(head);
    setNext(tail, n);
    setPrev(n, tail);
    setPrev(head, n);
  }
}

function freeQuad(s: TcpSide, q: u32): void {
  let h = headAt(s, q);
  let i = load<u32>(h);
  while (i != NONE) {
    let next = nextOf(i);
    release(i);
    i = next;
  }
  store<u32>(h, NONE);
}

// whichquad(): the quadrant of `seq`. tcptrace links a quadrant to both neighbours when it is first
// asked for it and frees the opposite one then, so only that quadrant is linked both ways.
function quadrant(s: TcpSide, seq: u32): u32 {
  let q = seq >>> 30;
  let f = s.ttFlags;
  if ((f & TT_CENTERED) && ((f >>> TT_CENTER_SHIFT) & 3) == q) return q;
  freeQuad(s, (q + 2) & 3);
  s.ttFlags = (f & ~(3 << TT_CENTER_SHIFT)) | TT_CENTERED | (q << TT_CENTER_SHIFT);
  return q;
}

// Second result of rexmit(): the segment came out of order.
let outOfOrder = false;

// addseg(): adds the segment to the quadrant's list; returns how many of its bytes were there
// already (retransmitted).
// The runtime refuses one allocation over 1 GiB: the pool stops at 16 Mi segments, and past that a
// segment is not remembered (addseg may take two, so two must be at hand).
// @ts-ignore: decorator
@inline const POOL_LIMIT: u32 = 16 << 20;

function addseg(s: TcpSide, q: u32, first: u32, len: u32, now: i64): i32 {
  if (poolUsed + 2 > POOL_LIMIT && (poolFree == NONE || nextOf(poolFree) == NONE)) return 0;
  let last = first + len - 1;
  let rexlen: i32 = 0;
  let split = false;
  let p = load<u32>(headAt(s, q));
  if (p != NONE && first > lastOf(prevOf(p))) p = NONE; // the expected case: it goes at the end
  while (p != NONE) {
    if (first > lastOf(p)) { p = nextOf(p); continue; }
    if (first < firstOf(p)) {
      // starts before this one: out of order if it also ends before its end
      if (last < lastOf(p)) outOfOrder = true;
      let n = newSeg(first, len, now);
      insertBefore(s, q, n, p);
      if (last < firstOf(p)) return rexlen;
      // overlaps it: the new piece ends where it begins, the rest goes on as a retransmission
      setLast(n, firstOf(p) - 1);
      first = firstOf(p);
      len = last - first + 1;
    }
    if (first >= firstOf(p)) {
      store<u32>(seg(p), (retransOf(p) + 1) & 0xFF, 16);
      if (!split) setTime(p, now); // rtt_retrans(): the RTT now runs from this copy
      if (last <= lastOf(p)) return rexlen + <i32>len;
      split = true;
      rexlen += <i32>(lastOf(p) - first + 1);
      first = lastOf(p) + 1;
      len = last - first + 1;
    }
    p = nextOf(p);
  }
  append(s, q, newSeg(first, len, now));
  return rexlen;
}

// rexmit(): `len` counts the SYN and FIN. A segment across a quadrant boundary goes in two pieces.
function rexmit(s: TcpSide, seq: u32, len: u32, now: i64): i32 {
  outOfOrder = false;
  let last = seq + len - 1;
  let q = quadrant(s, seq);
  if ((seq >>> 30) == (last >>> 30)) return addseg(s, q, seq, len, now);
  let len1 = (((seq >>> 30) + 1) << 30) - seq;
  let r = addseg(s, q, seq, len1, now);
  return r + addseg(s, (q + 1) & 3, (last >>> 30) << 30, len - len1, now);
}

// elapsed(): 0 when time went backwards
// @ts-ignore: decorator
@inline function elapsed(from: i64, to: i64): i64 { return to < from ? 0 : to - from; }

function rttSample(s: TcpSide, p: u32, intervening: bool, now: i64): void {
  let etime = elapsed(timeOf(p), now);
  if (intervening) {
    s.rttLast = 0; // an earlier segment was sent later: no sample
  } else if (retransOf(p) == 0) {
    let e = <u32>etime;
    s.rttLast = e;
    if (s.rttMin == 0 || s.rttMin > e) s.rttMin = e;
    if (s.rttMax < e) s.rttMax = e;
    let f = <f64>etime;
    s.rttSum += f;
    s.rttSum2 += f * f;
    s.rttCount++;
  } else {
    s.rttLast = 0; // ambiguous (Karn)
  }
}

// collapse_quad(): neighbours both acked and touching become one segment.
function collapse(s: TcpSide, q: u32): void {
  let head = load<u32>(headAt(s, q));
  let p = head;
  while (p != NONE) {
    let n = nextOf(p);
    if (n == NONE || ackedOf(p) == 0) break;
    if (ackedOf(n) != 0 && lastOf(p) + 1 == firstOf(n)) {
      setLast(p, lastOf(n));
      setAcked(p, ackedOf(n));
      if (timeOf(n) > timeOf(p)) setTime(p, timeOf(n));
      let nn = nextOf(n);
      setNext(p, nn);
      if (nn != NONE) setPrev(nn, p); else setPrev(head, p);
      release(n);
    } else {
      p = n;
    }
  }
}

// ack_in() with tcptrace's default BSD duplicate ACKs: `data` sent the segments, `acker` sends the
// ACK; `len` and `win` are the ACK's payload length and scaled window.
function ackIn(data: TcpSide, acker: TcpSide, ack: u32, len: i32, win: u32, now: i64): void {
  let q = quadrant(data, ack);
  let pq = (q + 3) & 3;
  let lastXmit: i64 = 0;
  // everything in the quadrant before is acked
  let changed = false;
  for (let p = load<u32>(headAt(data, pq)); p != NONE; p = nextOf(p)) {
    if (ackedOf(p) == 0) {
      setAcked(p, 1);
      changed = true;
      if (timeOf(p) > lastXmit) lastXmit = timeOf(p);
    }
  }
  if (changed) collapse(data, pq);
  changed = false;
  for (let p = load<u32>(headAt(data, q)); p != NONE; p = nextOf(p)) {
    if (ack <= firstOf(p)) break;
    if (timeOf(p) > lastXmit) lastXmit = timeOf(p);
    if (ackedOf(p) != 0) {
      // a duplicate: the highest ACK again, no data, the same window, and data outstanding
      if (ack == lastOf(p) + 1 && ack == acker.ttAck && len == 0 && win == acker.winLast && data.owinTot > 0) {
        data.dupAcks++;
        let n = ackedOf(p) + 1;
        setAcked(p, n);
        if (n == 4) data.tripleDupAcks++;
      } else {
        setAcked(p, 1);
      }
      continue;
    }
    setAcked(p, 1);
    changed = true;
    // an ACK of exactly this segment times it, unless an earlier one was sent after it
    if (ack == lastOf(p) + 1) rttSample(data, p, lastXmit > timeOf(p), now);
  }
  if (changed) collapse(data, q);
}

// @ts-ignore: decorator
@inline function bump(counts: u32, shift: u32): u32 {
  return (counts & ~(0xFF << shift)) | ((((counts >>> shift) + 1) & 0xFF) << shift);
}

// One TCP packet sent by `me` (dotrace()).
export function tcptrace(me: TcpSide, other: TcpSide): void {
  let flags = pkt.tcpFlags, seq = pkt.seq, ack = pkt.ack;
  // tcptrace trusts the IP header's length over the frame's: a sliced capture keeps its payload
  // length, and IPv6 extension headers count as payload
  let len = pkt.ipClaim - <i32>pkt.tcpHeaderLen;
  let now = pkt.time / 1000; // tcptrace's timeval: microseconds
  let syn = (flags & SYN) != 0, fin = (flags & FIN) != 0, rst = (flags & RST) != 0, acks = (flags & ACK) != 0;

  let counts = me.counts;
  if (syn) counts = bump(counts, 0);
  if (rst) counts = bump(counts, 16);
  if (fin) counts = bump(counts, 8);
  me.counts = counts;

  // the advertised window, scaled once both SYNs asked for scaling (never on a SYN, RFC 1323)
  let win: u32 = 0;
  if (acks || syn) {
    win = pkt.window;
    if ((me.ttFlags & TT_WS) && (other.ttFlags & TT_WS) && !syn) {
      win = <u32>(<u64>win << <u64>((me.ttFlags >>> TT_WS_SHIFT) & 0xFF));
    }
  }

  // sequence space wrap-around: every quadrant visited, and back in the SYN's past its number
  let end = <u64>seq + <u64><i64>len; // tcptrace's u_long: a negative length wraps it
  let f = me.ttFlags;
  if ((f & TT_QALL) == TT_QALL && end >> 30 == <u64>(me.ttSyn >>> 30) && end >= <u64>me.ttSyn) {
    me.wraps++;
    f &= ~TT_QALL;
  }
  f |= TT_Q1 << (seq >>> 30);
  if (end < 0x100000000) f |= TT_Q1 << <u32>(end >> 30);

  if (syn) { me.ttSyn = seq; other.ttAck = seq; }
  if (fin) me.ttFin = seq + <u32>len;

  if (pkt.optWscale >= 0) f = (f & ~(0xFF << TT_WS_SHIFT)) | TT_WS | (<u32>pkt.optWscale << TT_WS_SHIFT);
  me.ttFlags = f;
  // unless both sides asked for it, neither scales
  if (!syn && (!(f & TT_WS) || !(other.ttFlags & TT_WS))) {
    me.ttFlags = f & ~(0xFF << TT_WS_SHIFT);
    other.ttFlags &= ~(0xFF << TT_WS_SHIFT);
  }

  if (len > 0) {
    me.dataPackets++;
    me.dataBytes += <u64>len;
    // what the capture holds from the payload's start to the frame's end, as libpcap hands it over
    let cap = pkt.capLen;
    if (format == Format.pcap && cap > libpcapSnapshot()) cap = libpcapSnapshot();
    let held = <i64>(pkt.data + <usize>cap) - <i64>pkt.payload;
    if (<i64>len > held) { me.truncBytes += <u64>(<i64>len - held); me.truncPackets++; }
  }
  // "total packets" is the flow record's count (pktsA, pktsB): every packet of the flow comes here
  if (me.ttFlags & TT_SCALED) me.winScaled++;
  me.latestSeq = <u32>end;

  // retransmissions, out of order and unique bytes; nothing is sent into a zero window but probes
  let rexmitted: i32 = 0;
  let ooo = false;
  if (syn || fin || len > 0) {
    let n = len + (syn ? 1 : 0) + (fin ? 1 : 0);
    let counted: i32 = 0;
    // (the other side has sent a packet when a quadrant bit is set: each packet sets its own)
    let probe = other.winLast == 0 && (other.ttFlags & TT_QALL) != 0 && !syn;
    if (probe) {
      me.probePackets++;
      me.probeBytes += <u32>len;
    } else {
      counted = rexmitted = rexmit(me, seq, <u32>n, now);
      ooo = outOfOrder;
    }
    if (ooo) me.oooPackets++;
    if (syn) { n--; if ((counts & 0xFF) > 1) counted--; }
    if (fin) { n--; if (((counts >>> 8) & 0xFF) > 1) counted--; }
    if (!probe && counted < n) me.uniqueBytes += <u64>(n - counted);
  }

  if (acks) {
    ackIn(other, me, ack, len, win, now);
    if (ack == other.ttSyn + 1 && (other.counts & 0xFF) == 1) other.rtt3whs = other.rttLast;
  }
  let retrans = rexmitted > 0;
  if (retrans) {
    me.rexmitPackets++;
    me.rexmitBytes += <u64>rexmitted;
  }

  if (rst) {
    if (acks) me.ackPackets++;
    return;
  }

  // windows, the SYN's included; once scaling is in effect the SYN's unscaled one is forgotten
  me.winLast = win;
  if (acks || syn) {
    if (win > me.winMax) me.winMax = win;
    if (win > 0 && (me.ttFlags & TT_WS) && (other.ttFlags & TT_WS) && !syn && !(me.ttFlags & TT_SCALED)) {
      me.ttFlags |= TT_SCALED;
      me.winMin = win; me.winMax = win;
      me.winTot = 0;
      me.winScaled = 1;
    } else if (win > 0 && (me.winMin == 0 || win < me.winMin)) {
      me.winMin = win;
    }
    me.winTot += <u64>win;
  }

  if (acks) {
    if (win == 0) me.zeroWindows++;
    me.ackPackets++;
    if (len == 0 && !syn && !fin) me.pureAcks++;
    if (pkt.sackCount > 0) sacks(me, ack);
    me.ttAck = ack;
  }

  // the outstanding-data estimate (only its sum is needed: it gates duplicate ACKs)
  if (!syn && !ooo && !retrans) {
    me.owinTot += other.ttAck == 0 ? <u64>len : end - <u64>(other.ttAck - 1);
  }
}

// SACK blocks of an ACK; a D-SACK (RFC 2883) is a first block under the cumulative ACK, inside the
// second block, or overlapping it.
function sacks(me: TcpSide, ack: u32): void {
  let n = pkt.sackCount;
  me.sackPackets++;
  if (n > (me.counts >>> 24)) me.counts = (me.counts & 0xFFFFFF) | (n << 24);
  let l0 = load<u32>(pkt.sackBuf), r0 = load<u32>(pkt.sackBuf, 4);
  let dsack = r0 <= ack;
  if (!dsack && n > 1) {
    let l1 = load<u32>(pkt.sackBuf, 8), r1 = load<u32>(pkt.sackBuf, 12);
    dsack = (r0 <= r1 && l0 >= l1) || (l0 <= l1 && r0 > l1) || (r0 >= r1 && l0 < r1);
  }
  if (dsack) me.dsackPackets++;
}
