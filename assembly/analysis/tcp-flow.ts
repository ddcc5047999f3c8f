import { ZEEK_SIZE } from "./zeek";
import { Pool } from "../util/pool";

// TCP state of one flow, kept beside the flow in its own arena (flow.tcp indexes it). The shared
// part comes first, then one TcpSide per direction (A, then B), then Zeek's state (zeek.ts). Wide
// fields lead and every part is a multiple of 8 bytes, so that the layout has no padding and each
// i64 stays aligned; src/core/layout.ts mirrors it. 72 + 2 × 296 + ZEEK_SIZE (224) = 888 bytes.
// Within each part, what every packet reads or writes comes first, so that a packet touches few
// cache lines. What only some flows need (Wireshark's flag counts, tcptrace's rarer counters) is in
// a TcpExtra block, made on the flow's first such event.

// TcpFlow, 72 bytes: 0 five i64 times | 40 completeness, flags, extra | 52 the handshake's frames and counts
@unmanaged
export class TcpFlow {
  // i64, nanoseconds
  firstRtt: i64;        // Wireshark's initial RTT (ts_first_rtt); 0 = not known
  lastSynTime: i64;     // the most recent pure SYN, for the initial RTT
  synTime: i64;         // handshake: first SYN, first SYN+ACK, the ACK that completed it
  synAckTime: i64;
  ackTime: i64;
  // u32
  completeness: u32;    // Wireshark's tcp.completeness bits
  flags: u32;           // TF_* below
  extra: u32;           // its TcpExtra in the extras pool + 1; 0: none yet, every field of it 0
  synFrame: u32;
  synAckFrame: u32;
  ackFrame: u32;
  synCount: u32;        // pure SYNs sent by the client (more than one: retransmitted)
  synAckCount: u32;
}

// TcpSide, 296 bytes: 0 the 64-bit fields | 72 Wireshark's sequence state | 116 tcptrace's state
// and counters that each packet updates | 184 RFC 9293 states, ISN, FIN | 200 tcptrace on RTT
// samples, duplicate ACKs, SACKs and FINs; RSTs | 244 tf0..tf7 | 276 the SYN's options, dir |
// 280 FIN and RST times. Each packet touches its sender's and receiver's bytes 0 to 200.
@unmanaged
export class TcpSide {
  nextseqTime: i64;
  lastackTime: i64;
  // tcptrace's statistics of this direction (tcptrace.ts), 64-bit
  dataBytes: u64;        // actual data bytes: payload sent, retransmissions included
  uniqueBytes: u64;
  truncBytes: u64;       // payload bytes the capture cut off
  winTot: u64;           // sum of the advertised windows, for their average
  owinTot: u64;          // sum of tcptrace's outstanding-data estimates (owin_tot: > 0 gates duplicate ACKs)
  rttSum: f64;           // RTT samples, microseconds (Karn: segments sent once)
  rttSum2: f64;
  // Wireshark's per-direction sequence state
  nextseq: u32;
  maxseqtobeacked: u32;
  lastack: u32;
  window: u32;           // raw, as on the wire
  lastnondupack: u32;
  dupacknum: i32;
  segHead: u32;          // unacked segments, oldest first (pool index, NONE)
  segTail: u32;          // ... and the newest, where a segment joins
  sackBytes: u32;        // bytes in the SACK blocks of this side's latest SACK
  segCount: u16;         // at most MAX_UNACKED (tcp.ts)
  firstAck: u8;          // this side has not yet sent a non-SYN ACK
  validBif: u8;
  segSorted: u8;         // every segment starts at or after the previous one's end
  winScale: i8;          // -1 unknown, -2 no scaling, else the shift
  lastFlags: u8;         // analysis bits 8-15 of this side's last packet (keep-alive, zero window probe)
  options: u8;           // OPT_* below, from its SYN
  // tcptrace, 32-bit: what every packet updates, then the counters, then the state they come from
  counts: u32;           // SYNs | FINs << 8 | RSTs << 16 | most SACK blocks << 24, u8 each as in tcptrace
  ttFlags: u32;          // TT_* in tcptrace.ts, window scale << 16
  ttAck: u32;            // the last ACK sent (tcb.ack); the other side's ISN after its SYN
  ttSyn: u32;            // sequence number of the last SYN
  latestSeq: u32;        // end of the latest segment
  winLast: u32;          // the last window advertised
  winMax: u32;           // scaled
  winMin: u32;           // smallest non-zero
  winScaled: u32;        // packets since window scaling took effect, for the average
  ackPackets: u32;
  pureAcks: u32;
  dataPackets: u32;
  truncPackets: u32;
  quad0: u32; quad1: u32; quad2: u32; quad3: u32; // tcptrace's segment lists, one per 2^30 quadrant
  // RFC 9293 states entered, up to MAX_TRANSITIONS (tcp-states.ts): entry i's state + 1 in bits
  // 4i..4i+3 (0: no entry i), the frame that caused it in tf<i>
  states: u32;
  // what this side sent
  isn: u32;
  finFrame: u32;
  finSeq: u32;           // sequence number the FIN occupies
  // tcptrace, on RTT samples, duplicate ACKs, SACKs and FINs
  rttCount: u32;
  rttMin: u32;           // microseconds
  rttMax: u32;
  rttLast: u32;          // the latest sample (0: the latest ACK gave none)
  dupAcks: u32;          // duplicate ACKs of this side's data (sent by the other side)
  sackPackets: u32;
  ttFin: u32;            // sequence number of the last FIN
  rtt3whs: u32;          // the sample when the other side acked this side's SYN
  finCount: u32;
  rstFrame: u32;
  rstCount: u32;
  tf0: u32; tf1: u32; tf2: u32; tf3: u32; tf4: u32; tf5: u32; tf6: u32; tf7: u32;
  mss: u16;              // from its SYN (OPT_MSS)
  wscale: u8;            // from its SYN (OPT_WSCALE)
  dir: u8;               // 0: side A, 1: side B, to find the flow's TcpExtra
  finTime: i64;          // first FIN sent
  rstTime: i64;          // first RST sent

