// A TCP flow's story, from the core's TcpFlow and TcpSide records: handshake, each direction's
// statistics (tcptrace's), teardown, endpoint states and Wireshark's analysis flag counts.

import { TcpFlow, TcpSide, TcpRare, TcpExtra, TcpFlag, TcpOption, TcptraceFlag, TCP_STATES, ANALYSIS_FLAGS, NONE, ZEEK_OFFSET,
  readStruct, nsOf, seconds, transitions } from './layout.js';
import { readZeek, type ZeekConn } from './zeek.js';

export type AnalysisFlag = (typeof ANALYSIS_FLAGS)[number];
export type TcpState = (typeof TCP_STATES)[number];

export interface TcpOptions {
  mss: number | null;
  windowScale: number | null;
  sackPermitted: boolean;
  timestamps: boolean;
  fastOpen: boolean;
}

/**
 * One direction of a TCP flow. The statistics mean what `tcptrace -l` (6.6.7) prints in this
 * side's column (its label in quotes): what this side sent, and how the other side acknowledged it
 * (duplicate ACKs, RTT). Counts are of packets unless they say bytes; times are seconds.
 */
export interface TcpDirection {
  /** "total packets". */
  packets: number;
  /** "ack pkts sent": packets with the ACK flag, resets included. */
  ackPackets: number;
  /** "pure acks sent": ACK without payload, SYN, FIN or RST. */
  pureAcks: number;
  /** "sack pkts sent": ACKs with SACK blocks. */
  sackPackets: number;
  /** "dsack pkts sent": of those, D-SACKs (RFC 2883): the first block under the ACK, inside or overlapping the second. */
  dsackPackets: number;
  /** "max sack blks/ack". */
  maxSackBlocks: number;
  /** "unique bytes sent": payload bytes sent for the first time (zero window probes not counted). */
  uniqueBytes: number;
  /** "actual data pkts": packets with payload, retransmissions included. */
  dataPackets: number;
  /** "actual data bytes". */
  dataBytes: number;
  /** "rexmt data pkts": packets carrying sequence space this side had sent before (a repeated SYN or FIN too). */
  retransmittedPackets: number;
  /** "rexmt data bytes": the bytes of those already sent (a repeated SYN or FIN counts one). */
  retransmittedBytes: number;
  /** "zwnd probe pkts": data or FIN segments (not SYNs) sent while the other side's last window was zero. */
  zeroWindowProbes: number;
  /** "zwnd probe bytes". */
  zeroWindowProbeBytes: number;
  /** "outoforder pkts": segments that start and end before one already seen. */
  outOfOrder: number;
  /** "SYN/FIN pkts sent", each counted modulo 256 as tcptrace does. */
  synPackets: number;
  finPackets: number;
  /** "max win adv": advertised windows, scaled once both SYNs asked for scaling (a SYN's never is). */
  maxWindow: number;
  /** "min win adv": the smallest non-zero one; 0 when none was. */
  minWindow: number;
  /** "avg win adv": integer average over this side's packets (since scaling took effect, when it did). */
  avgWindow: number;
  /** "zero win adv": ACKs advertising a zero window. */
  zeroWindows: number;
  /** "throughput": unique bytes per second over the flow's duration; null (tcptrace's NA) when it lasted no time. */
  throughput: number | null;
  /** "missed data": bytes from the SYN to the FIN (to the last segment after a reset) never seen.
   *  Null (NA) without both a SYN and a FIN; negative where tcptrace prints the 64-bit wrap-around. */
  missedData: number | null;
  /** "truncated data": payload bytes the capture's snap length cut off. */
  truncatedData: number;
  /** "truncated packets". */
  truncatedPackets: number;
  /** "RTT samples/min/max/avg/stdev": ACKs from the other side of exactly one of this side's segments,
   *  sent once (Karn) with no earlier segment sent after it. stdev is tcptrace's sample deviation,
   *  0 for two samples or fewer, null where tcptrace prints NA. Null without samples. */
  rtt: { min: number; avg: number; max: number; stdev: number | null; samples: number } | null;
  /** "RTT from 3WHS": the sample taken when the other side acknowledged this side's (only) SYN; null when none. */
  rttFrom3whs: number | null;
  /** "duplicate acks": ACKs from the other side repeating the highest ACK of this side's data, without
   *  payload, with an unchanged window, while data was outstanding (tcptrace's BSD rule). */
  duplicateAcks: number;
  /** "triple dupacks": the third such duplicate of one ACK. */
  tripleDuplicateAcks: number;
  isn: number | null;
  options: TcpOptions | null;
  /** RFC 9293 state at the end of the capture, and every change with the frame that caused it. */
  state: TcpState;
  states: { frame: number; state: TcpState }[];
  fin: { frame: number; time: number; count: number } | null;
  rst: { frame: number; time: number; count: number } | null;
}

