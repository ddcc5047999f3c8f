// Byte layouts of what the wasm core writes, mirrored from assembly/. The core reports its record
// sizes, and the engine refuses to run when they differ from these.

const NS_EXACT = 2n ** 53n;

/**
 * Nanoseconds to seconds, as the double nearest the exact decimal. Below 2^53 ns (104 days) both
 * operands of ns / 1e9 are exact and the division rounds once. Above, the whole seconds (over 2^23)
 * are exact and their ulp is coarse enough that adding the rounded fraction cannot land on the wrong
 * side of a halfway point: 1e9 = 2^9 * 1953125 keeps any fraction of nanoseconds at least 2^9/1e9 of
 * an ulp from one, far beyond the fraction's own rounding error.
 */
export function seconds(ns: bigint): number {
  if (ns < NS_EXACT && ns > -NS_EXACT) return Number(ns) / 1e9;
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  const v = Number(a / 1_000_000_000n) + Number(a % 1_000_000_000n) / 1e9;
  return neg ? -v : v;
}

/** Capture summary (assembly/index.ts summary()). */
export const Summary = {
  frames: 0, format: 4, wireBytes: 8, capturedBytes: 16, first: 24, last: 32, truncated: 40,
  ignoredBytes: 48, flows: 56, formatFlags: 60, sections: 64, stopped: 68, fileOffset: 72,
} as const;

/** One flow (assembly/flow/flow.ts), 128 bytes. */
export const Flow = {
  size: 128,
  first: 0, last: 8, bytesA: 16, bytesB: 24, payA: 32, payB: 40, addrA: 48, addrB: 64,
  pktsA: 80, pktsB: 84, portA: 88, portB: 90, proto: 92, family: 93, flags: 94, stream: 96,
  firstFrame: 100, lastFrame: 104, prev: 108, tcpFlagsA: 112, tcpFlagsB: 114, baseSeqA: 116, baseSeqB: 120,
  tcp: 124,
} as const;

/** Flow.flags bits. */
export const FlowFlag = { clientIsB: 1, midstream: 2, reused: 4 } as const;

/** One packet record (assembly/flow/track.ts), 96 bytes. */
export const Packet = {
  size: 96,
  time: 0, offset: 8, frame: 16, flow: 20, wireLen: 24, capLen: 28, seq: 32, ack: 36, len: 40,
  tcpFlags: 44, dir: 46, proto: 47, analysis: 48, window: 52, rawSeq: 56, rawAck: 60,
  dupAckNum: 64, dupAckFrame: 68, acksFrame: 72, bytesInFlight: 76, ackRtt: 80, stateA: 88, stateB: 89,
  dataAt: 90, linkType: 92,
} as const;

/** One warning (assembly/util/warnings.ts), 24 bytes. */
export const Warning = { size: 24, code: 0, packet: 4, offset: 8, detail: 16 } as const;

/** One count of undecoded things (assembly/util/counts.ts), 16 bytes. */
export const Count = { size: 16, kind: 0, value: 4, count: 8 } as const;

export const NONE = 0xffffffff;

/** `time`: an i64 of nanoseconds since the epoch, read as exact seconds. */
type FieldType = 'i64' | 'u64' | 'f64' | 'u32' | 'i32' | 'u16' | 'u8' | 'i8' | 'time';
const SIZES: Record<FieldType, number> = { i64: 8, u64: 8, f64: 8, u32: 4, i32: 4, u16: 2, u8: 1, i8: 1, time: 8 };

/** Offsets of an @unmanaged AssemblyScript class, from its fields in declaration order. */
export interface Struct<K extends string> {
  size: number;
  fields: [K, FieldType, number][];
  /** A view of one struct in memory: each field a getter that reads it when asked. */
  view: new (v: DataView, p: number) => Record<K, number>;
}

function struct<K extends string>(fields: Record<K, FieldType>): Struct<K> {
  let at = 0;
  const out: [K, FieldType, number][] = [];
  class View { constructor(readonly v: DataView, readonly p: number) {} }
  for (const [name, type] of Object.entries(fields) as [K, FieldType][]) {
    const size = SIZES[type];
    at = Math.ceil(at / size) * size;
    out.push([name, type, at]);
    Object.defineProperty(View.prototype, name, { get: getter(type, at), enumerable: true });
    at += size;
  }
  return { size: at, fields: out, view: View as unknown as Struct<K>['view'] };
}

// 64-bit integers from their halves: the sum rounds once, to the double Number(bigint) would give,
// without a BigInt per read.
function getter(type: FieldType, at: number): (this: { v: DataView; p: number }) => number {
  switch (type) {
    case 'i64': return function () { return this.v.getInt32(this.p + at + 4, true) * 4294967296 + this.v.getUint32(this.p + at, true); };
    case 'u64': return function () { return this.v.getUint32(this.p + at + 4, true) * 4294967296 + this.v.getUint32(this.p + at, true); };
    case 'time': return function () { return seconds(this.v.getBigInt64(this.p + at, true)); };
    case 'f64': return function () { return this.v.getFloat64(this.p + at, true); };
    case 'u32': return function () { return this.v.getUint32(this.p + at, true); };
    case 'i32': return function () { return this.v.getInt32(this.p + at, true); };
    case 'u16': return function () { return this.v.getUint16(this.p + at, true); };
    case 'u8': return function () { return this.v.getUint8(this.p + at); };
    case 'i8': return function () { return this.v.getInt8(this.p + at); };
  }
}

/**
 * A struct in memory, its fields read as they are asked for (64-bit values through Number). Read it
 * before the core runs again: it sees the memory as it is then.
 */