  // The state as the wire shows it (State): the latest entry's, CLOSED before any.
  get state(): u32 {
    let w = this.states;
    return w == 0 ? <u32>State.CLOSED : ((w >>> ((31 - clz(w)) & ~3)) & 15) - 1;
  }

  // tcptrace's rarer counters, in the flow's TcpExtra: 0 until the first non-zero write makes it.
  get rexmitBytes(): u64 { let r = rareAt(this); return r ? load<u64>(r, offsetof<TcpRare>("rexmitBytes")) : 0; }
  set rexmitBytes(v: u64) { if (v != 0 || flowOf(this).extra != 0) store<u64>(rareOf(this), v, offsetof<TcpRare>("rexmitBytes")); }
  get rexmitPackets(): u32 { return rareGet(this, offsetof<TcpRare>("rexmitPackets")); }
  set rexmitPackets(v: u32) { rareSet(this, offsetof<TcpRare>("rexmitPackets"), v); }
  get oooPackets(): u32 { return rareGet(this, offsetof<TcpRare>("oooPackets")); }
  set oooPackets(v: u32) { rareSet(this, offsetof<TcpRare>("oooPackets"), v); }
  get probePackets(): u32 { return rareGet(this, offsetof<TcpRare>("probePackets")); }
  set probePackets(v: u32) { rareSet(this, offsetof<TcpRare>("probePackets"), v); }
  get probeBytes(): u32 { return rareGet(this, offsetof<TcpRare>("probeBytes")); }
  set probeBytes(v: u32) { rareSet(this, offsetof<TcpRare>("probeBytes"), v); }
  get zeroWindows(): u32 { return rareGet(this, offsetof<TcpRare>("zeroWindows")); }
  set zeroWindows(v: u32) { rareSet(this, offsetof<TcpRare>("zeroWindows"), v); }
  get tripleDupAcks(): u32 { return rareGet(this, offsetof<TcpRare>("tripleDupAcks")); }
  set tripleDupAcks(v: u32) { rareSet(this, offsetof<TcpRare>("tripleDupAcks"), v); }
  get dsackPackets(): u32 { return rareGet(this, offsetof<TcpRare>("dsackPackets")); }
  set dsackPackets(v: u32) { rareSet(this, offsetof<TcpRare>("dsackPackets"), v); }
  get wraps(): u32 { return rareGet(this, offsetof<TcpRare>("wraps")); }
  set wraps(v: u32) { rareSet(this, offsetof<TcpRare>("wraps"), v); }
}

// One side's part of a TcpExtra, 40 bytes: tcptrace's counters that stay 0 in most connections.
@unmanaged
class TcpRare {
  rexmitBytes: u64;
  rexmitPackets: u32;
  oooPackets: u32;
  probePackets: u32;     // zero window probes
  probeBytes: u32;
  zeroWindows: u32;      // ACKs advertising a zero window
  tripleDupAcks: u32;
  dsackPackets: u32;
  wraps: u32;            // sequence space wrap-arounds
}

// TcpExtra, a flow's block in the extras pool, 144 bytes:
//   0 counts0..counts14 u32: Wireshark's flag counts, by Bit       60 pad u32
//  64 side A's TcpRare     104 side B's TcpRare
// @ts-ignore: decorator
@inline export const COUNTS_AT: usize = 0;
// @ts-ignore: decorator
@inline const RARE_AT: usize = 64;
// @ts-ignore: decorator
@inline const RARE_SIZE: usize = offsetof<TcpRare>();
// @ts-ignore: decorator
@inline export const TCP_EXTRA_SIZE: usize = RARE_AT + 2 * RARE_SIZE;

