// A TCP flow's story, from the core's TcpFlow and TcpSide records: handshake, each direction's
// statistics (tcptrace's), teardown, endpoint states and Wireshark's analysis flag counts.

import { TcpFlow, TcpSide, TcpFlag, TcpOption, TCP_STATES, ANALYSIS_FLAGS, NONE, ZEEK_OFFSET, readStruct, nsOf, seconds } from './layout.js';
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

export interface TcpDirection {
  packets: number;
  dataPackets: number;
  dataBytes: number;
  uniqueBytes: number;
  retransmittedPackets: number;
  retransmittedBytes: number;
  outOfOrder: number;
  pureAcks: number;
  duplicateAcks: number;
  tripleDuplicateAcks: number;
  zeroWindows: number;
  zeroWindowProbes: number;
  sackPackets: number;
  dsackPackets: number;
  /** RTT of this side's segments, from ACKs of segments sent once (Karn); seconds. */
  rtt: { min: number; avg: number; max: number; stdev: number; samples: number } | null;
  maxWindow: number;
  minWindow: number | null;
  /** Unique bytes per second over the flow's duration. */
  throughput: number;
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

export function readTcp(v: DataView, p: number, clientIsB: boolean, duration: number): TcpSummary {
  const t = readStruct(v, p, TcpFlow) as Record<string, number>;
  const a = readStruct(v, p + TcpFlow.size, TcpSide) as Record<string, number>;
  const b = readStruct(v, p + TcpFlow.size + TcpSide.size, TcpSide) as Record<string, number>;
  const [c, s] = clientIsB ? [b, a] : [a, b];
  const sideName = (d: number): 'client' | 'server' => ((d === 1) === clientIsB ? 'client' : 'server');
  const analysis = {} as Record<AnalysisFlag, number>;
  ANALYSIS_FLAGS.forEach((name, i) => { analysis[name] = t[`counts${i}`]; });
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
  const closer = t.closer === NONE ? null : sideName(t.closer);
  const teardownOutcome = firstRst && (fins.length < 2 || firstRst.rstFrame < fins[1].finFrame) ? 'reset'
    : fins.length === 2 ? 'fin' : fins.length === 1 ? 'half-closed' : 'open';
  const timeWaitSide = [a, b].findIndex((x) => TCP_STATES[x.state] === 'TIME_WAIT');
  const zeek = readZeek(v, p + ZEEK_OFFSET, clientIsB);
  return {
    initialRtt: t.rttSet ? ns(t.firstRtt) : null,
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
    client: direction(c, duration),
    server: direction(s, duration),
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

function direction(x: Record<string, number>, duration: number): TcpDirection {
  const states: { frame: number; state: TcpState }[] = [];
  for (let i = 0; i < x.transitions; i++) states.push({ frame: x[`tf${i}`], state: TCP_STATES[x[`ts${i}`]] });
  const unique = x.dataBytes - x.rexmitBytes;
  const mean = x.rttCount ? x.rttSum / x.rttCount : 0;
  const synSeen = (x.options & TcpOption.synSeen) !== 0;
  return {
    packets: x.packets,
    dataPackets: x.dataPackets,
    dataBytes: x.dataBytes,
    uniqueBytes: unique,
    retransmittedPackets: x.rexmitPackets,
    retransmittedBytes: x.rexmitBytes,
    outOfOrder: x.oooPackets,
    pureAcks: x.pureAcks,
    duplicateAcks: x.dupAcks,
    tripleDuplicateAcks: x.tripleDupAcks,
    zeroWindows: x.zeroWindows,
    zeroWindowProbes: x.zeroWindowProbes,
    sackPackets: x.sackPackets,
    dsackPackets: x.dsackPackets,
    rtt: x.rttCount ? {
      min: ns(x.rttMin), avg: ns(mean), max: ns(x.rttMax),
      stdev: ns(Math.sqrt(Math.max(0, x.rttSumSq / x.rttCount - mean * mean))),
      samples: x.rttCount,
    } : null,
    maxWindow: x.maxWindow,
    minWindow: x.packets ? x.minWindow : null,
    throughput: duration > 0 ? unique / duration : 0,
    isn: synSeen ? x.isn : null,
    options: synSeen ? {
      mss: x.options & TcpOption.mss ? x.mss : null,
      windowScale: x.options & TcpOption.wscale ? x.wscale : null,
      sackPermitted: (x.options & TcpOption.sackPerm) !== 0,
      timestamps: (x.options & TcpOption.timestamps) !== 0,
      fastOpen: (x.options & TcpOption.fastOpen) !== 0,
    } : null,
    state: TCP_STATES[x.state],
    states,
    fin: x.finFrame !== NONE ? { frame: x.finFrame, time: x.finTime, count: x.finCount } : null,
    rst: x.rstFrame !== NONE ? { frame: x.rstFrame, time: x.rstTime, count: x.rstCount } : null,
  };
}
