import * as pkt from "../packet";
import { Pool } from "../util/pool";

// Zeek's view of a TCP connection, for its conn.log: endpoint states (conn_state), the history
// letters, the sequence numbers that give orig_bytes and resp_bytes, and a small model of Zeek's
// reassembler for content gaps (missed_bytes, G). It follows Zeek's TCPSessionAdapter::Process
// step for step (src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc), its TCP_Endpoint and
// TCP_Reassembler (src/analyzer/protocol/tcp/), as `zeek -C` runs it: checksums are not verified.
// Checked against the conn.log baselines of zeek/zeek@a13de64 (test/analysis/zeek.test.ts).
// Zeek also ends connections on timers and on SYNs after a close, where a Wireshark flow goes on:
// the connections a flow held before its last one are kept as summaries (up to SLOT_COUNT), in a
// pool shared by the flows that have any.
// Kept in the last ZEEK_SIZE bytes of each flow's TCP record; the host reads it in src/core/zeek.ts
// and derives conn_state there.
//
// Endpoints stay where they are (A: the sender of the flow's first packet, B: the other); which of
// them Zeek calls the originator is a flag, flipped as Zeek flips its roles.

// ZeekSide, one endpoint, 72 bytes (A at 0, B at 72). Relative sequence numbers count from the
// endpoint's start_seq, as Zeek's do.
//
//   0 finSeq u64      just past its FIN (FIN_seq)      8 delivered u64  reassembler: all below is
//  16 trim u64        acked by the peer (trim_seq)                      delivered or given up as a gap
//  24 startSeq u32 28 lastSeq u32  32 ackSeq u32   36 seqWraps u32  40 ackWraps u32
//  44 histSyn u32  48 histFin u32  52 histRst u32  (low 32 bits of the relative seq of the last S/F/R)
//  56 rexmits u32  60 zeroWindows u32               (counts behind T and W)
//  64 extra u32 (its ZeekExtra in the extras pool + 1; 0: none yet, every field of it 0)
//  68 state u8     69 prevState u8  70 bits u8 (SIDE_*)             71 pad u8
@unmanaged
class ZeekSide {
  finSeq: u64;
  delivered: u64;
  trim: u64;
  startSeq: u32;
  lastSeq: u32;
  ackSeq: u32;
  seqWraps: u32;
  ackWraps: u32;
  histSyn: u32;
  histFin: u32;
  histRst: u32;
  rexmits: u32;
  zeroWindows: u32;
  extra: u32;
  state: u8;
  prevState: u8;
  bits: u8;
  pad: u8;

  // What only a side with data above a hole, or with gaps, needs: kept in its ZeekExtra, made on
  // the first non-zero write.
  get pend0Lo(): u64 { return this.extra ? load<u64>(extraAt(this)) : 0; }
  set pend0Lo(v: u64) { if (v | this.extra) store<u64>(extraOf(this), v); }
  get pend0Hi(): u64 { return this.extra ? load<u64>(extraAt(this), 8) : 0; }
  set pend0Hi(v: u64) { if (v | this.extra) store<u64>(extraOf(this), v, 8); }
  get pend1Lo(): u64 { return this.extra ? load<u64>(extraAt(this), 16) : 0; }
  set pend1Lo(v: u64) { if (v | this.extra) store<u64>(extraOf(this), v, 16); }
  get pend1Hi(): u64 { return this.extra ? load<u64>(extraAt(this), 24) : 0; }
  set pend1Hi(v: u64) { if (v | this.extra) store<u64>(extraOf(this), v, 24); }
  get gaps(): u32 { return this.extra ? load<u32>(extraAt(this), 32) : 0; }
  set gaps(v: u32) { if (v | this.extra) store<u32>(extraOf(this), v, 32); }
}

// ZeekExtra, 40 bytes in the extras pool:
//   0 pend0Lo u64   8 pend0Hi u64   16 pend1Lo u64   24 pend1Hi u64   data above a hole, lowest first
//  32 gaps u32 (count behind G)     36 pad
// @ts-ignore: decorator
@inline const EXTRA_SIZE: usize = 40;

// An ended connection as conn.log shows it, 64 bytes with its history, SLOT_COUNT of them in a
// flow's block of the ended-connection pool:
//
//   0 first i64 (ns)   8 last i64 (Zeek's last_time)   16 missed u64 (missed_bytes)
//  24 sizeA u64        32 sizeB u64 (TCP_Endpoint::Size of sides A and B)
//  40 stateA u8        41 stateB u8   42 roles u8 (1: the originator is B)   43 historyLen u8
//  44 history, ASCII, DONE_HISTORY bytes
@unmanaged
class ZeekSummary {
  first: i64;
  last: i64;
  missed: u64;
  sizeA: u64;
  sizeB: u64;
  stateA: u8;
  stateB: u8;
  roles: u8;
  historyLen: u8;
}

// The live connection (at 144), 48 bytes with its history; the host derives its sizes, states and
// roles from the sides and ZeekLive, as retire() does for a slot:
//
//   0 first i64   8 last i64   16 missed u64   24 historyLen u8   25 history, ASCII, LIVE_HISTORY bytes
@unmanaged
class ZeekConn {
  first: i64;
  last: i64;
  missed: u64;
  historyLen: u8;
}

