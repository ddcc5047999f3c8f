// A simulated network for the benchmark's captures: thousands of concurrent conversations between
// clients and servers, each TCP endpoint a small but real stack (RFC 9293 states, RFC 5681 slow start,
// congestion avoidance and fast retransmit after three duplicate ACKs, RFC 6675 SACK recovery, RFC
// 6298 retransmission timeouts with backoff, delayed ACKs, zero windows and persist probes, FIN and
// RST teardowns), and a capture point on each path that sees packets go by. Loss happens on either
// side of the capture point, so the capture holds both segments that are later retransmitted and
// retransmissions of segments it never saw, with the duplicate ACKs that a receiver sends for them.
//
// Time is integer microseconds from the start of the capture, the resolution of a pcap file.
// Sequence numbers are relative to their sender's ISN (the SYN is 0, data starts at 1) and made
// absolute only when a packet is written; they never wrap here, the written ones do.

import { Random } from './random.js';
import { TcpFlag, tcpOption, concat } from '../test/helpers/capture-writer.js';

const { FIN, SYN, RST, PSH, ACK } = TcpFlag;

const MS = 1000;
const SECOND = 1_000_000;

/** Linux's delayed-ACK timeout (TCP_DELACK_MIN, 40 ms); Windows waits 200 ms. */
const DELACK_LINUX = 40 * MS;
const DELACK_WINDOWS = 200 * MS;
/** RFC 6298's initial RTO, and Linux's floor for it (TCP_RTO_MIN, 200 ms). */
const RTO_INITIAL = 1 * SECOND;
const RTO_MIN = 200 * MS;
const RTO_MAX = 60 * SECOND;
/** SYN retransmissions before a client gives up (Linux tcp_syn_retries is 6; 3 keeps captures short). */
const SYN_RETRIES = 3;
/** Ethernet + IP + TCP headers, to pace segments by their size on the wire. */
const HEADERS = 66;

/** Why a packet was sent; the generator counts captured packets by reason. */
export const Why = {
  SYN: 0, SYN_RETRANSMISSION: 1, DATA: 2, ACK: 3, DUPLICATE_ACK: 4, FAST_RETRANSMISSION: 5,
  SACK_RETRANSMISSION: 6, TIMEOUT_RETRANSMISSION: 7, ZERO_WINDOW_ACK: 8, ZERO_WINDOW_PROBE: 9,
  WINDOW_UPDATE: 10, FIN: 11, RST: 12, UDP: 13,
} as const;
export const WHY_NAMES = Object.keys(Why) as (keyof typeof Why)[];

/** What the generator knows of a conversation to write its packets. */
export interface Conversation {
  /** 'tcp' or 'udp'. */
  readonly udp: boolean;
  readonly v6: boolean;
  readonly client: { ip: string; port: number };
  readonly server: { ip: string; port: number };
  /** The ISNs, to make sequence numbers absolute. */
  readonly clientIsn: number;
  readonly serverIsn: number;
  /** For the writer: headers built once per direction, and the IP id counters. */
  frames: unknown;
  /** Set when its first packet is captured. */
  seen: boolean;
}

/** A packet on the wire. Sequence numbers are relative (see the top of the file). */
export class Segment {
  constructor(
    readonly conv: Conversation,
    readonly fromClient: boolean,
    readonly flags: number,
    /** Relative to the sender's ISN; for UDP, where in the payload pattern the bytes start. */
    readonly seq: number,
    /** Relative to the receiver's ISN. */
    readonly ack: number,
    /** The window field as sent (scaled). */
    readonly window: number,
    readonly len: number,
    readonly why: number,
    /** Timestamps option values, or tsVal -1 when the option is absent. */
    readonly tsVal: number,
    readonly tsEcr: number,
    /** SACK blocks, [left, right) pairs relative to the receiver's ISN, most recent first; or null. */
    readonly sack: number[] | null,
    /** A SYN's options, encoded; or null. */
    readonly synOptions: Uint8Array | null,
  ) {}

  /** Lost after the capture point: seen, but it never arrives. */
  lost = false;
}

// ---------------------------------------------------------------------------------------------
// Events

const EV_CAPTURE = 0, EV_ARRIVE = 1, EV_TIMER = 2, EV_CALL = 3;

class Event {
  constructor(
    readonly time: number,
    readonly order: number,
    readonly kind: number,
    readonly target: unknown,
    readonly seg: Segment | null,
  ) {}
}

/** A binary heap of events by time; equal times keep the order they were scheduled in. */
class EventQueue {
  #heap: Event[] = [];
  #order = 0;

