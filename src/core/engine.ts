// Drives the wasm core over a stream of chunks of any size, and turns what it reports into plain
// objects. The same engine runs in the browser's worker, in the CLI and in the tests.

import type { CoreExports } from './wasm.js';
import { Summary, Flow, FlowFlag, Packet, Warning, Count, NONE, TCP_SIZE, TcpExtra, seconds } from './layout.js';
import { readTcp, type TcpSummary } from './tcp-summary.js';
import { linkTypeName, protoName, countName } from './names.js';
import { formatAddress } from './address.js';

export interface CaptureWarning {
  /** Wireshark frame number the warning is about; 0 when it is about the file itself. */
  packet: number;
  /** File offset (of the decompressed bytes, for a gzip file). */
  offset: number;
  code: string;
  message: string;
}

export interface Endpoint { ip: string; port: number }

export interface FlowSummary {
  proto: string;
  stream: number;
  client: Endpoint;
  server: Endpoint;
  first: number;
  last: number;
  duration: number;
  firstFrame: number;
  lastFrame: number;
  packets: { client: number; server: number };
  bytes: { client: number; server: number };
  payload: { client: number; server: number };
  /** No handshake opened the flow inside the capture: the client was guessed from the ports. */
  midstream: boolean;
  /** A SYN with a new ISN reused the ports of an earlier flow (Wireshark's tcp.analysis.reused_ports). */
  reusedPorts: boolean;
  /** TCP flows only. */
  tcp?: TcpSummary;
}

export interface CaptureSummary {
  format: 'pcap' | 'pcapng' | 'unknown';
  compression: 'gzip' | null;
  byteOrder: 'little-endian' | 'big-endian' | null;
  timeResolution: 'microseconds' | 'nanoseconds' | null;
  packets: number;
  bytes: number;
  capturedBytes: number;
  first: number | null;
  last: number | null;
  truncatedPackets: number;
  linkTypes: { linkType: number; name: string; packets: number }[];
  undecoded: { what: string; packets: number }[];
  flows: number;
  /** Reading stopped at damage (see the warnings); everything before it is here. */
  stopped: boolean;
  warnings: CaptureWarning[];
  warningCounts: Record<string, number>;
}

export interface PushResult { bytes: number; packets: number; flows: number }

/** How many warnings of one code are kept with their place; the rest are only counted. */
const KEEP_PER_CODE = 100;

export class Engine {
  readonly #core: CoreExports;
  #onPackets: ((records: DataView, count: number) => void) | null = null;
  #texts = new Map<number, [string, string]>();
  #warnings: CaptureWarning[] = [];
  #warningCounts: Record<string, number> = {};
  #compression: 'gzip' | null = null;
  #bytesIn = 0;

  constructor(core: CoreExports) {
    this.#core = core;
    if (core.flowSize() !== Flow.size || core.packetSize() !== Packet.size || core.tcpSize() !== TCP_SIZE
      || core.tcpExtraSize() !== TcpExtra.size) {
      throw new Error('seqack: the wasm core and src/core/layout.ts disagree on record sizes; rebuild both');
    }
  }

  /**
   * Starts a capture. `onPackets` gets each batch of packet records, valid only during the call.
   * `depth` (for benchmarks): 'read' counts records only, 'flows' decodes and tracks flows, 'full'
   * (the default) analyses TCP too.
   */
  begin(options: { onPackets?: (records: DataView, count: number) => void; depth?: 'read' | 'flows' | 'full' } = {}): void {
    this.#onPackets = options.onPackets ?? null;
    this.#core.begin(this.#onPackets ? 1 : 0, { read: 0, flows: 1, full: 2 }[options.depth ?? 'full']);
    this.#warnings = [];
    this.#warningCounts = {};
    this.#compression = null;
    this.#bytesIn = 0;
  }

