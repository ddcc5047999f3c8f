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

/** assembly/analysis/zeek.ts: two ZeekSides, the live summary with its history, ZeekLive, the slots. */
const SIDE_SIZE = 104;
const Summary = { first: 0, last: 8, missed: 16, sizeA: 24, sizeB: 32, stateA: 40, stateB: 41, roles: 42, historyLen: 43, history: 44 } as const;
const LIVE_HISTORY = 44, DONE_HISTORY = 20;
const SUMMARY = 2 * SIDE_SIZE;
const LIVE = SUMMARY + Summary.history + LIVE_HISTORY;
const Live = { bits: 20, slots: 24, dropped: 28, size: 32 } as const;
const SLOTS = LIVE + Live.size;
const SLOT_SIZE = Summary.history + DONE_HISTORY;
const CONN_STARTED = 1;

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

function readSummary(v: DataView, p: number, capacity: number, clientIsB: boolean): ZeekConnection {
  const origIsB = v.getUint8(p + Summary.roles) === 1;
  const n = Math.min(v.getUint8(p + Summary.historyLen), capacity);
  let history = '';
  for (let i = 0; i < n; i++) history += String.fromCharCode(v.getUint8(p + Summary.history + i));
  const sizeA = Number(v.getBigUint64(p + Summary.sizeA, true)), sizeB = Number(v.getBigUint64(p + Summary.sizeB, true));
  const stateA = v.getUint8(p + Summary.stateA), stateB = v.getUint8(p + Summary.stateB);
  const [os, rs, origBytes, respBytes] = origIsB ? [stateB, stateA, sizeB, sizeA] : [stateA, stateB, sizeA, sizeB];
  const first = nanos(v, p + Summary.first);
  return {
    connState: connState(os, rs, origBytes, respBytes, history),
    history,
    origIsClient: origIsB === clientIsB,
    origBytes,
    respBytes,
    missedBytes: Number(v.getBigUint64(p + Summary.missed, true)),
    first: Number(first) / 1e9,
    duration: Number(nanos(v, p + Summary.last) - first) / 1e9,
  };
}

/** Decodes the Zeek state at `p`; `clientIsB` says whether the flow's client is endpoint B. */
export function readZeek(v: DataView, p: number, clientIsB: boolean): ZeekConn | null {
  if (!(v.getUint32(p + LIVE + Live.bits, true) & CONN_STARTED)) return null;
  const earlier: ZeekConnection[] = [];
  const kept = v.getUint32(p + LIVE + Live.slots, true);
  for (let i = 0; i < kept; i++) earlier.push(readSummary(v, p + SLOTS + i * SLOT_SIZE, DONE_HISTORY, clientIsB));
  return {
    ...readSummary(v, p + SUMMARY, LIVE_HISTORY, clientIsB),
    earlier,
    omitted: v.getUint32(p + LIVE + Live.dropped, true),
  };
}