export interface TcpSummary {
  /** Wireshark's tcp.analysis.initial_rtt, seconds. */
  initialRtt: number | null;
  /** Wireshark's tcp.completeness (4.0 rules). */
  completeness: number;
  /** Zeek's conn.log conn_state and history. */
  connState: string | null;
  history: string | null;
  zeek: ZeekConn | null;
  analysis: Record<AnalysisFlag, number>;
  handshake: {
    /** complete; refused (SYN answered by RST); unanswered (no SYN+ACK); incomplete (no final ACK); none (started mid-stream). */
    outcome: 'complete' | 'refused' | 'unanswered' | 'incomplete' | 'none';
    syn: { frame: number; time: number } | null;
    synAck: { frame: number; time: number } | null;
    ack: { frame: number; time: number } | null;
    synRetransmissions: number;
    synAckRetransmissions: number;
    dataOnSyn: boolean;
  };
  client: TcpDirection;
  server: TcpDirection;
  teardown: {
    /** fin: closed with FINs both ways; half-closed: one FIN only; reset; open: neither at the end. */
    outcome: 'fin' | 'half-closed' | 'reset' | 'open';
    /** The side that sent the first FIN; it is the one that waits in TIME_WAIT. */
    activeCloser: 'client' | 'server' | null;
    timeWait: 'client' | 'server' | null;
    /** combined: the passive closer's FIN carried the ACK of the first FIN (three segments). */
    finAck: 'combined' | 'separate' | null;
    simultaneous: boolean;
    /** From the first FIN to the second, and whether the other side sent data meanwhile. */
    halfClose: { duration: number | null; dataAfterFin: boolean } | null;
    reset: { by: 'client' | 'server'; frame: number; time: number } | null;
  };
}

// Durations arrive as nanoseconds; absolute times arrive from layout.ts already in seconds.
const ns = (v: number) => v / 1e9;

/** A TcpRare of a flow without a TcpExtra block: every counter 0. */
const NO_RARE: Record<string, number> = Object.fromEntries(TcpRare.fields.map(([name]) => [name, 0]));

/** The core's pools a TCP record points into: ended Zeek connections (zeekDonePtr()) and TcpExtra
 *  blocks (tcpExtrasPtr()). */
export interface TcpPools { zeekDone: number; tcpExtras: number }