// The live connection's working state, after its history (at 192), 32 bytes:
//
//   0 attemptAt i64 (connection attempt timer; 0: none)   8 deleteAt i64 (delete timer; 0: none)
//  16 histSeen u32 (Zeek's hist_seen: orig masks low, resp masks << 16)
//  20 bits u32 (CONN_*, and the count of ended connections kept << KEPT_SHIFT)
//  24 done u32 (the flow's block in the ended-connection pool + 1; 0: none yet)
//  28 dropped u32 (ended connections that found no slot)
@unmanaged
class ZeekLive {
  attemptAt: i64;
  deleteAt: i64;
  histSeen: u32;
  bits: u32;
  done: u32;
  dropped: u32;
}

// Layout: side A, side B, the live connection (48 with its history), ZeekLive (32).
// @ts-ignore: decorator
@inline const SIDE_SIZE: usize = offsetof<ZeekSide>();
// @ts-ignore: decorator
@inline const CONN: usize = 2 * SIDE_SIZE;
// @ts-ignore: decorator
@inline const HISTORY_AT: usize = offsetof<ZeekConn>();
// Zeek's histories are short: a handful of letters each way, S/H/F/R again only at a new seq, and
// C/G/T/W on a log10 scale (the longest of Zeek's baselines has 12, of the test captures 14).
// Longer ones are cut here; an ended connection keeps fewer.
// @ts-ignore: decorator
@inline const LIVE_HISTORY: u32 = 23;
// @ts-ignore: decorator
@inline const LIVE: usize = CONN + HISTORY_AT + <usize>LIVE_HISTORY;
// @ts-ignore: decorator
@inline const SLOT_HISTORY_AT: usize = offsetof<ZeekSummary>();
// @ts-ignore: decorator
@inline const DONE_HISTORY: u32 = 20;
// @ts-ignore: decorator
@inline const SLOT_SIZE: usize = SLOT_HISTORY_AT + <usize>DONE_HISTORY;
// @ts-ignore: decorator
@inline const SLOT_COUNT: u32 = 2;
// @ts-ignore: decorator
@inline const DONE_SIZE: usize = <usize>SLOT_COUNT * SLOT_SIZE;
// @ts-ignore: decorator
@inline const KEPT_SHIFT: u32 = 8;

// 224 bytes; src/core/layout.ts ZEEK_SIZE mirrors it.
// @ts-ignore: decorator
@inline export const ZEEK_SIZE: u32 = <u32>(LIVE + offsetof<ZeekLive>());

// The pools: ended connections (DONE_SIZE per flow with any) and extras (EXTRA_SIZE per side with
// any). A flow takes at most one block and each side one extra, so that they stay far under the
// runtime's 1 GiB per allocation at the TCP table's limit; nothing is freed until the next capture.
const done = new Pool(DONE_SIZE);
const extras = new Pool(EXTRA_SIZE);

export function resetZeek(): void { done.reset(); extras.reset(); }

// The ended-connection pool, for the host (src/core/zeek.ts): it moves as it grows.
export function zeekDone(): usize { return done.base; }

// @ts-ignore: decorator
@inline function extraAt(e: ZeekSide): usize { return extras.at(e.extra); }

// The side's ZeekExtra, made zeroed when it has none.
function extraOf(e: ZeekSide): usize {
  if (e.extra == 0) e.extra = extras.take();
  return extraAt(e);
}

// Endpoint states, TCP_Endpoint.h EndpointState
// @ts-ignore: decorator
@inline const INACTIVE: u8 = 0;
// @ts-ignore: decorator
@inline const SYN_SENT: u8 = 1;
// @ts-ignore: decorator
@inline const SYN_ACK_SENT: u8 = 2;
// @ts-ignore: decorator
@inline const PARTIAL: u8 = 3;
// @ts-ignore: decorator
@inline const ESTABLISHED: u8 = 4;
// @ts-ignore: decorator
@inline const CLOSED: u8 = 5;
// @ts-ignore: decorator
@inline const RESET: u8 = 6;

// ZeekSide.bits
// @ts-ignore: decorator
@inline const SIDE_FIN: u8 = 1;          // FIN_cnt > 0
// @ts-ignore: decorator
@inline const SIDE_CLOSED: u8 = 2;       // did_close
// @ts-ignore: decorator
@inline const SIDE_CLOSING: u8 = 4;      // a close waits for data still pending in the reassembler
// @ts-ignore: decorator
@inline const SIDE_SKIP: u8 = 8;         // the reassembler gave up (skip_deliveries)

// ZeekLive.bits
// @ts-ignore: decorator
@inline const CONN_STARTED: u32 = 1;
// @ts-ignore: decorator
@inline const CONN_ORIG_IS_B: u32 = 2;   // Zeek's originator is endpoint B
// @ts-ignore: decorator
@inline const CONN_PARTIAL: u32 = 4;     // is_partial
// @ts-ignore: decorator
@inline const SEEN_ORIG: u32 = 8;        // first_packet_seen, by role
// @ts-ignore: decorator
@inline const SEEN_RESP: u32 = 16;
// @ts-ignore: decorator
@inline const LONG_IDLE: u32 = 32;       // past the handshake: tcp_inactivity_timeout applies

// TCP flags
// @ts-ignore: decorator
@inline const FIN: u32 = 1;
// @ts-ignore: decorator
@inline const SYN: u32 = 2;
// @ts-ignore: decorator
@inline const RST: u32 = 4;
// @ts-ignore: decorator
@inline const ACK: u32 = 16;

