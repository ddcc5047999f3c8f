// The core's flow records read in place, for filtering and sorting a million flows without making a
// million objects. Rows that are shown are made whole by Engine.flow(). Client and server follow the
// flow's clientIsB bit, as Engine.flow() does.

import type { CoreExports } from '../core/wasm.js';
import { Flow, FlowFlag, Summary, TcpFlow, TcpExtra, TCP_SIZE, ANALYSIS_FLAGS, NONE } from '../core/layout.js';
import type { FlowSource, NumberName, FlagName } from '../filter/fields.js';

const TWO32 = 4294967296;

/** Offset of a TcpFlow field (layout.ts), for the few read here without building the summary. */
const tcpField = (name: string) => TcpFlow.fields.find(([n]) => n === name)![2];
const FIRST_RTT = tcpField('firstRtt'), EXTRA = tcpField('extra');

/** Analysis flags that say something went wrong (not window updates or keep-alive ACKs). */
const PROBLEMS = ANALYSIS_FLAGS.flatMap((name, k) => (['window_update', 'keep_alive_ack', 'reused_ports'].includes(name) ? [] : [k]));

export class FlowTable implements FlowSource {
  readonly #core: CoreExports;
  #view: DataView;
  #bytes: Uint8Array;
  #base = 0;
  #addr4 = new Uint8Array(4);
  #addr16 = new Uint8Array(16);

  constructor(core: CoreExports) {
    this.#core = core;
    this.#view = new DataView(core.memory.buffer);
    this.#bytes = new Uint8Array(core.memory.buffer);
  }

  /** Call before a pass over the flows: the core's memory may have grown (and moved) since. */
  refresh(): number {
    const buf = this.#core.memory.buffer;
    if (this.#view.buffer !== buf) { this.#view = new DataView(buf); this.#bytes = new Uint8Array(buf); }
    this.#base = this.#core.flowsPtr();
    return this.#core.flowsLen();
  }

  #p(i: number): number { return this.#base + i * Flow.size; }
  #u64(p: number): number { return this.#view.getUint32(p, true) + this.#view.getUint32(p + 4, true) * TWO32; }
  /** Nanoseconds as a double: exact enough to sort and subtract (within 256 ns). */
  #ns(p: number): number { return this.#view.getUint32(p, true) + this.#view.getInt32(p + 4, true) * TWO32; }

  clientIsB(i: number): boolean { return (this.#view.getUint16(this.#p(i) + Flow.flags, true) & FlowFlag.clientIsB) !== 0; }
  protocol(i: number): number { return this.#view.getUint8(this.#p(i) + Flow.proto); }
  family(i: number): number { return this.#view.getUint8(this.#p(i) + Flow.family); }

  number(i: number, name: NumberName): number {
    const p = this.#p(i), v = this.#view;
    switch (name) {
      case 'stream': return v.getUint32(p + Flow.stream, true);
      case 'packets': return v.getUint32(p + Flow.pktsA, true) + v.getUint32(p + Flow.pktsB, true);
      case 'bytes': return this.#u64(p + Flow.bytesA) + this.#u64(p + Flow.bytesB);
      case 'payload': return this.#u64(p + Flow.payA) + this.#u64(p + Flow.payB);
      case 'duration': return (this.#ns(p + Flow.last) - this.#ns(p + Flow.first)) / 1e9;
      case 'start': {
        const first = this.#ns(this.#core.summary() + Summary.first);
        return (this.#ns(p + Flow.first) - first) / 1e9;
      }
      case 'rtt': {
        const t = this.#tcp(i);
        const rtt = t >= 0 ? this.#ns(t + FIRST_RTT) : 0; // 0: not known
        return rtt !== 0 ? rtt / 1e9 : NaN;
      }
    }
  }

  /** The flow's TCP record, or -1 for a flow that is not TCP. */
  #tcp(i: number): number {
    const k = this.#view.getUint32(this.#p(i) + Flow.tcp, true);
    return k === NONE ? -1 : this.#core.tcpPtr() + k * TCP_SIZE;
  }

  /** Where the flow's analysis flag counts are (its TcpExtra), or -1 when it has none: all 0. */
  #counts(i: number): number {
    const t = this.#tcp(i);
    const e = t < 0 ? 0 : this.#view.getUint32(t + EXTRA, true);
    return e === 0 ? -1 : this.#core.tcpExtrasPtr() + (e - 1) * TcpExtra.size + TcpExtra.counts;
  }

  analysis(i: number, k: number): number {
    const c = this.#counts(i);
    if (c < 0) return 0;
    if (k >= 0) return this.#view.getUint32(c + 4 * k, true);
    let sum = 0;
    for (let j = 0; j < ANALYSIS_FLAGS.length; j++) sum += this.#view.getUint32(c + 4 * j, true);
    return sum;
  }

  /** Packets with an analysis flag that marks trouble, for sorting by problems. */
  problems(i: number): number {
    const c = this.#counts(i);
    if (c < 0) return 0;
    let sum = 0;
    for (const k of PROBLEMS) sum += this.#view.getUint32(c + 4 * k, true);
    return sum;
  }

  /** The flow's first packet time in nanoseconds (approximate), for sorting by start. */
  firstNs(i: number): number { return this.#ns(this.#p(i) + Flow.first); }

  port(i: number, side: 0 | 1): number {
    const a = this.#isA(i, side);
    return this.#view.getUint16(this.#p(i) + (a ? Flow.portA : Flow.portB), true);
  }

  address(i: number, side: 0 | 1): Uint8Array {
    const p = this.#p(i) + (this.#isA(i, side) ? Flow.addrA : Flow.addrB);
    const out = this.family(i) === 4 ? this.#addr4 : this.#addr16;
    out.set(this.#bytes.subarray(p, p + out.length));
    return out;
  }

  /** Whether the client (side 0) or server (side 1) is the flow's endpoint A. */
  #isA(i: number, side: 0 | 1): boolean { return (side === 0) !== this.clientIsB(i); }

  flag(i: number, name: FlagName): boolean {
    const flags = this.#view.getUint16(this.#p(i) + Flow.flags, true);
    return (flags & (name === 'midstream' ? FlowFlag.midstream : FlowFlag.reused)) !== 0;
  }
}
