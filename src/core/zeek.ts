// Zeek's conn.log view of a TCP flow, read from the core's Zeek state (assembly/analysis/zeek.ts):
// the connection Zeek had open at the end, the ones it ended earlier on the same ports, and
// conn_state as base/protocols/conn/main.zeek derives it.

/** One Zeek connection, as a conn.log row shows it. */
export interface ZeekConnection {
  connState: string;
  history: string;
  /** Zeek's originator is the flow's client (false: Zeek flipped the roles the other way). */
  origIsClient: boolean;
  /** TCP_Endpoint::Size of each side: payload bytes from the sequence numbers. */
  origBytes: number;
  respBytes: number;
  missedBytes: number;
  /** First packet of this Zeek connection, seconds since the epoch. */
  first: number;
  /** Zeek's duration, seconds: up to the last packet before both sides had closed. conn.log leaves
   * orig_bytes and resp_bytes unset ("-") when it is 0. */
  duration: number;
}

/** Zeek's view of a flow: the connection it had open at the flow's last packet, and those it ended
 * before on the same ports (its timers, or a SYN after a close) while the flow went on. */
export interface ZeekConn extends ZeekConnection {
  /** Oldest first. */
  earlier: ZeekConnection[];
  /** More such connections, beyond what the core keeps. */
  omitted: number;
}

/** TCP_Endpoint.h EndpointState, by number. */
const INACTIVE = 0, SYN_SENT = 1, SYN_ACK_SENT = 2, PARTIAL = 3, ESTABLISHED = 4, CLOSED = 5, RESET = 6;

/** assembly/analysis/zeek.ts: two ZeekSides, the live connection with its history, ZeekLive; a flow's
 * ended connections are SLOT_COUNT slots of a block in the core's ended-connection pool. */
const SIDE_SIZE = 72;
const Side = { startSeq: 24, lastSeq: 28, ackSeq: 32, seqWraps: 36, ackWraps: 40, state: 68, prevState: 69, bits: 70 } as const;
const SIDE_FIN = 1;
const Conn = { first: 0, last: 8, missed: 16, historyLen: 24, history: 25 } as const;
const LIVE_HISTORY = 23;
const CONN = 2 * SIDE_SIZE;
const LIVE = CONN + Conn.history + LIVE_HISTORY;
const Live = { bits: 20, done: 24, dropped: 28 } as const;
const Slot = { first: 0, last: 8, missed: 16, sizeA: 24, sizeB: 32, stateA: 40, stateB: 41, roles: 42, historyLen: 43, history: 44 } as const;
const DONE_HISTORY = 20;
const SLOT_SIZE = Slot.history + DONE_HISTORY;
const DONE_SIZE = 2 * SLOT_SIZE;
const CONN_STARTED = 1, CONN_ORIG_IS_B = 2, KEPT_SHIFT = 8;

// The pattern base/protocols/conn/main.zeek tests (`==` matches a whole string).
const RSTOS0 = /^\^?S[^HAFGIQ]*R.*$/;

/** conn_state as base/protocols/conn/main.zeek computes it from the endpoint states. */
function connState(os: number, rs: number, origSize: number, respSize: number, history: string): string {
  const oInactive = os === INACTIVE || os === PARTIAL;
  const rInactive = rs === INACTIVE || rs === PARTIAL;
  if (rs === RESET) {
    if (os === SYN_SENT || os === SYN_ACK_SENT || (os === RESET && origSize === 0 && respSize === 0)) return 'REJ';
    return oInactive ? 'RSTRH' : 'RSTR';
  }
  if (os === RESET) {
    if (rInactive) return RSTOS0.test(history) ? 'RSTOS0' : 'OTH';
    return 'RSTO';
  }
  if (rs === CLOSED && os === CLOSED) return 'SF';
  if (os === CLOSED) return rInactive ? 'SH' : 'S2';
  if (rs === CLOSED) return oInactive ? 'SHR' : 'S3';
  if (os === SYN_SENT && rs === INACTIVE) return 'S0';
  if (os === ESTABLISHED && rs === ESTABLISHED) return 'S1';
  return 'OTH';
}

const nanos = (v: DataView, p: number) => v.getBigInt64(p, true);

/** A side's sequence numbers and states, as TCP_Endpoint::Size needs them. */
function endpoint(v: DataView, p: number) {
  const u32 = (at: number) => v.getUint32(p + at, true);
  return {
    start: u32(Side.startSeq), lastSeq: u32(Side.lastSeq), seqWraps: u32(Side.seqWraps),
    ackSeq: u32(Side.ackSeq), ackWraps: u32(Side.ackWraps),
    state: v.getUint8(p + Side.state), prevState: v.getUint8(p + Side.prevState),
    fin: (v.getUint8(p + Side.bits) & SIDE_FIN) !== 0,
  };
}