// History masks (TCP_Endpoint::HistoryMasks); a responder's are shifted left by 16.
// @ts-ignore: decorator
@inline const HIST_SYN: u32 = 0x1;
// @ts-ignore: decorator
@inline const HIST_FIN: u32 = 0x2;
// @ts-ignore: decorator
@inline const HIST_RST: u32 = 0x4;
// @ts-ignore: decorator
@inline const HIST_FIN_RST: u32 = 0x8;
// @ts-ignore: decorator
@inline const HIST_DATA: u32 = 0x10;
// @ts-ignore: decorator
@inline const HIST_ACK: u32 = 0x20;
// @ts-ignore: decorator
@inline const HIST_MULTI_FLAG: u32 = 0x40;

// Zeek's TOO_LARGE_SEQ_DELTA: SYN and RST sequence jumps beyond it are not trusted.
// @ts-ignore: decorator
@inline const TOO_LARGE_SEQ_DELTA: i32 = 1048576;
// tcp_max_initial_window and tcp_max_above_hole_without_any_acks (init-bare.zeek, 16 KiB each):
// unacked data beyond these is trimmed or given up.
// @ts-ignore: decorator
@inline const MAX_INITIAL_WINDOW: u64 = 16384;
// @ts-ignore: decorator
@inline const MAX_ABOVE_HOLE: u64 = 16384;
// tcp_excessive_data_without_further_acks (10 MB): buffered data beyond it makes the reassembler give up.
// @ts-ignore: decorator
@inline const MAX_UNACKED_DATA: u64 = 10 * 1024 * 1024;
// Zeek's timers (init-bare.zeek), in ns: tcp_attempt_delay and tcp_close_delay 5 s; a TCP
// connection idles out after udp_inactivity_timeout (1 min) until it leaves the handshake, then
// after tcp_inactivity_timeout (5 min).
// @ts-ignore: decorator
@inline const ATTEMPT_DELAY: i64 = 5_000_000_000;
// @ts-ignore: decorator
@inline const CLOSE_DELAY: i64 = 5_000_000_000;
// @ts-ignore: decorator
@inline const HANDSHAKE_IDLE: i64 = 60_000_000_000;
// @ts-ignore: decorator
@inline const IDLE: i64 = 300_000_000_000;

// @ts-ignore: decorator
@inline function side(z: usize, d: u32): ZeekSide { return changetype<ZeekSide>(z + <usize>d * SIDE_SIZE); }
// @ts-ignore: decorator
@inline function conn(z: usize): ZeekConn { return changetype<ZeekConn>(z + CONN); }
// @ts-ignore: decorator
@inline function live(z: usize): ZeekLive { return changetype<ZeekLive>(z + LIVE); }
// @ts-ignore: decorator
@inline function bits(z: usize): u32 { return live(z).bits; }
// @ts-ignore: decorator
@inline function setBits(z: usize, b: u32): void { live(z).bits = b; }
// @ts-ignore: decorator
@inline function origSide(z: usize): u32 { return (bits(z) & CONN_ORIG_IS_B) ? 1 : 0; }
// @ts-ignore: decorator
@inline function seqDelta(a: u32, b: u32): i32 { return <i32>(a - b); }

// A new flow; `z` points at its zeroed ZEEK_SIZE bytes. Its first packet starts a connection.
export function zeekBegin(z: usize): void {}

let seqUnderflow = false;

// One packet of the flow (packet.ts holds it), sent by endpoint A when `fromA`.
export function zeekPacket(z: usize, fromA: bool): void {
  let flags = pkt.tcpFlags;
  let seq = pkt.seq, ack = pkt.ack;
  let len = <i32>pkt.payloadLen;
  let now = pkt.time;
  let d: u32 = fromA ? 0 : 1;
  if ((bits(z) & CONN_STARTED) && (expired(z, now) || reuse(z, flags, seq))) retire(z);
  if (!(bits(z) & CONN_STARTED)) start(z, d, flags);
  if (!(flags & (SYN | RST)) && ((flags & ACK) || len > 0)) synAckFirst(z);
  let ep = side(z, d), peer = side(z, d ^ 1);
  let isOrig = d == origSide(z);

  partialStatus(z, flags, isOrig);
  let segLen = len + ((flags & SYN) ? 1 : 0) + ((flags & FIN) ? 1 : 0) - ((flags & RST) ? len : 0);
  let onePast = seq + <u32>segLen;
  initEndpoint(ep, flags, seq, onePast);

  seqUnderflow = false;
  let relSeq = relative(ep, seq, ep.lastSeq, ep.seqWraps);
  let underflow = seqUnderflow;

  history(z, ep, d, flags, relSeq, len);
  // update_window: a zero window counts unless it comes with or after a RST, or after the peer's FIN
  if (pkt.window == 0 && !(flags & RST) && peer.state != CLOSED && ep.state != RESET) {
    ep.zeroWindows++;
    if (power10(ep.zeroWindows)) addHistory(z, d, 0x57); // W
  }
  if (!((ep.bits & SIDE_CLOSED) && (peer.bits & SIDE_CLOSED))) conn(z).last = now;

  if (flags & FIN) {
    ep.bits |= SIDE_FIN;
    ep.finSeq = relSeq + <u64><i64>segLen;
  }
  let relAck: u64 = 0;
  if (flags & ACK) {
    if (peer.state == INACTIVE) {
      relAck = 1;
      // init_peer: number the peer's bytes as though its SYN had been seen
      peer.startSeq = ack - 1; peer.ackSeq = ack - 1; peer.lastSeq = ack - 1;
    } else {
      seqUnderflow = false;
      relAck = relative(peer, ack, peer.ackSeq, peer.ackWraps);
      if (seqUnderflow) relAck = 0;
      else if (!(flags & RST)) updateAckSeq(peer, ack);
    }
  }
  updateLastSeq(z, ep, d, onePast, flags, len);
  let doClose = stateMachine(z, ep, peer, isOrig, seq, len, flags);
  if (flags & ACK) ackReceived(z, peer, d ^ 1, relAck);
  // CheckPIA_FirstPacket, with the role the packet had when it arrived
  setBits(z, bits(z) | (isOrig ? SEEN_ORIG : SEEN_RESP));
  let dataSeq = (flags & SYN) ? relSeq + 1 : relSeq;
  // TCP_Endpoint::DataSent hands the reassembler only payload captured whole
  if (len > 0 && !(flags & RST) && !underflow && pkt.capLen >= pkt.wireLen) dataSent(ep, peer, dataSeq, <u64>len);
  if (doClose) close(z, ep, d);
  settleClose(z, 0);
  settleClose(z, 1);
  settled(z);
}