/** The TCP record at `p`; `packets`: the flow record's packets from endpoints A and B. */
export function readTcp(v: DataView, p: number, clientIsB: boolean, duration: number, packets: [number, number],
  pools: TcpPools): TcpSummary {
  const t = readStruct(v, p, TcpFlow) as Record<string, number>;
  const a = readStruct(v, p + TcpFlow.size, TcpSide) as Record<string, number>;
  const b = readStruct(v, p + TcpFlow.size + TcpSide.size, TcpSide) as Record<string, number>;
  const extra = t.extra ? pools.tcpExtras + (t.extra - 1) * TcpExtra.size : 0;
  const rare = (at: number) => (extra ? readStruct(v, extra + at, TcpRare) as Record<string, number> : NO_RARE);
  const [ra, rb] = [rare(TcpExtra.rareA), rare(TcpExtra.rareB)];
  const [c, s] = clientIsB ? [b, a] : [a, b];
  const [rc, rs] = clientIsB ? [rb, ra] : [ra, rb];
  const [pc, ps] = clientIsB ? [packets[1], packets[0]] : packets;
  const sideName = (d: number): 'client' | 'server' => ((d === 1) === clientIsB ? 'client' : 'server');
  const analysis = {} as Record<AnalysisFlag, number>;
  ANALYSIS_FLAGS.forEach((name, i) => { analysis[name] = extra ? v.getUint32(extra + TcpExtra.counts + 4 * i, true) : 0; });
  const at = (frame: number, time: number) => (frame && frame !== NONE ? { frame, time } : null);

  const syn = at(t.synFrame, t.synTime), synAck = at(t.synAckFrame, t.synAckTime), ack = at(t.ackFrame, t.ackTime);
  const firstRst = [a, b].filter((x) => x.rstFrame !== NONE).sort((x, y) => x.rstFrame - y.rstFrame)[0];
  let outcome: TcpSummary['handshake']['outcome'];
  if (!syn && !synAck) outcome = 'none';
  else if (syn && ack) outcome = 'complete';
  else if (syn && !synAck && firstRst) outcome = 'refused';
  else if (syn && !synAck) outcome = 'unanswered';
  else outcome = 'incomplete';

  const fins = [a, b].filter((x) => x.finFrame !== NONE).sort((x, y) => x.finFrame - y.finFrame);
  const sideAt = [p + TcpFlow.size, p + TcpFlow.size + TcpSide.size];
  const finNs = (x: Record<string, number>) => nsOf(v, sideAt[x === a ? 0 : 1], TcpSide, 'finTime');
  const closer = t.flags & TcpFlag.closer ? sideName(t.flags & TcpFlag.closerB ? 1 : 0) : null;
  const teardownOutcome = firstRst && (fins.length < 2 || firstRst.rstFrame < fins[1].finFrame) ? 'reset'
    : fins.length === 2 ? 'fin' : fins.length === 1 ? 'half-closed' : 'open';
  const timeWaitSide = [a, b].findIndex((x) => stateOf(x) === 'TIME_WAIT');
  const zeek = readZeek(v, p + ZEEK_OFFSET, clientIsB, pools.zeekDone);
  return {
    initialRtt: t.firstRtt !== 0 ? ns(t.firstRtt) : null,
    completeness: t.completeness,
    connState: zeek?.connState ?? null,
    history: zeek?.history ?? null,
    zeek,
    analysis,
    handshake: {
      outcome, syn, synAck, ack,
      synRetransmissions: Math.max(0, t.synCount - 1),
      synAckRetransmissions: Math.max(0, t.synAckCount - 1),
      dataOnSyn: (t.flags & TcpFlag.synData) !== 0,
    },
    client: direction(c, rc, pc, duration),
    server: direction(s, rs, ps, duration),
    teardown: {
      outcome: teardownOutcome,
      activeCloser: closer,
      timeWait: timeWaitSide < 0 ? null : sideName(timeWaitSide),
      finAck: fins.length === 2 && !(t.flags & TcpFlag.simultaneousClose)
        ? (t.flags & TcpFlag.finAckCombined ? 'combined' : 'separate') : null,
      simultaneous: (t.flags & TcpFlag.simultaneousClose) !== 0,
      halfClose: fins.length ? {
        duration: fins.length === 2 ? seconds(finNs(fins[1]) - finNs(fins[0])) : null,
        dataAfterFin: (t.flags & TcpFlag.dataAfterFin) !== 0,
      } : null,
      reset: firstRst ? { by: sideName(firstRst === a ? 0 : 1), frame: firstRst.rstFrame, time: firstRst.rstTime } : null,
    },
  };
}

/** A side's state at the end: its latest transition's, CLOSED before any. */
function stateOf(x: Record<string, number>): TcpState {
  return TCP_STATES[transitions(x).at(-1)?.state ?? 0];
}