  set compression(c: 'gzip' | null) { this.#compression = c; }

  /** Bytes given to write() so far. */
  get bytesIn(): number { return this.#bytesIn; }

  /** Bytes of the core's linear memory, which only grows: hostile input must not blow it up. */
  get memoryBytes(): number { return this.#core.memory.buffer.byteLength; }

  /** True once damage stopped the reader: later input is only counted. */
  get stopped(): boolean {
    return this.#view().getUint32(this.#core.summary() + Summary.stopped, true) !== 0;
  }

  write(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      const into = this.inputWindow();
      if (!into) { // stopped at damage: the rest is counted, not read
        this.skipped(chunk.length - at);
        break;
      }
      const n = Math.min(into.length, chunk.length - at);
      into.set(chunk.subarray(at, at + n));
      at += n;
      this.pushed(n);
    }
  }

  /** The free part of the core's input window, to read into in place; null once damage stopped it. */
  inputWindow(): Uint8Array | null {
    const space = this.#core.inputSpace();
    return space === 0 ? null : new Uint8Array(this.#core.memory.buffer, this.#core.inputPtr(), space);
  }

  /** Parses `n` bytes just written at the start of inputWindow(). */
  pushed(n: number): void {
    const core = this.#core;
    this.#bytesIn += n;
    let more = core.push(n);
    this.#drain();
    while (more) { more = core.push(0); this.#drain(); }
  }

  /** Counts `n` bytes after the damage that stopped the reader, unread. */
  skipped(n: number): void {
    this.#bytesIn += n;
    for (let left = n; left > 0; left -= 0x40000000) this.#core.push(Math.min(left, 0x40000000));
  }

  end(): void {
    this.#core.end();
    this.#drain();
  }

  /** Adds a warning raised outside the core (decompression, reading the file). */
  hostWarning(code: string, message: string, offset: number, packet = 0): void {
    this.#keep({ packet, offset, code, message });
  }

  #view(): DataView { return new DataView(this.#core.memory.buffer); }

  #drain(): void {
    const core = this.#core;
    const n = core.packetsLen();
    if (n > 0 && this.#onPackets) {
      this.#onPackets(new DataView(core.memory.buffer, core.packetsPtr(), n * Packet.size), n);
    }
    const w = core.warningsLen();
    if (w > 0) {
      const v = this.#view();
      const base = core.warningsPtr();
      for (let i = 0; i < w; i++) {
        const p = base + i * Warning.size;
        const code = v.getUint32(p + Warning.code, true);
        const [name, template] = this.#text(code);
        const detail = v.getUint32(p + Warning.detail, true);
        this.#keep({
          packet: v.getUint32(p + Warning.packet, true),
          offset: Number(v.getBigUint64(p + Warning.offset, true)),
          code: name,
          message: template.replace('%d', String(detail)).replace('%x', detail.toString(16).padStart(8, '0')),
        });
      }
    }
    const dropped = core.warningsDropped();
    if (dropped > 0) this.#warningCounts['more'] = (this.#warningCounts['more'] ?? 0) + dropped;
    core.drain();
  }

  #keep(w: CaptureWarning): void {
    const seen = this.#warningCounts[w.code] ?? 0;
    this.#warningCounts[w.code] = seen + 1;
    if (seen < KEEP_PER_CODE) this.#warnings.push(w);
  }