// The first packet, sent by side `d`: Zeek's IPBasedAnalyzer::NewConn and TCPAnalyzer::WantConnection.
// Its sender is the originator, unless the connection starts without a pure SYN and the sender's
// port is a likely server port (when both are, only a non-SYN packet towards the higher port flips).
function start(z: usize, d: u32, flags: u32): void {
  conn(z).first = pkt.time;
  setBits(z, bits(z) | CONN_STARTED | (d == 1 ? CONN_ORIG_IS_B : 0));
  // every reassembler starts at relative seq 1
  let a = side(z, 0), b = side(z, 1);
  a.delivered = 1; a.trim = 1;
  b.delivered = 1; b.trim = 1;
  if (!(flags & SYN) || (flags & ACK)) {
    let flip = false;
    if (likelyServerPort(pkt.sport)) {
      flip = likelyServerPort(pkt.dport) ? !(flags & SYN) && pkt.sport < pkt.dport : true;
    }
    if (flip) flipRoles(z);
  }
}

// Zeek's timers, due by the time of this packet: the connection was removed before it came.
function expired(z: usize, now: i64): bool {
  let l = live(z);
  if (l.deleteAt != 0 && now >= l.deleteAt) return true;
  if (l.attemptAt != 0 && now >= l.attemptAt) {
    // AttemptTimer: still only a SYN from the originator
    l.attemptAt = 0;
    let o = origSide(z);
    let os = side(z, o).state;
    if ((os == SYN_SENT || os == SYN_ACK_SENT) && side(z, o ^ 1).state == INACTIVE) return true;
  }
  // Session::InactivityTimer
  return now - conn(z).last >= ((l.bits & LONG_IDLE) ? IDLE : HANDSHAKE_IDLE);
}

// TCPSessionAdapter::IsReuse: a SYN (or a SYN+ACK while the originator is silent) after a close,
// or with a new initial sequence number, starts a new connection.
function reuse(z: usize, flags: u32, seq: u32): bool {
  if (!(flags & SYN)) return false;
  let o = origSide(z);
  let orig = side(z, o), resp = side(z, o ^ 1);
  let first = orig;
  if (flags & ACK) {
    if (orig.state != INACTIVE) return false;
    first = resp;
  }
  if ((orig.bits | resp.bits) & SIDE_CLOSED) return true;
  if (seq == first.startSeq) return false;
  // a SYN after its own SYN+ACK (seen reordered) is no reuse: the state machine flips the roles
  return !(!(flags & ACK) && first.state == SYN_ACK_SENT && resp.state == INACTIVE && seq == resp.startSeq);
}

// The live connection ended: its summary goes to a free slot, and everything else starts over.
function retire(z: usize): void {
  let l = live(z);
  let kept = (l.bits >>> KEPT_SHIFT) & 3, block = l.done, dropped = l.dropped;
  let a = side(z, 0), b = side(z, 1);
  if (kept < SLOT_COUNT) {
    if (block == 0) block = done.take();
    let s = changetype<ZeekSummary>(done.at(block) + <usize>kept * SLOT_SIZE);
    let c = conn(z);
    s.first = c.first;
    s.last = c.last;
    s.missed = c.missed;
    // the sides are as the last packet left them
    s.sizeA = size(a, b);
    s.sizeB = size(b, a);
    s.stateA = a.state;
    s.stateB = b.state;
    s.roles = <u8>origSide(z);
    let n = <u32>c.historyLen;
    if (n > DONE_HISTORY) n = DONE_HISTORY;
    memory.copy(changetype<usize>(s) + SLOT_HISTORY_AT, z + CONN + HISTORY_AT, n);
    s.historyLen = <u8>n;
    kept++;
  } else {
    dropped++;
  }
  // the sides keep their extras, emptied
  let xa = a.extra, xb = b.extra;
  memory.fill(z, 0, ZEEK_SIZE);
  a.extra = xa;
  if (xa) memory.fill(extraAt(a), 0, EXTRA_SIZE);
  b.extra = xb;
  if (xb) memory.fill(extraAt(b), 0, EXTRA_SIZE);
  l.bits = kept << KEPT_SHIFT;
  l.done = block;
  l.dropped = dropped;
}