  get size(): number { return this.#heap.length; }

  push(time: number, kind: number, target: unknown, seg: Segment | null = null): void {
    const h = this.#heap;
    const e = new Event(time, this.#order++, kind, target, seg);
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = e;
  }

  pop(): Event | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const c = l + 1 < h.length && before(h[l + 1], h[l]) ? l + 1 : l;
        if (!before(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

const before = (a: Event, b: Event) => a.time < b.time || (a.time === b.time && a.order < b.order);

/** One timer of an endpoint: at most one event is pending; moving the deadline later costs nothing. */
class Timer {
  at = -1;
  eventAt = -1;
  constructor(readonly ep: Endpoint, readonly fire: (ep: Endpoint) => void) {}
}

// ---------------------------------------------------------------------------------------------
// Paths: client -- dClient -- [capture] -- dServer -- server

interface Path {
  /** One-way delays from each end to the capture point. */
  dClient: number;
  dServer: number;
  /** Chance that a packet is lost, and that the loss is before the capture point. */
  loss: number;
  lossBeforeCapture: number;
  /** Bottleneck rate, bytes per microsecond. */
  rate: number;
}

// ---------------------------------------------------------------------------------------------
// TCP

const CLOSED = 0, LISTEN = 1, SYN_SENT = 2, SYN_RECEIVED = 3, ESTABLISHED = 4, FIN_WAIT_1 = 5,
  FIN_WAIT_2 = 6, CLOSING = 7, TIME_WAIT = 8, CLOSE_WAIT = 9, LAST_ACK = 10,
  /** Sent a RST: answers whatever still arrives with a RST. */
  ABORTED = 11,
  /** A closed port: answers a SYN with RST+ACK. */
  REFUSING = 12,
  /** A host that never answers. */
  SILENT = 13;

/** How a host's stack sets up a connection (its SYN options follow the OS's order). */
interface Stack {
  windows: boolean;
  mss: number;
  windowScale: number;
  timestamps: boolean;
  synWindow: number;
  delack: number;
}

const LINUX: Stack = { windows: false, mss: 1460, windowScale: 7, timestamps: true, synWindow: 64240, delack: DELACK_LINUX };
const WINDOWS: Stack = { windows: true, mss: 1460, windowScale: 8, timestamps: false, synWindow: 64240, delack: DELACK_WINDOWS };

/** What the applications on a connection do; see TcpConversation's methods. */
interface Plan {
  exchanges: number;
  request: () => number;
  response: () => number;
  /** Server's time to answer, and the client's time between exchanges. */
  serverDelay: () => number;
  think: () => number;
  close: 'client' | 'server' | 'simultaneous' | 'client-rst' | 'server-rst';
  /** 0: the passive closer sends its FIN at once, acknowledging the first FIN in it. */
  passiveDelay: number;
  /** The bulk receiver stops reading after `at` bytes for `duration`: its window closes. */
  stall: { at: number; duration: number } | null;
}

class Endpoint {
  peer!: Endpoint;
  state = CLOSED;
  readonly isn: number;
  // negotiated at the handshake
  mss = 536;
  sack = false;
  timestamps = false;
  /** Shifts: this side's window field is scaled by `myScale`, the peer's by `peerScale`. */
  myScale = 0;
  peerScale = 0;
  // sending
  written = 0;
  closing = false;
  sndUna = 0;
  sndNxt = 0;
  sndMax = 0;
  cwnd = 0;
  ssthresh = Infinity;
  dupAcks = 0;
  recovery = false;
  recover = 0;
  highRxt = 0;
  /** Ranges the peer has SACKed, sorted, disjoint: [left, right, left, right...]. */
  scoreboard: number[] = [];
  peerWindow = 0;
  rto: number;
  backoff = 1;
  synTries = 0;
  linkFree = 0;
  // receiving
  rcvNxt = 0;
  /** Out-of-order data held: [left, right, left, right...] sorted, disjoint. */
  ooo: number[] = [];
  /** Where the latest out-of-order segment starts: its block is reported first. */
  latestOoo = -1;
  /** A D-SACK block to report once (RFC 2883), set when duplicate data arrives. */
  dsack: number[] | null = null;
  /** Where the peer's FIN is, once seen. */
  finAt = -1;
  finReceived = false;
  rcvBuf: number;
  buffered = 0;
  reading = true;
  delivered = 0;
  unacked = 0;
  ackedUpTo = 0;
  /** The right edge of the window last advertised: data beyond it is dropped. */
  rightEdge = 0;
  tsRecent = 0;
  readonly tsOffset: number;
  readonly retransmit: Timer;
  readonly persist: Timer;
  readonly delack: Timer;

  constructor(
    readonly net: Network,
    readonly conn: TcpConversation,
    readonly client: boolean,
    readonly stack: Stack,
    rng: Random,
    rcvBuf: number,
  ) {
    this.isn = rng.u32();
    this.tsOffset = rng.u32();
    this.rcvBuf = rcvBuf;
    this.rto = RTO_INITIAL;
    this.retransmit = new Timer(this, (ep) => ep.onRetransmitTimer());
    this.persist = new Timer(this, (ep) => ep.onPersistTimer());
    this.delack = new Timer(this, (ep) => ep.sendAck(Why.ACK));
  }

  get now(): number { return this.net.now; }
  get dataEnd(): number { return 1 + this.written; }
  get flight(): number { return this.sndMax - this.sndUna; }
  get done(): boolean {
    return this.state === CLOSED || this.state === TIME_WAIT || this.state === ABORTED || this.state === REFUSING
      || this.state === SILENT;
  }

  // --- sending --------------------------------------------------------------------------------

  #send(flags: number, seq: number, len: number, why: number): void {
    // segments wait for the link; the retransmission timer counts from when they leave
    const net = this.net;
    const at = Math.max(this.now, this.linkFree);
    this.linkFree = at + Math.ceil((HEADERS + len) / this.conn.path.rate);
    const ack = flags & ACK ? this.rcvNxt : 0;
    const window = this.#window(flags);
    if (window === 0 && why === Why.ACK && !(flags & RST)) why = Why.ZERO_WINDOW_ACK;
    let sack: number[] | null = null;
    if (this.sack && flags & ACK && !(flags & SYN)) sack = this.#sackBlocks();
    let synOptions: Uint8Array | null = null;
    const tsVal = this.timestamps || (flags & SYN && this.stack.timestamps) ? ((this.tsOffset + Math.floor(at / MS)) >>> 0) : -1;
    if (flags & SYN) synOptions = this.#synOptions(tsVal);
    if (flags & ACK) {
      this.unacked = 0;
      this.ackedUpTo = this.rcvNxt;
      this.delack.at = -1;
      this.dsack = null;
    }
    net.transmit(new Segment(this.conn, this.client, flags, seq, ack, window, len, why,
      tsVal, tsVal >= 0 && flags & ACK ? this.tsRecent : 0, sack, synOptions), at);
  }

  #sackBlocks(): number[] | null {
    if (!this.ooo.length && !this.dsack) return null;
    // RFC 2018: the block with the latest segment first; three at most with timestamps, four without
    const max = this.timestamps ? 3 : 4;
    const out: number[] = this.dsack ? this.dsack.slice() : [];
    const blocks = this.ooo;
    const latest = this.latestOoo;
    for (let i = 0; i < blocks.length; i += 2) {
      if (blocks[i] <= latest && latest < blocks[i + 1]) { out.push(blocks[i], blocks[i + 1]); break; }
    }
    for (let i = blocks.length - 2; i >= 0 && out.length < 2 * max; i -= 2) {
      if (!(blocks[i] <= latest && latest < blocks[i + 1])) out.push(blocks[i], blocks[i + 1]);
    }
    return out.length ? out : null;
  }

  #window(flags: number): number {
    if (flags & RST) return 0;
    if (flags & SYN) {
      this.rightEdge = this.rcvNxt + this.stack.synWindow; // a SYN's window is never scaled
      return this.stack.synWindow;
    }
    // RFC 9293 §3.8.6.2.2: open no window smaller than a segment, and never move its right edge left
    // (but by less than the scale's unit, which the field cannot say: RFC 7323 §2.4)
    let free = this.rcvBuf - this.buffered;
    if (free < this.mss) free = 0;
    const edge = Math.max(this.rightEdge, this.rcvNxt + free);
    const field = Math.min(0xffff, (edge - this.rcvNxt) >>> this.myScale);
    this.rightEdge = this.rcvNxt + field * 2 ** this.myScale;
    return field;
  }

  #synOptions(tsVal: number): Uint8Array {
    const s = this.stack;
    const peer = this.client ? null : this.peer.stack; // a SYN+ACK offers only what the SYN did
    const ts = tsVal >= 0 && (!peer || this.timestamps);
    const sackOk = !peer || this.sack;
    const ws = !peer || this.myScale > 0;
    const ecr = this.client ? 0 : this.tsRecent;
    const o: Uint8Array[] = [tcpOption.mss(s.mss - this.conn.mssCut)];
    if (s.windows) { // Windows: MSS, NOP, WS, NOP, NOP, SACK permitted
      if (ws) o.push(tcpOption.nop(), tcpOption.windowScale(s.windowScale));
      if (sackOk) o.push(tcpOption.nop(), tcpOption.nop(), tcpOption.sackPermitted());
    } else { // Linux: MSS, SACK permitted, TS, NOP, WS (NOPs stand in for what is left out)
      if (sackOk && ts) o.push(tcpOption.sackPermitted());
      if (ts) o.push(tcpOption.timestamps(tsVal, ecr));
      else if (sackOk) o.push(tcpOption.nop(), tcpOption.nop(), tcpOption.sackPermitted());
      if (ws) o.push(tcpOption.nop(), tcpOption.windowScale(s.windowScale));
    }
    return concat(...o);
  }

  sendAck(why: number): void {
    if (this.state < ESTABLISHED || this.state > LAST_ACK) return;
    this.#send(ACK, this.sndNxt, 0, why);
  }

  connect(): void {
    this.state = SYN_SENT;
    this.synTries = 1;
    this.#send(SYN, 0, 0, Why.SYN);
    this.sndNxt = this.sndMax = 1;
    this.#arm(this.retransmit, this.now + this.rto);
  }

  /** The application writes `n` bytes. */
  write(n: number): void {
    if (this.closing || this.state === ABORTED || this.state === CLOSED) return;
    this.written += n;
    this.trySend();
  }

  /** The application closes: a FIN follows the data. */
  close(): void {
    if (this.closing || this.state === ABORTED || this.state === CLOSED) return;
    this.closing = true;
    this.trySend();
  }

  /** The application aborts: one RST, and the connection is gone. */
  abort(): void {
    if (this.state === ABORTED || this.state === CLOSED || this.state === TIME_WAIT) return;
    this.#send(RST | ACK, this.sndNxt, 0, Why.RST);
    this.state = ABORTED;
    this.#stopTimers();
    this.conn.check();
  }

  trySend(): void {
    const s = this.state;
    if (s !== ESTABLISHED && s !== CLOSE_WAIT && s !== FIN_WAIT_1 && s !== CLOSING && s !== LAST_ACK) return;
    for (;;) {
      this.#skipSacked();
      const end = this.dataEnd;
      if (this.sndNxt < end) {
        const limit = this.sndUna + Math.min(this.cwnd, this.peerWindow);
        let len = Math.min(this.mss, end - this.sndNxt);
        const usable = limit - this.sndNxt;
        if (usable <= 0) {
          if (this.peerWindow === 0 && this.sndMax === this.sndUna) this.#arm(this.persist, this.now + this.#rtoNow());
          return;
        }
        // sender-side silly window avoidance: a short segment only to fill the window when idle
        if (usable < len) {
          if (this.sndNxt !== this.sndUna || this.peerWindow >= this.cwnd) return;
          len = usable;
        }
        const retransmission = this.sndNxt < this.sndMax;
        const fin = this.closing && this.sndNxt + len === end && !retransmission;
        const push = this.sndNxt + len === end ? PSH : 0;
        this.#send(ACK | push | (fin ? FIN : 0), this.sndNxt, len,
          retransmission ? Why.TIMEOUT_RETRANSMISSION : fin ? Why.FIN : Why.DATA);
        this.sndNxt += len + (fin ? 1 : 0);
        if (fin) this.#finSent();
      } else if (this.closing && this.sndNxt === end) {
        this.#send(ACK | FIN, end, 0, this.sndMax > end ? Why.TIMEOUT_RETRANSMISSION : Why.FIN);
        this.sndNxt = end + 1;
        this.#finSent();
      } else {
        return;
      }
      if (this.sndNxt > this.sndMax) this.sndMax = this.sndNxt;
      if (this.retransmit.at < 0) this.#arm(this.retransmit, this.now + this.#rtoNow());
    }
  }