  #text(code: number): [string, string] {
    let t = this.#texts.get(code);
    if (!t) {
      const ptr = this.#core.warningText(code);
      const bytes = new DataView(this.#core.memory.buffer).getUint32(ptr - 4, true);
      const s = String.fromCharCode(...new Uint16Array(this.#core.memory.buffer.slice(ptr, ptr + bytes)));
      const bar = s.indexOf('|');
      t = [s.slice(0, bar), s.slice(bar + 1)];
      this.#texts.set(code, t);
    }
    return t;
  }

  summary(): CaptureSummary {
    const core = this.#core;
    const v = this.#view();
    const s = core.summary();
    const frames = v.getUint32(s + Summary.frames, true);
    const format = v.getUint32(s + Summary.format, true);
    const flags = v.getUint32(s + Summary.formatFlags, true);
    const linkTypes = [];
    for (let i = 0, p = core.linksPtr(); i < core.linksLength(); i++, p += Count.size) {
      const linkType = v.getUint32(p + Count.kind, true);
      const packets = Number(v.getBigUint64(p + Count.count, true));
      if (packets > 0 || linkType !== 0xffffffff) linkTypes.push({ linkType, name: linkTypeName(linkType), packets });
    }
    const undecoded = [];
    for (let i = 0, p = core.countsPtr(); i < core.countsLength(); i++, p += Count.size) {
      undecoded.push({
        what: countName(v.getUint32(p + Count.kind, true), v.getUint32(p + Count.value, true)),
        packets: Number(v.getBigUint64(p + Count.count, true)),
      });
    }
    return {
      format: format === 1 ? 'pcap' : format === 2 ? 'pcapng' : 'unknown',
      compression: this.#compression,
      byteOrder: format === 1 ? (flags & 1 ? 'big-endian' : 'little-endian') : null,
      timeResolution: format === 1 ? (flags & 2 ? 'nanoseconds' : 'microseconds') : null,
      packets: frames,
      bytes: Number(v.getBigUint64(s + Summary.wireBytes, true)),
      capturedBytes: Number(v.getBigUint64(s + Summary.capturedBytes, true)),
      first: frames ? seconds(v.getBigInt64(s + Summary.first, true)) : null,
      last: frames ? seconds(v.getBigInt64(s + Summary.last, true)) : null,
      truncatedPackets: Number(v.getBigUint64(s + Summary.truncated, true)),
      linkTypes,
      undecoded,
      flows: v.getUint32(s + Summary.flows, true),
      stopped: v.getUint32(s + Summary.stopped, true) !== 0,
      warnings: this.#warnings.slice(),
      warningCounts: { ...this.#warningCounts },
    };
  }

  get flowCount(): number { return this.#core.flowsLen(); }

  /** Packets read so far. */
  packetsSoFar(): number {
    return this.#view().getUint32(this.#core.summary() + Summary.frames, true);
  }

  /** Flow `i` (0-based, in order of first packet). */
  flow(i: number): FlowSummary {
    const v = this.#view();
    const p = this.#core.flowsPtr() + i * Flow.size;
    const mem = new Uint8Array(this.#core.memory.buffer);
    const family = v.getUint8(p + Flow.family);
    const flags = v.getUint16(p + Flow.flags, true);
    const side = (addr: number, port: number, packets: number, bytes: number, payload: number) => ({
      ip: formatAddress(mem, p + addr, family),
      port: v.getUint16(p + port, true),
      packets: v.getUint32(p + packets, true),
      bytes: Number(v.getBigUint64(p + bytes, true)),
      payload: Number(v.getBigUint64(p + payload, true)),
    });
    const a = side(Flow.addrA, Flow.portA, Flow.pktsA, Flow.bytesA, Flow.payA);
    const b = side(Flow.addrB, Flow.portB, Flow.pktsB, Flow.bytesB, Flow.payB);
    const [c, s] = flags & FlowFlag.clientIsB ? [b, a] : [a, b];
    const firstNs = v.getBigInt64(p + Flow.first, true);
    const lastNs = v.getBigInt64(p + Flow.last, true);
    const tcpIndex = v.getUint32(p + Flow.tcp, true);
    const duration = seconds(lastNs - firstNs);
    const summary: FlowSummary = {
      proto: protoName(v.getUint8(p + Flow.proto)),
      stream: v.getUint32(p + Flow.stream, true),
      client: { ip: c.ip, port: c.port },
      server: { ip: s.ip, port: s.port },
      first: seconds(firstNs),
      last: seconds(lastNs),
      duration,
      firstFrame: v.getUint32(p + Flow.firstFrame, true),
      lastFrame: v.getUint32(p + Flow.lastFrame, true),
      packets: { client: c.packets, server: s.packets },
      bytes: { client: c.bytes, server: s.bytes },
      payload: { client: c.payload, server: s.payload },
      midstream: (flags & FlowFlag.midstream) !== 0,
      reusedPorts: (flags & FlowFlag.reused) !== 0,
    };
    if (tcpIndex !== NONE) {
      summary.tcp = readTcp(v, this.#core.tcpPtr() + tcpIndex * TCP_SIZE, (flags & FlowFlag.clientIsB) !== 0, duration,
        [a.packets, b.packets], { zeekDone: this.#core.zeekDonePtr(), tcpExtras: this.#core.tcpExtrasPtr() });
    }
    return summary;
  }

  /** Whether flow `i`'s client is its endpoint B, the sender of packet records with dir 1. */
  clientIsB(i: number): boolean {
    return (this.#view().getUint16(this.#core.flowsPtr() + i * Flow.size + Flow.flags, true) & FlowFlag.clientIsB) !== 0;
  }

  /** What a packet line needs of its flow, read in place: no summary is made. */
  flowKey(i: number): { proto: string; stream: number; clientIsB: boolean } {
    const v = this.#view(), p = this.#core.flowsPtr() + i * Flow.size;
    return {
      proto: protoName(v.getUint8(p + Flow.proto)),
      stream: v.getUint32(p + Flow.stream, true),
      clientIsB: this.clientIsB(i),
    };
  }

  flows(): FlowSummary[] {
    return [...this.eachFlow()];
  }

  /** The flows (all, or those of `ids`) one at a time, each made when it is reached: a million need not be held at once. */
  *eachFlow(ids?: Iterable<number>): Generator<FlowSummary> {
    if (ids) for (const i of ids) yield this.flow(i);
    else for (let i = 0; i < this.flowCount; i++) yield this.flow(i);
  }
}

export { NONE, seconds };