// After each packet: leaving the handshake lengthens the idle timeout for good (SetInactivityTimeout).
function settled(z: usize): void {
  let a = side(z, 0), b = side(z, 1);
  if (a.state >= PARTIAL || b.state >= PARTIAL) setBits(z, bits(z) | LONG_IDLE);
}

// TCP_Endpoint::Size: the bytes a side sent, from its sequence numbers (the higher of last seen
// and acked), without the SYN and FIN octets.
function size(e: ZeekSide, peer: ZeekSide): u64 {
  // a half-open connection found and aborted: its numbers say nothing about data
  if (e.prevState == SYN_SENT && e.state == RESET && peer.state == INACTIVE && !noDataAcked(e)) return 0;
  let last = (<u64>e.seqWraps << 32) + <u64>e.lastSeq;
  let acked = (<u64>e.ackWraps << 32) + <u64>e.ackSeq;
  let n = (last > acked ? last : acked) - <u64>e.startSeq;
  if (n != 0) n--;
  if ((e.bits & SIDE_FIN) && n != 0) n--;
  return n;
}

// Connection::FlipRoles with TCPSessionAdapter::FlipRoles: the endpoints trade roles, and so does
// first_packet_seen; the history keeps its letters and gains a '^'.
function flipRoles(z: usize): void {
  swapRoles(z);
  appendHistory(z, 0x5E); // ^
}

function swapRoles(z: usize): void {
  let b = bits(z) ^ CONN_ORIG_IS_B;
  let seen = b & (SEEN_ORIG | SEEN_RESP);
  b &= ~(SEEN_ORIG | SEEN_RESP | CONN_PARTIAL);
  if (seen & SEEN_ORIG) b |= SEEN_RESP;
  if (seen & SEEN_RESP) b |= SEEN_ORIG;
  setBits(z, b);
}

// A connection that began with a SYN+ACK, nothing else since, is flipped by the next ACK or data
// segment either way (Zeek 5.1, zeek/zeek#2191): a stealth scan would not send one. The SYN+ACK's
// sender is then an established responder, and the history reads as though flipped from the start
// (Zeek's baselines show "^h..." for these).
function synAckFirst(z: usize): void {
  let o = origSide(z);
  let orig = side(z, o), resp = side(z, o ^ 1);
  if (orig.state != SYN_ACK_SENT || resp.state != INACTIVE) return;
  let s = conn(z);
  let h = z + CONN + HISTORY_AT;
  let n = <u32>s.historyLen < LIVE_HISTORY ? <u32>s.historyLen : LIVE_HISTORY - 1;
  for (let i = n; i > 0; i--) {
    let ch = load<u8>(h + <usize>(i - 1));
    if (ch >= 0x41 && ch <= 0x5A) ch |= 0x20; else if (ch >= 0x61 && ch <= 0x7A) ch &= ~0x20;
    store<u8>(h + <usize>i, ch);
  }
  store<u8>(h, 0x5E); // ^
  s.historyLen = <u8>(n + 1);
  let l = live(z);
  l.histSeen = (l.histSeen << 16) | (l.histSeen >> 16);
  swapRoles(z);
  setState(orig, ESTABLISHED);
}

// SetPartialStatus: a side whose first packet is not a clean handshake packet makes the connection partial.
function partialStatus(z: usize, flags: u32, isOrig: bool): void {
  let b = bits(z);
  if (isOrig) {
    if (!(b & SEEN_ORIG)) b = (!(flags & SYN) || (flags & ACK)) ? b | CONN_PARTIAL : b & ~CONN_PARTIAL;
  } else if (!(b & SEEN_RESP) && !(b & CONN_PARTIAL)) {
    if (!(flags & SYN)) b |= CONN_PARTIAL;
  }
  setBits(z, b);
}

function initEndpoint(e: ZeekSide, flags: u32, seq: u32, onePast: u32): void {
  let state = e.state;
  if (state == INACTIVE) {
    if (flags & SYN) {
      e.ackSeq = seq; e.startSeq = seq;
    } else {
      // a partial connection: number as though a SYN had been seen, the first packet not a duplicate
      e.ackSeq = seq - 1; e.startSeq = seq - 1;
      onePast = seq;
    }
    e.lastSeq = onePast;
  } else if (state == SYN_SENT || state == SYN_ACK_SENT) {
    if ((flags & SYN) && seq != e.startSeq) { e.startSeq = seq; e.ackSeq = seq; e.lastSeq = onePast; }
  } else if (state == ESTABLISHED || state == PARTIAL) {
    if (flags & SYN) { e.startSeq = seq; e.ackSeq = seq; e.lastSeq = onePast; }
  } else if (state == RESET) {
    if ((flags & SYN) && e.prevState == INACTIVE) { e.startSeq = seq; e.ackSeq = seq; e.lastSeq = onePast; }
  }
}

// get_relative_seq: `cur` relative to the endpoint's start, in the 64-bit space its wraps give;
// below the start, the 32-bit difference sign-extended, with seqUnderflow set.
function relative(e: ZeekSide, cur: u32, last: u32, wraps: u32): u64 {
  let delta = seqDelta(cur, last);
  if (delta < 0) {
    if (wraps != 0 && cur > last) wraps--;
  } else if (delta > 0) {
    if (cur < last) wraps++;
  }
  if (wraps == 0) {
    let d = seqDelta(cur, e.startSeq);
    if (d < 0) seqUnderflow = true;
    return <u64><i64>d;
  }
  return ((<u64>wraps << 32) + <u64>cur) - <u64>e.startSeq;
}