/** `x`: the side's TcpSide, `r` its TcpRare, `packets` what it sent (all of which tcptrace saw). */
function direction(x: Record<string, number>, r: Record<string, number>, packets: number, duration: number): TcpDirection {
  const states = transitions(x).map(({ frame, state }) => ({ frame, state: TCP_STATES[state] }));
  const synSeen = (x.options & TcpOption.synSeen) !== 0;
  const n = x.rttCount;
  const us = (v: number) => v / 1e6;
  // tcptrace's Stdev(): the sample deviation, 0 for two samples or fewer
  const stdev = n <= 2 ? 0 : Math.sqrt((x.rttSum2 - (x.rttSum * x.rttSum) / n) / (n - 1));
  return {
    packets,
    ackPackets: x.ackPackets,
    pureAcks: x.pureAcks,
    sackPackets: x.sackPackets,
    dsackPackets: r.dsackPackets,
    maxSackBlocks: x.counts >>> 24,
    uniqueBytes: x.uniqueBytes,
    dataPackets: x.dataPackets,
    dataBytes: x.dataBytes,
    retransmittedPackets: r.rexmitPackets,
    retransmittedBytes: r.rexmitBytes,
    zeroWindowProbes: r.probePackets,
    zeroWindowProbeBytes: r.probeBytes,
    outOfOrder: r.oooPackets,
    synPackets: x.counts & 0xff,
    finPackets: (x.counts >>> 8) & 0xff,
    maxWindow: x.winMax,
    minWindow: x.winMin,
    avgWindow: avgWindow(x, packets),
    zeroWindows: r.zeroWindows,
    throughput: duration > 0 ? x.uniqueBytes / duration : null,
    missedData: missedData(x, r.wraps),
    truncatedData: x.truncBytes,
    truncatedPackets: x.truncPackets,
    rtt: n ? {
      min: us(x.rttMin), avg: us(x.rttSum / n), max: us(x.rttMax),
      stdev: Number.isFinite(stdev) ? us(stdev) : null, samples: n,
    } : null,
    rttFrom3whs: x.rtt3whs ? us(x.rtt3whs) : null,
    duplicateAcks: x.dupAcks,
    tripleDuplicateAcks: r.tripleDupAcks,
    isn: synSeen ? x.isn : null,
    options: synSeen ? {
      mss: x.options & TcpOption.mss ? x.mss : null,
      windowScale: x.options & TcpOption.wscale ? x.wscale : null,
      sackPermitted: (x.options & TcpOption.sackPerm) !== 0,
      timestamps: (x.options & TcpOption.timestamps) !== 0,
      fastOpen: (x.options & TcpOption.fastOpen) !== 0,
    } : null,
    state: stateOf(x),
    states,
    fin: x.finFrame !== NONE ? { frame: x.finFrame, time: x.finTime, count: x.finCount } : null,
    rst: x.rstFrame !== NONE ? { frame: x.rstFrame, time: x.rstTime, count: x.rstCount } : null,
  };
}

/** "ttl stream length" from the SYN to the FIN, or to the last segment after a reset, over the
 *  sequence space wrap-arounds, less the unique bytes; in 64-bit arithmetic as tcptrace's. */
function missedData(x: Record<string, number>, wrapCount: number): number | null {
  const syns = x.counts & 0xff, fins = (x.counts >>> 8) & 0xff, resets = (x.counts >>> 16) & 0xff;
  if (syns === 0 || fins === 0) return null;
  const W = 1n << 32n;
  const last = BigInt(resets > 0 ? x.latestSeq : x.ttFin), syn = BigInt(x.ttSyn), wraps = BigInt(wrapCount);
  const length = last > syn ? last + W * wraps - syn - 1n : last + W * (wraps + 1n) - syn - 1n;
  return Number(length - BigInt(x.uniqueBytes));
}

/** "avg win adv": over the packets since scaling took effect, or over all of them. */
function avgWindow(x: Record<string, number>, packets: number): number {
  const n = x.ttFlags & TcptraceFlag.scaled ? x.winScaled : packets;
  return n === 0 ? 0 : Math.floor(x.winTot / n);
}