// The extras pool: one block per flow with any, none freed until the next capture. At the TCP
// table's limit it stays far under the runtime's 1 GiB per allocation.
const extras = new Pool(TCP_EXTRA_SIZE);

export function resetTcpExtras(): void { extras.reset(); }

// For the host (src/core/tcp-summary.ts): it moves as it grows.
export function tcpExtras(): usize { return extras.base; }

// @ts-ignore: decorator
@inline function extraAt(t: TcpFlow): usize { return extras.at(t.extra); }

// The flow's TcpExtra, made zeroed when it has none.
export function extraOf(t: TcpFlow): usize {
  if (t.extra == 0) t.extra = extras.take();
  return extraAt(t);
}

// @ts-ignore: decorator
@inline function flowOf(s: TcpSide): TcpFlow {
  return changetype<TcpFlow>(changetype<usize>(s) - TCP_FLOW_SIZE - <usize>s.dir * TCP_SIDE_SIZE);
}
// The side's TcpRare, or 0 when the flow has no TcpExtra.
// @ts-ignore: decorator
@inline function rareAt(s: TcpSide): usize {
  let t = flowOf(s);
  return t.extra ? extraAt(t) + RARE_AT + <usize>s.dir * RARE_SIZE : 0;
}
// @ts-ignore: decorator
@inline function rareOf(s: TcpSide): usize { return extraOf(flowOf(s)) + RARE_AT + <usize>s.dir * RARE_SIZE; }
// @ts-ignore: decorator
@inline function rareGet(s: TcpSide, at: usize): u32 { let r = rareAt(s); return r ? load<u32>(r + at) : 0; }
// @ts-ignore: decorator
@inline function rareSet(s: TcpSide, at: usize, v: u32): void { if (v | flowOf(s).extra) store<u32>(rareOf(s) + at, v); }

// @ts-ignore: decorator
@inline export const TCP_FLOW_SIZE: u32 = offsetof<TcpFlow>();
// @ts-ignore: decorator
@inline export const TCP_SIDE_SIZE: u32 = offsetof<TcpSide>();
// @ts-ignore: decorator
@inline export const TCP_SIZE: u32 = offsetof<TcpFlow>() + 2 * offsetof<TcpSide>() + ZEEK_SIZE;
// @ts-ignore: decorator
@inline export const ZEEK_OFFSET: u32 = offsetof<TcpFlow>() + 2 * offsetof<TcpSide>();
// @ts-ignore: decorator
@inline export const MAX_TRANSITIONS: u32 = 8;

// TcpFlow.flags
// @ts-ignore: decorator
@inline export const TF_SIMULTANEOUS_CLOSE: u32 = 1;
// @ts-ignore: decorator
@inline export const TF_FIN_ACK_COMBINED: u32 = 2;  // the passive closer's FIN also acked the first FIN
// @ts-ignore: decorator
@inline export const TF_DATA_AFTER_FIN: u32 = 4;     // the passive side sent data while half-closed
// @ts-ignore: decorator
@inline export const TF_SYN_DATA: u32 = 8;           // a SYN carried data (fast open)
// @ts-ignore: decorator
@inline export const TF_CLOSER: u32 = 16;            // a side has sent a FIN: the first one's is the closer
// @ts-ignore: decorator
@inline export const TF_CLOSER_B: u32 = 32;          // ... and it was side B

// TcpSide.options
// @ts-ignore: decorator
@inline export const OPT_MSS: u8 = 1;
// @ts-ignore: decorator
@inline export const OPT_WSCALE: u8 = 2;
// @ts-ignore: decorator
@inline export const OPT_SACK_PERM: u8 = 4;
// @ts-ignore: decorator
@inline export const OPT_TIMESTAMPS: u8 = 8;
// @ts-ignore: decorator
@inline export const OPT_FAST_OPEN: u8 = 16;
// @ts-ignore: decorator
@inline export const OPT_SYN_SEEN: u8 = 32;         // this side sent a SYN (options are from it)

// RFC 9293 §3.3.2 states
export const enum State {
  CLOSED = 0, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT,
  CLOSING, LAST_ACK, TIME_WAIT,
}

// Bits of the packet record's analysis field, in Wireshark's tcp.analysis names.
export const enum Bit {
  retransmission = 1 << 0,
  fast_retransmission = 1 << 1,
  spurious_retransmission = 1 << 2,
  out_of_order = 1 << 3,
  lost_segment = 1 << 4,
  ack_lost_segment = 1 << 5,
  duplicate_ack = 1 << 6,
  zero_window = 1 << 7,
  zero_window_probe = 1 << 8,
  zero_window_probe_ack = 1 << 9,
  window_full = 1 << 10,
  window_update = 1 << 11,
  keep_alive = 1 << 12,
  keep_alive_ack = 1 << 13,
  reused_ports = 1 << 14,
}
// @ts-ignore: decorator
@inline export const BIT_COUNT: u32 = 15;