function updateAckSeq(e: ZeekSide, ack: u32): void {
  let delta = seqDelta(ack, e.ackSeq);
  if (ack == 0 && delta > TOO_LARGE_SEQ_DELTA) return; // more likely a broken ack than a wrap onto 0
  if (delta > 0) {
    if (ack < e.ackSeq) e.ackWraps++;
    e.ackSeq = ack;
  }
}

// update_last_seq: a segment with payload that does not move the last seq on is a retransmission (T).
function updateLastSeq(z: usize, e: ZeekSide, d: u32, onePast: u32, flags: u32, len: i32): void {
  let delta = seqDelta(onePast, e.lastSeq);
  if ((flags & (SYN | RST)) && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA)) {
    // not trusted
  } else if ((flags & FIN) && e.lastSeq == e.startSeq + 1) {
    setLastSeq(e, onePast); // only the SYN and the FIN seen: trust the FIN, even going back
  } else if (e.state == RESET) {
    // nothing after a RST is trusted
  } else if (delta > 0) {
    setLastSeq(e, onePast);
  } else if (len > 0) {
    e.rexmits++;
    if (power10(e.rexmits)) addHistory(z, d, 0x54); // T
  }
}

// @ts-ignore: decorator
@inline function setLastSeq(e: ZeekSide, s: u32): void {
  if (s < e.lastSeq) e.seqWraps++;
  e.lastSeq = s;
}

// update_history: one letter per kind of packet; S, H, F and R again when their seq is new.
function history(z: usize, e: ZeekSide, d: u32, flags: u32, relSeq: u64, len: i32): void {
  let n = ((flags & SYN) ? 1 : 0) + ((flags & FIN) ? 1 : 0) + ((flags & RST) ? 1 : 0);
  if (n > 1) {
    if ((flags & (FIN | RST)) == (FIN | RST)) checkHistory(z, d, HIST_FIN_RST, 0x49); // I
    else checkHistory(z, d, HIST_MULTI_FLAG, 0x51); // Q
  } else if (n == 1) {
    let rel = <u32>relSeq;
    if (flags & SYN) {
      let code: u8 = (flags & ACK) ? 0x48 : 0x53; // H, S
      if (checkHistory(z, d, HIST_SYN, code) && rel != e.histSyn) addHistory(z, d, code);
      e.histSyn = rel;
    }
    if (flags & FIN) {
      let end = rel + <u32>len; // a FIN's seq comes after the packet's data
      if (checkHistory(z, d, HIST_FIN, 0x46) && end != e.histFin) addHistory(z, d, 0x46);
      e.histFin = end;
    }
    if (flags & RST) {
      if (checkHistory(z, d, HIST_RST, 0x52) && rel != e.histRst) addHistory(z, d, 0x52);
      e.histRst = rel;
    }
  } else if (len != 0) {
    checkHistory(z, d, HIST_DATA, 0x44); // D
  } else if (flags & ACK) {
    checkHistory(z, d, HIST_ACK, 0x41); // A
  }
}

// Session::CheckHistory: adds the letter the first time its mask is seen; true when seen before.
function checkHistory(z: usize, d: u32, mask: u32, code: u8): bool {
  if (d != origSide(z)) mask <<= 16;
  let l = live(z);
  if (l.histSeen & mask) return true;
  l.histSeen |= mask;
  addHistory(z, d, code);
  return false;
}

// The letter in upper case for the originator, lower case for the responder.
function addHistory(z: usize, d: u32, code: u8): void {
  appendHistory(z, d == origSide(z) ? code : code | 0x20);
}

function appendHistory(z: usize, c: u8): void {
  let s = conn(z);
  let n = <u32>s.historyLen;
  if (n >= LIVE_HISTORY) return;
  store<u8>(z + CONN + HISTORY_AT + <usize>n, c);
  s.historyLen = <u8>(n + 1);
}

// ScaledHistoryEntry with base 10: the letter at the 1st, 10th, 100th... occurrence.
function power10(n: u32): bool {
  while (n >= 10 && n % 10 == 0) n /= 10;
  return n == 1;
}

// @ts-ignore: decorator
@inline function setState(e: ZeekSide, s: u8): void {
  if (s != e.state) { e.prevState = e.state; e.state = s; }
}

