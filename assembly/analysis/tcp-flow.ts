import { ZEEK_SIZE } from "./zeek";

// TCP state of one flow, kept beside the flow in its own arena (flow.tcp indexes it). The shared
// part comes first, then one TcpSide per direction (A, then B), then Zeek's state (zeek.ts). Wide
// fields lead and every part is a multiple of 8 bytes, so that the layout has no padding and each
// i64 stays aligned; src/core/layout.ts mirrors it. 136 + 2 × 360 + ZEEK_SIZE (224) = 1080 bytes.

@unmanaged
export class TcpFlow {
  // i64, nanoseconds
  firstRtt: i64;        // Wireshark's initial RTT (ts_first_rtt); 0 = not known
  lastSynTime: i64;     // the most recent pure SYN, for the initial RTT
  synTime: i64;         // handshake: first SYN, first SYN+ACK, the ACK that completed it
  synAckTime: i64;
  ackTime: i64;
  // u32
  synFrame: u32;
  synAckFrame: u32;
  ackFrame: u32;
  synCount: u32;        // pure SYNs sent by the client (more than one: retransmitted)
  synAckCount: u32;
  completeness: u32;    // Wireshark's tcp.completeness bits
  rttSet: u32;          // firstRtt has been set once
  flags: u32;           // TF_* below
  closer: u32;          // side (0 A, 1 B) that sent the first FIN; NONE
  // Wireshark flag counts, by AnalysisBit
  counts0: u32; counts1: u32; counts2: u32; counts3: u32; counts4: u32; counts5: u32; counts6: u32;
  counts7: u32; counts8: u32; counts9: u32; counts10: u32; counts11: u32; counts12: u32; counts13: u32;
  counts14: u32;
}

@unmanaged
export class TcpSide {
  nextseqTime: i64;
  lastackTime: i64;
  finTime: i64;          // first FIN sent
  rstTime: i64;          // first RST sent
  // tcptrace's statistics of this direction (tcptrace.ts), 64-bit
  dataBytes: u64;        // actual data bytes: payload sent, retransmissions included
  uniqueBytes: u64;
  rexmitBytes: u64;
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
  nextseqFrame: u32;
  lastnondupack: u32;
  dupacknum: i32;
  lastFlags: u32;        // analysis bits of this side's last packet
  winScale: i32;         // -1 unknown, -2 no scaling, else the shift
  segHead: u32;          // unacked segments, oldest first (pool index, NONE)
  segTail: u32;          // ... and the newest, where a segment joins
  segCount: u32;
  sackBytes: u32;        // bytes in the SACK blocks of this side's latest SACK
  sackCount: u32;
  // what this side sent
  isn: u32;
  mss: i32;              // from its SYN; -1 absent
  wscale: i32;
  // tcptrace, 32-bit: counters, then the state they come from
  packets: u32;
  ackPackets: u32;
  pureAcks: u32;
  dataPackets: u32;
  rexmitPackets: u32;
  oooPackets: u32;
  probePackets: u32;     // zero window probes
  probeBytes: u32;
  zeroWindows: u32;      // ACKs advertising a zero window
  winMax: u32;           // scaled
  winMin: u32;           // smallest non-zero
  winLast: u32;          // the last one advertised
  winScaled: u32;        // packets since window scaling took effect, for the average
  truncPackets: u32;
  rttCount: u32;
  rttMin: u32;           // microseconds
  rttMax: u32;
  rttLast: u32;          // the latest sample (0: the latest ACK gave none)
  rtt3whs: u32;          // the sample when the other side acked this side's SYN
  dupAcks: u32;          // duplicate ACKs of this side's data (sent by the other side)
  tripleDupAcks: u32;
  sackPackets: u32;
  dsackPackets: u32;
  counts: u32;           // SYNs | FINs << 8 | RSTs << 16 | most SACK blocks << 24, u8 each as in tcptrace
  ttFlags: u32;          // TT_* in tcptrace.ts, window scale << 16
  ttAck: u32;            // the last ACK sent (tcb.ack); the other side's ISN after its SYN
  ttSyn: u32;            // sequence number of the last SYN
  ttFin: u32;            // sequence number of the last FIN
  latestSeq: u32;        // end of the latest segment
  wraps: u32;            // sequence space wrap-arounds
  quad0: u32; quad1: u32; quad2: u32; quad3: u32; // tcptrace's segment lists, one per 2^30 quadrant
  finFrame: u32;
  finSeq: u32;           // sequence number the FIN occupies
  finCount: u32;
  rstFrame: u32;
  rstCount: u32;
  // RFC 9293 states entered, up to MAX_TRANSITIONS (tcp-states.ts): entry i's state + 1 in bits
  // 4i..4i+3 (0: no entry i), the frame that caused it in tf<i>
  states: u32;
  tf0: u32; tf1: u32; tf2: u32; tf3: u32; tf4: u32; tf5: u32; tf6: u32; tf7: u32;
  // flags, one byte each
  firstAck: u8;          // this side has not yet sent a non-SYN ACK
  validBif: u8;
  segSorted: u8;         // every segment starts at or after the previous one's end
  options: u8;           // OPT_* below, from its SYN

  // The state as the wire shows it (State): the latest entry's, CLOSED before any.
  get state(): u32 {
    let w = this.states;
    return w == 0 ? <u32>State.CLOSED : ((w >>> ((31 - clz(w)) & ~3)) & 15) - 1;
  }
}

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