/** TCP_Endpoint::Size, as zeek.ts size() computes it for an ended connection, in u64 arithmetic. */
function size(e: ReturnType<typeof endpoint>, peer: ReturnType<typeof endpoint>): number {
  // doubles are exact while the wrap counts stay under 2^20 and nothing wraps below zero
  const W = 2 ** 32;
  const last = e.seqWraps * W + e.lastSeq, acked = e.ackWraps * W + e.ackSeq;
  let n = Math.max(last, acked) - e.start;
  if (e.seqWraps >= 2 ** 20 || e.ackWraps >= 2 ** 20 || n < 0) return sizeWide(e, peer);
  const noDataAcked = acked === e.start || acked === e.start + 1;
  if (e.prevState === SYN_SENT && e.state === RESET && peer.state === INACTIVE && !noDataAcked) return 0;
  if (n !== 0) n--;
  if (e.fin && n !== 0) n--;
  return n;
}

function sizeWide(e: ReturnType<typeof endpoint>, peer: ReturnType<typeof endpoint>): number {
  const start = BigInt(e.start);
  const last = (BigInt(e.seqWraps) << 32n) + BigInt(e.lastSeq), acked = (BigInt(e.ackWraps) << 32n) + BigInt(e.ackSeq);
  const noDataAcked = acked === start || acked === start + 1n;
  if (e.prevState === SYN_SENT && e.state === RESET && peer.state === INACTIVE && !noDataAcked) return 0;
  let n = BigInt.asUintN(64, (last > acked ? last : acked) - start);
  if (n !== 0n) n--;
  if (e.fin && n !== 0n) n--;
  return Number(n);
}

interface Fields { first: bigint; last: bigint; missed: number; sizeA: number; sizeB: number; stateA: number; stateB: number; origIsB: boolean; history: string }

function connection(f: Fields, clientIsB: boolean): ZeekConnection {
  const [os, rs, origBytes, respBytes] = f.origIsB ? [f.stateB, f.stateA, f.sizeB, f.sizeA] : [f.stateA, f.stateB, f.sizeA, f.sizeB];
  return {
    connState: connState(os, rs, origBytes, respBytes, f.history),
    history: f.history,
    origIsClient: f.origIsB === clientIsB,
    origBytes,
    respBytes,
    missedBytes: f.missed,
    first: Number(f.first) / 1e9,
    duration: Number(f.last - f.first) / 1e9,
  };
}

function history(v: DataView, p: number, n: number): string {
  let h = '';
  for (let i = 0; i < n; i++) h += String.fromCharCode(v.getUint8(p + i));
  return h;
}

/** An ended connection in its slot. */
function readSlot(v: DataView, p: number, clientIsB: boolean): ZeekConnection {
  return connection({
    first: nanos(v, p + Slot.first), last: nanos(v, p + Slot.last),
    missed: Number(v.getBigUint64(p + Slot.missed, true)),
    sizeA: Number(v.getBigUint64(p + Slot.sizeA, true)), sizeB: Number(v.getBigUint64(p + Slot.sizeB, true)),
    stateA: v.getUint8(p + Slot.stateA), stateB: v.getUint8(p + Slot.stateB),
    origIsB: v.getUint8(p + Slot.roles) === 1,
    history: history(v, p + Slot.history, Math.min(v.getUint8(p + Slot.historyLen), DONE_HISTORY)),
  }, clientIsB);
}

/** Decodes the Zeek state at `p`; `clientIsB` says whether the flow's client is endpoint B; `done`
 * is the core's ended-connection pool. */
export function readZeek(v: DataView, p: number, clientIsB: boolean, done: number): ZeekConn | null {
  const bits = v.getUint32(p + LIVE + Live.bits, true);
  if (!(bits & CONN_STARTED)) return null;
  const earlier: ZeekConnection[] = [];
  const kept = (bits >>> KEPT_SHIFT) & 3, block = v.getUint32(p + LIVE + Live.done, true);
  for (let i = 0; i < kept; i++) earlier.push(readSlot(v, done + (block - 1) * DONE_SIZE + i * SLOT_SIZE, clientIsB));
  const a = endpoint(v, p), b = endpoint(v, p + SIDE_SIZE);
  const c = p + CONN;
  return {
    ...connection({
      first: nanos(v, c + Conn.first), last: nanos(v, c + Conn.last),
      missed: Number(v.getBigUint64(c + Conn.missed, true)),
      sizeA: size(a, b), sizeB: size(b, a), stateA: a.state, stateB: b.state,
      origIsB: (bits & CONN_ORIG_IS_B) !== 0,
      history: history(v, c + Conn.history, Math.min(v.getUint8(c + Conn.historyLen), LIVE_HISTORY)),
    }, clientIsB),
    earlier,
    omitted: v.getUint32(p + LIVE + Live.dropped, true),
  };
}