// UpdateStateMachine: moves the sending endpoint (and sometimes its peer) on; returns do_close.
function stateMachine(z: usize, ep: ZeekSide, peer: ZeekSide, isOrig: bool, seq: u32, len: i32, flags: u32): bool {
  let doClose = false;
  let state = ep.state;
  if (state == INACTIVE) {
    if (flags & SYN) {
      if (isOrig) {
        setState(ep, (flags & ACK) ? SYN_ACK_SENT : SYN_SENT);
        live(z).attemptAt = pkt.time + ATTEMPT_DELAY;
      } else {
        if (!(flags & ACK) && peer.state == SYN_ACK_SENT && seq == ep.startSeq) {
          // the SYN+ACK came first: flip, and the connection is established
          flipRoles(z);
          setState(peer, ESTABLISHED);
          setBits(z, bits(z) | SEEN_ORIG);
        }
        if (peer.state == SYN_SENT) setState(peer, ESTABLISHED);
        setState(ep, ESTABLISHED);
      }
    }
    if (flags & FIN) { setState(ep, CLOSED); doClose = true; }
    if (flags & RST) { setState(ep, RESET); doClose = true; }
    if (ep.state == INACTIVE) { // no control flags moved it
      let orig = side(z, origSide(z));
      if (!isOrig && len == 0 && orig.state == SYN_SENT) {
        // an ACK of the SYN before the SYN+ACK does not make the connection partial
      } else if ((flags & ACK) && peer.state == ESTABLISHED) {
        // the SYN was missed but the SYN+ACK seen: established, not partial
        setState(ep, ESTABLISHED);
        setBits(z, (bits(z) & ~CONN_PARTIAL) | (isOrig ? SEEN_ORIG : SEEN_RESP));
      } else {
        setState(ep, PARTIAL);
      }
    }
  } else if (state == SYN_SENT || state == SYN_ACK_SENT) {
    if (flags & FIN) { setState(ep, CLOSED); doClose = true; }
    if (flags & RST) { setState(ep, RESET); doClose = true; }
  } else if (state == ESTABLISHED || state == PARTIAL) {
    if ((flags & SYN) && state == PARTIAL && peer.state == INACTIVE && !(flags & ACK)) setState(ep, SYN_SENT);
    if ((flags & FIN) && !(flags & RST)) {
      setState(ep, CLOSED);
      // the peer's FIN then RST was a normal close after all
      if (peer.state == RESET && peer.prevState == CLOSED) setState(peer, CLOSED);
      doClose = true;
    }
    if (flags & RST) { setState(ep, RESET); doClose = true; }
  } else if (state == CLOSED) {
    // after a FIN exchange a RST changes nothing
    if ((flags & RST) && peer.state != CLOSED) {
      setState(ep, RESET);
      if (!(ep.bits & SIDE_CLOSED)) doClose = true;
    }
  }
  return doClose;
}

// ConnectionClosed: a close waits while the endpoint's data is still pending in the reassembler.
function close(z: usize, e: ZeekSide, d: u32): void {
  if (e.bits & SIDE_CLOSED) return;
  if (dataPending(z, e, d)) e.bits |= SIDE_CLOSING;
  else closed(z, e, d);
}

function settleClose(z: usize, d: u32): void {
  let e = side(z, d);
  if ((e.bits & SIDE_CLOSING) && !dataPending(z, e, d)) closed(z, e, d);
}

// The close is reported (did_close). Once both sides are done, or one reset or the other never
// spoke, Zeek cancels its timers and deletes the connection tcp_close_delay after its last packet.
function closed(z: usize, e: ZeekSide, d: u32): void {
  e.bits = (e.bits | SIDE_CLOSED) & ~SIDE_CLOSING;
  let peer = side(z, d ^ 1);
  if (e.state == RESET || (peer.bits & SIDE_CLOSED) || peer.state == INACTIVE) {
    let l = live(z);
    l.attemptAt = 0;
    l.deleteAt = conn(z).last + CLOSE_DELAY;
  }
}

// TCP_Reassembler::DataPending: delivered up to the last seq (or the one before, for a FIN), and
// nothing of the peer's waits above a hole.
function dataPending(z: usize, e: ZeekSide, d: u32): bool {
  if (e.bits & SIDE_SKIP) return false;
  let delivered = <u64>e.startSeq + e.delivered;
  let last = (<u64>e.seqWraps << 32) + <u64>e.lastSeq;
  if (last < delivered) return false;
  if (delivered != last - 1 && delivered != last) return true;
  let peer = side(z, d ^ 1);
  return e.state != RESET && peer.pend0Hi > peer.pend0Lo;
}

// ---- the reassembler, reduced to what gaps need ----

// @ts-ignore: decorator
@inline function noDataAcked(e: ZeekSide): bool {
  let acked = (<u64>e.ackWraps << 32) + <u64>e.ackSeq;
  return acked == <u64>e.startSeq || acked == <u64>e.startSeq + 1;
}

// TCP_Reassembler::DataSent: payload [seq, seq + len) of side `e`.
function dataSent(e: ZeekSide, peer: ZeekSide, seq: u64, len: u64): void {
  if (e.bits & SIDE_SKIP) return;
  let upper = seq + len;
  let acked = ((<u64>e.ackWraps << 32) + <u64>e.ackSeq) - <u64>e.startSeq;
  if (seq < acked) {
    if (upper <= acked) return; // delivered and acked already
    seq = acked;
  }
  // Reassembler::NewBlock
  if (upper <= e.trim) return;
  if (seq < e.trim) seq = e.trim;
  if (seq <= e.delivered) {
    if (upper > e.delivered) {
      e.delivered = upper;
      deliverPending(e);
      // BlockInserted: unacked data beyond the initial window is let go (no gap: it was delivered)
      if (noDataAcked(e) && size(e, peer) > MAX_INITIAL_WINDOW) e.trim = e.delivered;
    }
  } else {
    addPending(e, seq, upper);
  }
  let above: u64 = e.pend0Hi > e.pend0Lo ? (e.pend1Hi > e.pend1Lo ? e.pend1Hi : e.pend0Hi) - e.delivered : 0;
  let buffered = e.delivered - e.trim + (e.pend0Hi - e.pend0Lo) + (e.pend1Hi - e.pend1Lo);
  if ((noDataAcked(e) && above > MAX_ABOVE_HOLE) || buffered > MAX_UNACKED_DATA) {
    if (e.extra) memory.fill(extraAt(e), 0, 32); // no pending ranges
    e.bits |= SIDE_SKIP;
  }
}