export function readStruct<K extends string>(v: DataView, p: number, s: Struct<K>): Record<K, number> {
  return new s.view(v, p);
}

/** A `time` field as nanoseconds, for exact differences. */
export function nsOf<K extends string>(v: DataView, p: number, s: Struct<K>, name: K): bigint {
  const f = s.fields.find(([n]) => n === name)!;
  return v.getBigInt64(p + f[2], true);
}

const u32 = 'u32' as const, i32 = 'i32' as const, u16 = 'u16' as const, u8 = 'u8' as const, i8 = 'i8' as const,
  i64 = 'i64' as const, u64 = 'u64' as const, time = 'time' as const;

/** assembly/analysis/tcp-flow.ts TcpFlow: the part of a TCP flow's state both sides share. */
export const TcpFlow = struct({
  firstRtt: i64, lastSynTime: time, synTime: time, synAckTime: time, ackTime: time,
  completeness: u32, flags: u32, extra: u32, synFrame: u32, synAckFrame: u32, ackFrame: u32, synCount: u32,
  synAckCount: u32,
});

/** assembly/analysis/tcp-flow.ts TcpSide: one direction; side A's follows TcpFlow, then side B's. Its
 *  total packets are the flow record's (pktsA, pktsB); its rarer counters are in TcpRare. */
export const TcpSide = struct({
  nextseqTime: time, lastackTime: time,
  dataBytes: u64, uniqueBytes: u64, truncBytes: u64, winTot: u64, owinTot: u64, rttSum: 'f64', rttSum2: 'f64',
  nextseq: u32, maxseqtobeacked: u32, lastack: u32, window: u32, lastnondupack: u32, dupacknum: i32,
  segHead: u32, segTail: u32, sackBytes: u32, segCount: u16, firstAck: u8, validBif: u8, segSorted: u8,
  winScale: i8, lastFlags: u8, options: u8,
  counts: u32, ttFlags: u32, ttAck: u32, ttSyn: u32, latestSeq: u32, winLast: u32, winMax: u32, winMin: u32,
  winScaled: u32, ackPackets: u32, pureAcks: u32, dataPackets: u32, truncPackets: u32,
  quad0: u32, quad1: u32, quad2: u32, quad3: u32,
  states: u32, isn: u32, finFrame: u32, finSeq: u32,
  rttCount: u32, rttMin: u32, rttMax: u32, rttLast: u32, dupAcks: u32, sackPackets: u32, ttFin: u32, rtt3whs: u32,
  finCount: u32, rstFrame: u32, rstCount: u32,
  tf0: u32, tf1: u32, tf2: u32, tf3: u32, tf4: u32, tf5: u32, tf6: u32, tf7: u32,
  mss: u16, wscale: u8, dir: u8, finTime: time, rstTime: time,
});

/** assembly/analysis/tcp-flow.ts TcpRare: a side's rarer tcptrace counters, in the flow's TcpExtra. */
export const TcpRare = struct({
  rexmitBytes: u64, rexmitPackets: u32, oooPackets: u32, probePackets: u32, probeBytes: u32, zeroWindows: u32,
  tripleDupAcks: u32, dsackPackets: u32, wraps: u32,
});

/** A flow's block in the core's TCP extras pool (tcpExtrasPtr()), made on its first rare event
 *  (TcpFlow.extra: index + 1, 0 when none, every field then 0): Wireshark's flag counts (u32 each,
 *  by their bit in ANALYSIS_FLAGS), then side A's and side B's TcpRare. */
export const TcpExtra = { size: 144, counts: 0, rareA: 64, rareB: 104 } as const;

/** The RFC 9293 states a side entered, from TcpSide.states (nibble i: entry i's state + 1, 0 when
 *  none) and tf0..tf7, oldest first. */
export function transitions(side: Record<string, number>): { frame: number; state: number }[] {
  const out: { frame: number; state: number }[] = [];
  for (let i = 0; i < 8; i++) {
    const s = (side.states >>> (4 * i)) & 15;
    if (s === 0) break;
    out.push({ frame: side[`tf${i}`], state: s - 1 });
  }
  return out;
}

/** Zeek's state of the connection follows the two sides (assembly/analysis/zeek.ts ZEEK_SIZE). */
export const ZEEK_OFFSET = TcpFlow.size + 2 * TcpSide.size;
export const ZEEK_SIZE = 224;
export const TCP_SIZE = ZEEK_OFFSET + ZEEK_SIZE;

/** TcpFlow.flags; closer: a side has sent a FIN, closerB: the first one was side B's. */
export const TcpFlag = { simultaneousClose: 1, finAckCombined: 2, dataAfterFin: 4, synData: 8, closer: 16, closerB: 32 } as const;
/** TcpSide.options */
export const TcpOption = { mss: 1, wscale: 2, sackPerm: 4, timestamps: 8, fastOpen: 16, synSeen: 32 } as const;
/** TcpSide.ttFlags (assembly/analysis/tcptrace.ts TT_*): window scaling in effect for the averages. */
export const TcptraceFlag = { scaled: 2 } as const;

/** RFC 9293 states, by their number in assembly/analysis/tcp-flow.ts State. */
export const TCP_STATES = ['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1',
  'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT'] as const;

/** Wireshark's tcp.analysis flags, by their bit in the packet record's analysis field. */
export const ANALYSIS_FLAGS = ['retransmission', 'fast_retransmission', 'spurious_retransmission',
  'out_of_order', 'lost_segment', 'ack_lost_segment', 'duplicate_ack', 'zero_window', 'zero_window_probe',
  'zero_window_probe_ack', 'window_full', 'window_update', 'keep_alive', 'keep_alive_ack', 'reused_ports'] as const;