  #finSent(): void {
    if (this.state === ESTABLISHED) this.state = FIN_WAIT_1;
    else if (this.state === CLOSE_WAIT) this.state = LAST_ACK;
  }

  /** After a timeout, sending restarts at sndUna: what the peer SACKed is not sent again. */
  #skipSacked(): void {
    const b = this.scoreboard;
    for (let i = 0; i < b.length; i += 2) {
      if (b[i] <= this.sndNxt && this.sndNxt < b[i + 1]) this.sndNxt = Math.min(b[i + 1], this.sndMax);
    }
  }

  /** Sends [seq, seq + mss) again (or what of it is data, and the FIN if it is there). */
  #resend(seq: number, why: number): number {
    const end = this.dataEnd;
    if (seq >= end) {
      if (this.closing && seq === end) this.#send(ACK | FIN, end, 0, why);
      return 1;
    }
    let len = Math.min(this.mss, end - seq, this.sndMax - seq);
    const b = this.scoreboard;
    for (let i = 0; i < b.length; i += 2) if (b[i] > seq) { len = Math.min(len, b[i] - seq); break; }
    const fin = this.closing && seq + len === end && this.sndMax > end;
    this.#send(ACK | (seq + len === end ? PSH : 0) | (fin ? FIN : 0), seq, len, why);
    return len;
  }

  /** When the retransmission timer runs out if armed now: queued segments must leave first. */
  #rtoNow(): number { return Math.max(0, this.linkFree - this.now) + Math.min(RTO_MAX, this.rto * this.backoff); }

  #arm(t: Timer, at: number): void {
    t.at = at;
    if (t.eventAt < 0 || t.eventAt > at) {
      t.eventAt = at;
      this.net.queue.push(at, EV_TIMER, t);
    }
  }

  #stopTimers(): void {
    this.retransmit.at = this.persist.at = this.delack.at = -1;
  }

  onRetransmitTimer(): void {
    if (this.state === SYN_SENT || this.state === SYN_RECEIVED) {
      if (this.synTries > SYN_RETRIES) { this.state = CLOSED; this.conn.check(); return; }
      this.synTries++;
      this.backoff *= 2;
      this.#send(this.client ? SYN : SYN | ACK, 0, 0, Why.SYN_RETRANSMISSION);
      this.#arm(this.retransmit, this.now + this.#rtoNow());
      return;
    }
    if (this.sndMax <= this.sndUna || this.done) return;
    // RFC 5681 §3.1 and RFC 6298 §5: halve, restart from one segment, back off, go back to sndUna
    this.ssthresh = Math.max(this.flight / 2, 2 * this.mss);
    this.cwnd = this.mss;
    this.recovery = false;
    this.dupAcks = 0;
    this.backoff = Math.min(this.backoff * 2, 64);
    this.sndNxt = this.sndUna;
    const len = this.#resend(this.sndUna, Why.TIMEOUT_RETRANSMISSION);
    this.sndNxt = this.sndUna + len;
    if (this.sndNxt > this.dataEnd) this.sndNxt = this.dataEnd + 1;
    this.#arm(this.retransmit, this.now + this.#rtoNow());
  }

  onPersistTimer(): void {
    if (this.peerWindow > 0 || this.sndMax !== this.sndUna || this.sndNxt >= this.dataEnd || this.done) return;
    // a one-byte probe beyond the window (BSD and Windows; RFC 9293 §3.8.6.1)
    this.#send(ACK, this.sndNxt, 1, Why.ZERO_WINDOW_PROBE);
    this.backoff = Math.min(this.backoff * 2, 64);
    this.#arm(this.persist, this.now + this.#rtoNow());
  }

  // --- receiving ------------------------------------------------------------------------------

  receive(seg: Segment): void {
    const f = seg.flags;
    if (this.state === ABORTED) {
      if (!(f & RST)) this.#send(RST, seg.ack, 0, Why.RST);
      return;
    }
    if (this.state === SILENT || this.state === CLOSED) return;
    if (this.state === REFUSING) {
      if (f & SYN) { this.rcvNxt = seg.seq + 1; this.#send(RST | ACK, 0, 0, Why.RST); }
      return;
    }
    if (f & RST) {
      this.state = CLOSED;
      this.#stopTimers();
      this.conn.check();
      return;
    }
    this.#tsRecent(seg);
    if (f & SYN) { this.#handshake(seg); return; }
    if (this.state === SYN_SENT) return;
    if (this.state === SYN_RECEIVED) {
      if (!(f & ACK) || seg.ack < 1) return;
      this.state = ESTABLISHED;
      this.backoff = 1;
      this.sndUna = 1;
      this.retransmit.at = -1;
      this.conn.established(this);
    }
    if (f & ACK) this.#ack(seg);
    if (seg.len > 0 || f & FIN) this.#data(seg);
    this.trySend();
  }

  #tsRecent(seg: Segment): void {
    if (seg.tsVal >= 0 && seg.seq <= this.rcvNxt) this.tsRecent = seg.tsVal;
  }

  #handshake(seg: Segment): void {
    if (!this.client) {
      if (this.state === LISTEN) {
        this.#negotiate(seg);
        this.state = SYN_RECEIVED;
        this.synTries = 1;
        this.#send(SYN | ACK, 0, 0, Why.SYN);
      } else if (this.state === SYN_RECEIVED) {
        this.#send(SYN | ACK, 0, 0, Why.SYN_RETRANSMISSION); // the SYN again: our SYN+ACK was lost
      } else {
        this.sendAck(Why.ACK); // the SYN again after the handshake: our ACK was lost
        return;
      }
      this.sndNxt = this.sndMax = 1;
      this.#arm(this.retransmit, this.now + this.#rtoNow());
      return;
    }
    if (!(seg.flags & ACK)) return;
    if (this.state === SYN_SENT) {
      this.#negotiate(seg);
      this.sndUna = 1;
      this.state = ESTABLISHED;
      this.backoff = 1;
      this.retransmit.at = -1;
      this.#startSending();
      this.sendAck(Why.ACK);
      this.conn.established(this);
    } else {
      this.sendAck(Why.ACK); // the SYN+ACK again: our ACK was lost
    }
  }

  /** What both ends offered in their SYNs (read from the peer's stack: both offer all they can). */
  #negotiate(seg: Segment): void {
    const peer = this.peer.stack;
    this.mss = Math.min(this.stack.mss, peer.mss) - this.conn.mssCut;
    this.sack = true;
    this.timestamps = this.stack.timestamps && peer.timestamps;
    if (this.timestamps) this.mss -= 12; // RFC 7323: the option takes 12 bytes of every segment
    this.myScale = this.stack.windowScale;
    this.peerScale = peer.windowScale;
    this.peerWindow = seg.window; // a SYN's window is never scaled
    this.rcvNxt = 1;
  }

  /** RFC 6928's initial window; an RTO as Linux's (srtt + max(200 ms, 4 rttvar)) once an RTT is known. */
  #startSending(): void {
    this.cwnd = 10 * this.mss;
    this.rto = this.conn.rtt + RTO_MIN;
  }

  #ack(seg: Segment): void {
    const ack = seg.ack;
    const window = seg.window << this.peerScale;
    if (this.cwnd === 0) this.#startSending();
    if (ack > this.sndUna && ack <= this.sndMax + 1) {
      const acked = ack - this.sndUna;
      this.sndUna = ack;
      if (this.sndNxt < ack) this.sndNxt = ack; // a window probe's byte was taken
      if (this.sndMax < ack) this.sndMax = ack;
      this.dupAcks = 0;
      this.backoff = 1;
      this.#trimScoreboard();
      if (this.recovery) {
        if (ack >= this.recover) {
          this.recovery = false;
          this.cwnd = this.ssthresh;
        } else {
          // a partial ACK (RFC 6582): the next hole goes at once
          this.cwnd = Math.max(this.mss, this.cwnd - acked + this.mss);
          this.#retransmitHole(Why.SACK_RETRANSMISSION);
        }
      } else if (this.cwnd < this.ssthresh) {
        this.cwnd += Math.min(acked, this.mss);
      } else {
        this.cwnd += Math.max(1, Math.floor((this.mss * this.mss) / this.cwnd));
      }
      this.cwnd = Math.min(this.cwnd, this.conn.maxWindow);
      this.peerWindow = window;
      if (this.closing && ack === this.dataEnd + 1) this.#finAcked();
      if (this.sndMax > this.sndUna) this.#arm(this.retransmit, this.now + this.#rtoNow());
      else this.retransmit.at = -1;
      if (window > 0) this.persist.at = -1;
      return;
    }
    const duplicate = ack === this.sndUna && seg.len === 0 && !(seg.flags & (FIN | SYN)) && window === this.peerWindow
      && this.sndMax > this.sndUna;
    this.peerWindow = window;
    if (window > 0) { this.persist.at = -1; this.backoff = this.sndMax > this.sndUna ? this.backoff : 1; }
    if (!duplicate) return;
    this.#mergeSack(seg.sack);
    this.dupAcks++;
    if (!this.recovery && this.dupAcks === 3) {
      // RFC 5681 §3.2 fast retransmit, then RFC 6675 recovery
      this.recovery = true;
      this.recover = this.sndMax;
      this.ssthresh = Math.max(this.flight / 2, 2 * this.mss);
      this.cwnd = this.ssthresh + 3 * this.mss;
      this.highRxt = this.sndUna + this.#resend(this.sndUna, Why.FAST_RETRANSMISSION);
      this.#arm(this.retransmit, this.now + this.#rtoNow());
    } else if (this.recovery) {
      this.cwnd += this.mss;
      this.#retransmitHole(Why.SACK_RETRANSMISSION);
    }
  }

  /** The first hole at or after highRxt below the highest SACKed byte, sent again. */
  #retransmitHole(why: number): void {
    const b = this.scoreboard;
    let seq = Math.max(this.highRxt, this.sndUna);
    if (!b.length) {
      // nothing SACKed: NewReno's one retransmission at sndUna (RFC 6582)
      if (seq === this.sndUna && seq < this.recover) this.highRxt = seq + this.#resend(seq, why);
      return;
    }
    for (let i = 0; i < b.length; i += 2) if (b[i] <= seq && seq < b[i + 1]) seq = b[i + 1];
    if (seq >= b[b.length - 1]) return;
    this.highRxt = seq + this.#resend(seq, why);
  }

  #mergeSack(blocks: number[] | null): void {
    if (!blocks) return;
    for (let i = 0; i < blocks.length; i += 2) {
      const l = blocks[i], r = blocks[i + 1];
      if (r <= this.sndUna) continue; // D-SACK
      this.scoreboard = addRange(this.scoreboard, l, r);
    }
  }

  #trimScoreboard(): void {
    const b = this.scoreboard;
    let k = 0;
    while (k < b.length && b[k + 1] <= this.sndUna) k += 2;
    if (k) this.scoreboard = b.slice(k);
  }

  #finAcked(): void {
    if (this.state === FIN_WAIT_1) this.state = FIN_WAIT_2;
    else if (this.state === CLOSING) this.state = TIME_WAIT;
    else if (this.state === LAST_ACK) this.state = CLOSED;
    this.conn.check();
  }

  #data(seg: Segment): void {
    const start = seg.seq, end = seg.seq + seg.len;
    const fin = (seg.flags & FIN) !== 0;
    if (fin) this.finAt = end;
    if (end < this.rcvNxt || (end === this.rcvNxt && (!fin || this.finReceived))) {
      // all of it was here before: a spurious retransmission, answered at once with a D-SACK
      if (seg.len > 0 && this.sack) this.dsack = [start, end];
      this.sendAck(Why.DUPLICATE_ACK);
      return;
    }
    if (start > this.rcvNxt) {
      // a hole before it: keep it, and send a duplicate ACK at once (RFC 5681 §4.2)
      if (seg.len > 0 && end <= this.rightEdge) {
        this.ooo = addRange(this.ooo, start, end);
        this.latestOoo = start;
      }
      this.sendAck(Why.DUPLICATE_ACK);
      return;
    }
    const room = this.rightEdge - this.rcvNxt;
    if (seg.len > 0 && room <= 0) {
      this.sendAck(Why.ACK); // a probe into a closed window
      return;
    }
    const hadHoles = this.ooo.length > 0;
    const taken = Math.min(end - this.rcvNxt, room);
    this.#take(taken);
    // what was held beyond the hole now follows
    while (this.ooo.length && this.ooo[0] <= this.rcvNxt) {
      if (this.ooo[1] > this.rcvNxt) this.#take(this.ooo[1] - this.rcvNxt);
      this.ooo = this.ooo.slice(2);
    }
    let finNow = false;
    if (this.finAt >= 0 && this.finAt === this.rcvNxt && !this.finReceived) {
      this.rcvNxt++;
      this.finReceived = true;
      finNow = true;
      if (this.state === ESTABLISHED) this.state = CLOSE_WAIT;
      else if (this.state === FIN_WAIT_1) this.state = CLOSING;
      else if (this.state === FIN_WAIT_2) this.state = TIME_WAIT;
    }
    this.unacked++;
    if (seg.len > 0) this.conn.received(this);
    if (finNow) {
      this.conn.peerClosed(this); // may close at once: its FIN then carries this ACK
      if (this.ackedUpTo < this.rcvNxt) this.sendAck(Why.ACK);
      this.conn.check();
      return;
    }
    if (hadHoles || this.unacked >= 2 || this.rcvBuf - this.buffered < this.mss) this.sendAck(Why.ACK);
    else if (this.ackedUpTo < this.rcvNxt) this.#arm(this.delack, this.now + this.stack.delack);
  }

  #take(n: number): void {
    this.rcvNxt += n;
    this.delivered += n;
    if (!this.reading) this.buffered += n;
  }

  /** The application stops reading for `duration`: the window closes as data arrives. */
  stall(duration: number): void {
    this.reading = false;
    this.net.call(this.now + duration, () => {
      this.reading = true;
      const closed = this.rcvBuf - this.buffered < this.mss;
      this.buffered = 0;
      if (closed && !this.done && this.state !== CLOSE_WAIT) this.sendAck(Why.WINDOW_UPDATE);
    });
  }
}