// Pending blocks that now touch the delivered edge are delivered too.
function deliverPending(e: ZeekSide): void {
  while (e.pend0Hi > e.pend0Lo && e.pend0Lo <= e.delivered) {
    if (e.pend0Hi > e.delivered) e.delivered = e.pend0Hi;
    dropPending(e);
  }
}

// The lowest pending range is done with.
// @ts-ignore: decorator
@inline function dropPending(e: ZeekSide): void {
  e.pend0Lo = e.pend1Lo; e.pend0Hi = e.pend1Hi;
  e.pend1Lo = 0; e.pend1Hi = 0;
}

// Data above a hole. Two ranges are kept; a third is merged into the nearer one (as if the hole
// between them had been filled: the rare case of many holes at once under-counts missed bytes).
function addPending(e: ZeekSide, lo: u64, hi: u64): void {
  if (!(e.pend0Hi > e.pend0Lo)) { e.pend0Lo = lo; e.pend0Hi = hi; return; }
  // overlapping or touching the first range
  if (lo <= e.pend0Hi && hi >= e.pend0Lo) {
    if (lo < e.pend0Lo) e.pend0Lo = lo;
    if (hi > e.pend0Hi) e.pend0Hi = hi;
    if (e.pend1Hi > e.pend1Lo && e.pend0Hi >= e.pend1Lo) {
      if (e.pend1Hi > e.pend0Hi) e.pend0Hi = e.pend1Hi;
      e.pend1Lo = 0; e.pend1Hi = 0;
    }
    return;
  }
  if (hi < e.pend0Lo) { // below the first range
    if (e.pend1Hi > e.pend1Lo) { e.pend0Lo = lo; return; } // merge down into the first
    e.pend1Lo = e.pend0Lo; e.pend1Hi = e.pend0Hi;
    e.pend0Lo = lo; e.pend0Hi = hi;
    return;
  }
  // above the first range
  if (!(e.pend1Hi > e.pend1Lo)) { e.pend1Lo = lo; e.pend1Hi = hi; return; }
  if (lo < e.pend1Lo) e.pend1Lo = lo;
  if (hi > e.pend1Hi) e.pend1Hi = hi;
}

// TCP_Endpoint::AckReceived on side `d`: its data up to `seq` is acknowledged. What was never
// delivered up to there is a content gap.
function ackReceived(z: usize, e: ZeekSide, d: u32, seq: u64): void {
  if ((e.bits & SIDE_FIN) && seq >= e.finSeq) seq = e.finSeq - 1;
  if (seq <= e.trim) return;
  // DataBlockList::Trim
  if (seq > e.delivered) undelivered(z, e, d, seq);
  while (e.pend0Hi > e.pend0Lo && e.pend0Hi <= seq) dropPending(e);
  deliverPending(e);
  e.trim = seq;
}

// TCP_Reassembler::Undelivered
function undelivered(z: usize, e: ZeekSide, d: u32, upTo: u64): void {
  // a partial connection's first ACK of 1 or 2 (a keep-alive) is no gap
  if (upTo <= 2 && (bits(z) & CONN_PARTIAL)) return;
  if (!(e.bits & SIDE_SKIP)) {
    while (e.pend0Hi > e.pend0Lo && e.pend0Lo < upTo) {
      if (e.pend0Lo > e.delivered) gap(z, e, d, e.pend0Lo - e.delivered);
      e.delivered = e.pend0Lo;
      deliverPending(e);
    }
    if (upTo > e.delivered) gap(z, e, d, upTo - e.delivered);
  }
  if (upTo > e.delivered) e.delivered = upTo;
}

// TCP_Reassembler::Gap: counted (G, missed_bytes) only while both sides are established or
// closing cleanly (report_gaps_for_partial = F).
function gap(z: usize, e: ZeekSide, d: u32, len: u64): void {
  let peer = side(z, d ^ 1);
  if (!clean(e) || !clean(peer)) return;
  e.gaps++;
  if (power10(e.gaps)) addHistory(z, d, 0x47); // G
  conn(z).missed += len;
}

// @ts-ignore: decorator
@inline function clean(e: ZeekSide): bool {
  return e.state == ESTABLISHED || (e.state == CLOSED && e.prevState == ESTABLISHED);
}

// likely_server_ports of Zeek's default scripts (TCP): the base protocol analyzers' well-known ports.
function likelyServerPort(port: u32): bool {
  switch (port) {
    case 21: case 22: case 25: case 53: case 80: case 81: case 88: case 110: case 135: case 139:
    case 143: case 389: case 443: case 445: case 502: case 563: case 585: case 587: case 614: case 631:
    case 636: case 989: case 990: case 992: case 993: case 995: case 1080: case 1434: case 1883:
    case 2811: case 3128: case 3268: case 3306: case 3389: case 5222: case 5223: case 5269: case 5432:
    case 6379: case 6666: case 6667: case 6668: case 6669: case 8000: case 8080: case 8888: case 20000:
      return true;
  }
  return false;
}