/** `ranges` ([l, r, l, r...] sorted, disjoint) with [l, r) added. */
function addRange(ranges: number[], l: number, r: number): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < ranges.length && ranges[i + 1] < l) { out.push(ranges[i], ranges[i + 1]); i += 2; }
  while (i < ranges.length && ranges[i] <= r) {
    l = Math.min(l, ranges[i]);
    r = Math.max(r, ranges[i + 1]);
    i += 2;
  }
  out.push(l, r);
  for (; i < ranges.length; i++) out.push(ranges[i]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Conversations

export type TcpKind = 'web' | 'download' | 'upload' | 'interactive' | 'refused' | 'unanswered';

/** A conversation under way: its path, and where its packets go when they arrive. */
interface Live extends Conversation {
  readonly path: Path;
  receive(seg: Segment): void;
}

/** A conversation still going after this long is given up, so that its slot is not lost. */
const LIFETIME = 600 * SECOND;

class TcpConversation implements Live {
  readonly udp = false;
  frames: unknown = null;
  seen = false;
  readonly a: Endpoint;
  readonly b: Endpoint;
  // the applications' progress: exchanges done, request bytes written, responses written and their bytes
  #exchange = 0;
  #requested = 0;
  #answering = false;
  #answered = 0;
  #responseTotal = 0;
  #closed = false;
  #stalled = false;

  constructor(
    readonly net: Network,
    readonly kind: TcpKind,
    readonly v6: boolean,
    readonly client: { ip: string; port: number },
    readonly server: { ip: string; port: number },
    readonly path: Path,
    readonly plan: Plan,
    clientStack: Stack,
    clientBuf: number,
    serverBuf: number,
    readonly onDone: () => void,
  ) {
    const rng = net.rng;
    this.a = new Endpoint(net, this, true, clientStack, rng, clientBuf);
    this.b = new Endpoint(net, this, false, LINUX, rng, serverBuf);
    this.a.peer = this.b;
    this.b.peer = this.a;
    this.b.state = kind === 'refused' ? REFUSING : kind === 'unanswered' ? SILENT : LISTEN;
  }

  get clientIsn(): number { return this.a.isn; }
  get serverIsn(): number { return this.b.isn; }
  get rtt(): number { return 2 * (this.path.dClient + this.path.dServer); }
  /** The most a sender keeps in flight: twice the path's bandwidth-delay product (its buffer holds one). */
  get maxWindow(): number { return Math.max(10 * 1460, Math.ceil(2 * this.path.rate * this.rtt)); }
  /** IPv6's header is 20 bytes longer than IPv4's: its MSS is that much shorter. */
  get mssCut(): number { return this.v6 ? 20 : 0; }

  start(): void {
    this.a.connect();
    this.net.call(this.net.now + LIFETIME, () => this.#over());
  }

  receive(seg: Segment): void { (seg.fromClient ? this.b : this.a).receive(seg); }

  established(ep: Endpoint): void {
    if (ep.client) this.#request();
  }

  #request(): void {
    const n = this.plan.request();
    this.#requested += n;
    this.a.write(n);
  }

  received(ep: Endpoint): void {
    const plan = this.plan;
    if (plan.stall && !this.#stalled && ep.delivered >= plan.stall.at && this.#bulkReceiver() === ep) {
      this.#stalled = true;
      ep.stall(plan.stall.duration);
    }
    if (!ep.client) {
      // the server answers each request once it has all of it
      if (ep.delivered >= this.#requested && !this.#answering && this.#answered === this.#exchange) {
        this.#answering = true;
        this.net.call(this.net.now + plan.serverDelay(), () => {
          this.#answering = false;
          this.#answered++;
          this.b.write(plan.response());
          this.#responseTotal = this.b.written;
          if (this.#answered < plan.exchanges) return;
          if (plan.close === 'server') this.b.close();
          if (plan.close === 'server-rst') this.#abortWhenAcked(this.b);
        });
      }
      return;
    }
    if (this.#exchange < this.#answered && ep.delivered >= this.#responseTotal) {
      this.#exchange++;
      if (this.#exchange < plan.exchanges) this.net.call(this.net.now + plan.think(), () => this.#request());
      else this.#finish();
    }
  }

  #bulkReceiver(): Endpoint { return this.kind === 'upload' ? this.b : this.a; }

  #finish(): void {
    const net = this.net, plan = this.plan;
    const soon = net.now + Math.floor(net.rng.exp(2 * MS));
    switch (plan.close) {
      case 'client': net.call(soon, () => this.a.close()); break;
      case 'client-rst': net.call(soon, () => this.a.abort()); break;
      case 'simultaneous':
        // the server closes just before the client's FIN reaches it: the FINs cross
        net.call(soon, () => this.a.close());
        net.call(soon + Math.floor((this.path.dClient + this.path.dServer) / 2), () => this.b.close());
        break;
      default: break; // the server closes
    }
  }

  #abortWhenAcked(ep: Endpoint): void {
    const wait = () => {
      if (ep.done) return;
      if (ep.sndUna >= ep.dataEnd) ep.abort();
      else this.net.call(this.net.now + this.rtt, wait);
    };
    this.net.call(this.net.now + this.rtt, wait);
  }

  peerClosed(ep: Endpoint): void {
    if (ep.closing) return;
    const delay = this.plan.passiveDelay;
    if (delay === 0) ep.close();
    else this.net.call(this.net.now + delay, () => ep.close());
  }

  check(): void {
    if (this.#closed) return;
    const a = this.a, b = this.b;
    const over = (a.done && b.done)
      || (a.state === CLOSED && (b.state === SILENT || b.state === REFUSING || b.state === SYN_RECEIVED || b.state === LISTEN))
      || a.state === ABORTED || b.state === ABORTED;
    if (over) this.#over();
  }

  #over(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onDone();
  }
}

class UdpConversation implements Live {
  readonly udp = true;
  readonly clientIsn = 0;
  readonly serverIsn = 0;
  frames: unknown = null;
  seen = false;
  #query = 0;
  #tries = 0;
  #answered = -1;
  #over = false;

  constructor(
    readonly net: Network,
    readonly v6: boolean,
    readonly client: { ip: string; port: number },
    readonly server: { ip: string; port: number },
    readonly path: Path,
    readonly queries: number,
    readonly onDone: () => void,
  ) {}

  start(): void { this.#ask(); }

  #ask(): void {
    const net = this.net, q = this.#query;
    this.#tries++;
    net.transmit(new Segment(this, true, 0, q * 512, 0, 0, net.rng.int(28, 60), Why.UDP,
      -1, 0, null, null), net.now);
    // a resolver's timeout, then a retry (RFC 1536 §1)
    net.call(net.now + SECOND, () => {
      if (this.#answered >= q || this.#over) return;
      if (this.#tries < 3) this.#ask();
      else this.#end();
    });
  }

  receive(seg: Segment): void {
    const net = this.net;
    if (seg.fromClient) {
      if (net.rng.chance(0.02)) return; // some questions go unanswered
      const q = seg.seq;
      net.call(net.now + Math.floor(net.rng.range(100, 3 * MS)), () => {
        net.transmit(new Segment(this, false, 0, q + 64, 0, 0, net.rng.int(60, 320), Why.UDP, -1, 0, null, null), net.now);
      });
      return;
    }
    const q = Math.floor(seg.seq / 512);
    if (q !== this.#query || this.#answered >= q) return;
    this.#answered = q;
    this.#query++;
    this.#tries = 0;
    if (this.#query < this.queries) net.call(net.now + Math.floor(net.rng.range(50, 5 * MS)), () => this.#ask());
    else this.#end();
  }

  #end(): void {
    if (this.#over) return;
    this.#over = true;
    this.onDone();
  }
}

// ---------------------------------------------------------------------------------------------
// The network

export interface NetworkOptions {
  seed: number;
  /** Conversations going on at once. */
  concurrency: number;
}

export class Network {
  readonly rng: Random;
  readonly queue = new EventQueue();
  now = 0;
  #ports = new Map<number, number>();

  constructor(
    readonly options: NetworkOptions,
    /** Called for every packet the capture point sees, in time order. */
    readonly capture: (seg: Segment, time: number) => void,
  ) {
    this.rng = new Random(options.seed);
    for (let i = 0; i < options.concurrency; i++) {
      this.call(Math.floor(this.rng.exp(300 * MS)), () => this.#startConversation());
    }
  }

  /** Runs until `more()` says enough or nothing is left to happen. */
  run(more: () => boolean): void {
    const q = this.queue;
    while (more()) {
      const e = q.pop();
      if (!e) return;
      const time = e.time;
      this.now = time;
      switch (e.kind) {
        case EV_CAPTURE: {
          const seg = e.seg!;
          this.capture(seg, time);
          if (!seg.lost) {
            const path = (seg.conv as Live).path;
            q.push(time + (seg.fromClient ? path.dServer : path.dClient), EV_ARRIVE, null, seg);
          }
          break;
        }
        case EV_ARRIVE:
          (e.seg!.conv as Live).receive(e.seg!);
          break;
        case EV_TIMER: {
          const t = e.target as Timer;
          if (time !== t.eventAt) break; // superseded by an earlier deadline
          t.eventAt = -1;
          if (t.at < 0) break;
          if (t.at > time) {
            t.eventAt = t.at;
            q.push(t.at, EV_TIMER, t);
            break;
          }
          t.at = -1;
          t.fire(t.ep);
          break;
        }
        case EV_CALL:
          (e.target as () => void)();
          break;
      }
    }
  }

  call(at: number, fn: () => void): void { this.queue.push(at, EV_CALL, fn); }

  /** Sends `seg` from its end at `at`: it may be lost before or after the capture point. */
  transmit(seg: Segment, at: number): void {
    const path = (seg.conv as Live).path;
    if (path.loss > 0 && this.rng.chance(path.loss)) {
      if (this.rng.chance(path.lossBeforeCapture)) return;
      seg.lost = true;
    }
    this.queue.push(at + (seg.fromClient ? path.dClient : path.dServer), EV_CAPTURE, null, seg);
  }

  #startConversation(): void {
    const rng = this.rng;
    const next = () => this.call(this.now + Math.floor(rng.exp(500 * MS)), () => this.#startConversation());
    const v6 = rng.chance(0.1);
    const client = this.#clientAddress(v6);
    const kind = rng.pick(KINDS, KIND_WEIGHTS);
    const path = this.#path(kind === 'dns');
    if (kind === 'dns') {
      const server = { ip: v6 ? `2001:db8:53::${rng.int(1, 4)}` : `198.18.53.${rng.int(1, 4)}`, port: 53 };
      new UdpConversation(this, v6, client, server, path, rng.int(1, 3), next).start();
      return;
    }
    const serverHost = rng.int(1, 400);
    const port = kind === 'interactive' ? 22 : rng.chance(0.8) ? 443 : 80;
    const server = {
      ip: v6 ? `2001:db8:${(serverHost >> 8).toString(16)}::${(serverHost & 0xff).toString(16)}` : `198.19.${serverHost >> 8}.${serverHost & 0xff}`,
      port,
    };
    const windows = rng.chance(0.3);
    const stack = windows ? WINDOWS : LINUX;
    const plan = this.#plan(kind);
    // receive buffers: autotuned up to a few MB, or small for a receiver that will stall
    const bufClient = plan.stall && kind !== 'upload' ? rng.int(2, 6) * 32768 : rng.int(4, 64) * 65536;
    const bufServer = plan.stall && kind === 'upload' ? rng.int(2, 6) * 32768 : rng.int(4, 48) * 65536;
    new TcpConversation(this, kind, v6, client, server, path, plan, stack, bufClient, bufServer, next).start();
  }

  #clientAddress(v6: boolean): { ip: string; port: number } {
    const rng = this.rng;
    const host = rng.int(1, 8000);
    // each host hands out ephemeral ports in turn (Linux's 32768-60999), so no 4-tuple repeats
    const port = this.#ports.get(host) ?? rng.int(32768, 60999);
    this.#ports.set(host, port >= 60999 ? 32768 : port + 1);
    const ip = v6 ? `fd00:10::${(host >> 8).toString(16)}:${(host & 0xff).toString(16)}` : `10.${1 + (host >> 16)}.${(host >> 8) & 0xff}.${host & 0xff}`;
    return { ip, port };
  }

  #path(udp: boolean): Path {
    const rng = this.rng;
    const near = Math.floor(rng.range(50, 2 * MS));
    const far = Math.floor(rng.logNormal(20 * MS, 0.8));
    const nearClient = rng.chance(0.8); // mostly captured at the clients' edge
    const lossy = rng.chance(udp ? 0.05 : 0.4);
    return {
      dClient: nearClient ? near : far,
      dServer: nearClient ? far : near,
      loss: lossy ? rng.range(0.002, 0.03) : 0,
      lossBeforeCapture: 0.3,
      rate: rng.pick([2, 10, 50, 100, 400], [1, 3, 4, 3, 1]) / 8,
    };
  }

  #plan(kind: TcpKind): Plan {
    const rng = this.rng;
    const size = (median: number, sigma: number, max: number) => () => Math.max(1, Math.min(max, Math.floor(rng.logNormal(median, sigma))));
    const close = rng.pick(['client', 'server', 'simultaneous', 'client-rst', 'server-rst'] as const, [45, 30, 5, 12, 8]);
    const passiveDelay = rng.chance(0.6) ? 0 : Math.floor(rng.range(200, 20 * MS));
    const base = { close, passiveDelay, stall: null };
    let plan: Plan;
    switch (kind) {
      case 'download':
        plan = { ...base, exchanges: 1, request: size(400, 0.3, 2000), response: size(1_000_000, 1, 20_000_000),
          serverDelay: () => Math.floor(rng.range(200, 30 * MS)), think: () => 0 };
        break;
      case 'upload':
        plan = { ...base, exchanges: 1, request: size(600_000, 1, 10_000_000), response: size(300, 0.3, 1000),
          serverDelay: () => Math.floor(rng.range(200, 10 * MS)), think: () => 0 };
        break;
      case 'interactive':
        plan = { ...base, exchanges: rng.int(5, 60), request: size(36, 0.5, 200), response: size(80, 1, 1400),
          serverDelay: () => Math.floor(rng.range(100, 2 * MS)), think: () => Math.floor(rng.exp(400 * MS)) };
        break;
      default: // web, and the refused and unanswered, whose plan is never used
        plan = { ...base, exchanges: rng.int(1, 4), request: size(500, 0.4, 3000), response: size(15_000, 1.5, 5_000_000),
          serverDelay: () => Math.floor(rng.range(500, 30 * MS)), think: () => Math.floor(rng.exp(100 * MS)) };
    }
    if ((kind === 'download' || kind === 'upload' || kind === 'web') && rng.chance(0.15)) {
      plan.stall = { at: rng.int(20_000, 200_000), duration: Math.floor(rng.range(400 * MS, 3 * SECOND)) };
    }
    return plan;
  }
}

const KINDS = ['dns', 'web', 'download', 'upload', 'interactive', 'refused', 'unanswered'] as const;
const KIND_WEIGHTS = [30, 32, 8, 4, 12, 3, 2];
