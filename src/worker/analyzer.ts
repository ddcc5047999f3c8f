// The analyzer behind the page: it owns the core, the file and the packet index, and answers the
// page's questions about them over Comlink. One analyzer (one worker) per file: to cancel a load or
// open another file, the page terminates the worker.

import { transfer } from 'comlink';
import { instantiate } from '../core/wasm.js';
import { Engine, type CaptureSummary, type FlowSummary, type Endpoint } from '../core/engine.js';
import { feed, streamGunzip } from '../core/feed.js';
import { blobChunks } from './blob-chunks.js';
import { INDEX_BYTES_PER_PACKET, PacketIndex, indexLimit, type PacketColumns } from './packet-index.js';
import { readPacket } from '../core/packets.js';
import { formatBytes } from '../core/report.js';
import { PacketBytes } from './packet-bytes.js';
import { readSacks, sackQuery } from './flow-sacks.js';
import { FlowTable } from './flow-table.js';
import { FlowView, type ViewInfo, type ViewSpec } from './flow-view.js';
import { StreamFile, pulled } from './stream-file.js';
import { cutCapture, type CutCapture } from './capture-cut.js';
import { csvLines, jsonPieces, joined } from '../core/report.js';
import { zeekLines } from '../core/zeek-log.js';
import { protoName } from '../core/names.js';
import { buildSeries, type Scales, type Side, type TsgSeries } from './flow-series.js';

export type { ViewInfo, ViewSpec, SortColumn, FilterProblem } from './flow-view.js';
export type { CutCapture } from './capture-cut.js';

/** Which flows an export holds: every flow, or those the filter keeps (in capture order). */
export type ExportScope = 'all' | 'view';
export type FlowFormat = 'csv' | 'json' | 'zeek';

/** What names a flow across loads of the same capture: its protocol, endpoints and first packet. */
export interface FlowKey {
  proto: string;
  client: Endpoint;
  server: Endpoint;
  /** Seconds since the epoch, to the microsecond. */
  first: number;
}

export interface OpenOptions {
  /** The most packets the packet index holds (default: indexLimit() of this device's memory). */
  indexLimit?: number;
}

export interface LoadProgress {
  /** File bytes read (compressed bytes, for a gzip file). */
  bytesRead: number;
  bytesTotal: number;
  packets: number;
  flows: number;
  bytesPerSecond: number;
  done: boolean;
}

export interface FlowRow extends FlowSummary {
  /** The flow's index in the core (capture order of first packets). */
  index: number;
  /** Seconds from the capture's first packet to the flow's. */
  start: number;
}

/** A flow's packets, as columns; direction is from the client's point of view. */
export interface FlowPackets extends Omit<PacketColumns, 'stateA' | 'stateB'> {
  count: number;
  /** Capture-wide packet indexes, for packetBytes(). */
  packet: Uint32Array;
  /** Seconds since the flow's first packet. */
  time: Float64Array;
  /** 0: client to server, 1: server to client. */
  dir: Uint8Array;
  /** RFC 9293 state of the client and of the server after each packet (core/layout.ts TCP_STATES). */
  clientState: Uint8Array;
  serverState: Uint8Array;
}

// Bundled with the site (relative URL: works from any sub-path and offline).
const WASM_URL = new URL('../../build/seqack.wasm', import.meta.url);
let compiled: Promise<WebAssembly.Module> | null = null;

function loadCore() {
  compiled ??= fetch(WASM_URL).then((r) => {
    if (!r.ok) throw new Error(`seqack: cannot load the core (${r.status} ${r.statusText})`);
    return r.arrayBuffer();
  }).then((b) => WebAssembly.compile(b));
  return compiled.then((m) => instantiate(m));
}

/** Adds to `phases` the time spent waiting for each chunk and the time until the next is asked for. */
async function* timed<T>(chunks: AsyncIterable<T>, phases: { waiting: number; parsing: number }): AsyncGenerator<T> {
  let t = performance.now();
  for await (const c of chunks) {
    const got = performance.now();
    phases.waiting += got - t;
    yield c;
    t = performance.now();
    phases.parsing += t - got;
  }
}

/** About ten progress reports a second: enough to look live, few enough to cost nothing. */
const PROGRESS_MS = 100;

export class Analyzer {
  #engine: Engine | null = null;
  #table: FlowTable | null = null;
  #view = new FlowView();
  #index = new PacketIndex();
  /** The capture's bytes (so far, for a stream). */
  #file: (() => Blob) | null = null;

  /** Reads the whole file; flows can be asked for while it runs. Resolves with the summary. */
  open(file: Blob, onProgress?: (p: LoadProgress) => void, options: OpenOptions = {}): Promise<CaptureSummary> {
    this.#file = () => file;
    return this.#read(blobChunks(file), () => file.size, onProgress, options);
  }

  /**
   * Reads a capture that arrives as a stream: `pull` gives the next chunk, null at the end. `size` is
   * what the server announced (0: unknown). The bytes are kept as they pass, for packetBytes and cuts.
   */
  openStream(pull: () => Promise<Uint8Array<ArrayBuffer> | null>, size: number, onProgress?: (p: LoadProgress) => void,
    options: OpenOptions = {}): Promise<CaptureSummary> {
    const kept = new StreamFile();
    this.#file = () => kept.blob;
    return this.#read(kept.tee(pulled(pull)), () => size || kept.size, onProgress, options);
  }

  async #read(chunks: AsyncIterable<Uint8Array>, size: () => number, onProgress: ((p: LoadProgress) => void) | undefined,
    options: OpenOptions): Promise<CaptureSummary> {
    const begun = performance.now();
    const core = await loadCore();
    const engine = new Engine(core);
    const index = new PacketIndex(options.indexLimit ?? indexLimit((navigator as { deviceMemory?: number }).deviceMemory));
    this.#engine = engine;
    this.#table = new FlowTable(core);
    this.#view = new FlowView();
    this.#index = index;
    // where the load's time goes, for npm run bench:app: waiting for the file, the core, the index
    const phases = { starting: performance.now() - begun, waiting: 0, parsing: 0, indexing: 0 };
    let full = false;
    engine.begin({
      onPackets: (records, n) => {
        const t = performance.now();
        const kept = index.add(records, n);
        phases.indexing += performance.now() - t;
        if (kept < n && !full) {
          full = true;
          const p = readPacket(records, kept);
          engine.hostWarning('index_full', `the packet index is full: it holds the first ${index.count} packets `
            + `(${formatBytes(index.count * INDEX_BYTES_PER_PACKET)} at its budget of ${INDEX_BYTES_PER_PACKET} bytes a packet); every packet is still `
            + `analysed in the flows, but their packet lists, ladders and graphs end before this one`, p.offset, p.frame);
        }
      },
    });

    const started = performance.now();
    let last = -Infinity;
    const report = (p: { bytesRead: number; packets: number; flows: number }, done: boolean) => {
      const now = performance.now();
      if (!onProgress || (!done && now - last < PROGRESS_MS)) return;
      last = now;
      const seconds = (now - started) / 1000;
      onProgress({ ...p, bytesTotal: done ? p.bytesRead : size(), bytesPerSecond: seconds > 0 ? p.bytesRead / seconds : 0, done });
    };
    report({ bytesRead: 0, packets: 0, flows: 0 }, false);
    let bytesRead = 0;
    await feed(engine, timed(chunks, phases), streamGunzip, (p) => { bytesRead = p.bytesRead; report(p, false); });
    index.finish();
    // what npm run bench:app reports of the worker's memory and time
    performance.mark('seqack:packet-index', { detail: { packets: index.count, bytes: index.bytes, flowBytes: index.flowBytes } });
    performance.mark('seqack:load', { detail: { ...phases, parsing: phases.parsing - phases.indexing, total: performance.now() - begun } });
    const summary = engine.summary();
    report({ bytesRead, packets: summary.packets, flows: summary.flows }, true);
    return summary;
  }

  /** The summary so far (warnings included); null before a file is opened. */
  summary(): CaptureSummary | null {
    return this.#engine ? this.#engine.summary() : null;
  }

  /** Filters and sorts the flows (again: while loading, call it after each progress report). */
  view(spec: ViewSpec): ViewInfo {
    if (!this.#table) return { rows: 0, total: 0, error: null };
    return this.#view.update(this.#table, spec);
  }

  /** Rows [start, start + count) of the view. */
  rows(start: number, count: number): FlowRow[] {
    const engine = this.#engine, table = this.#table;
    if (!engine || !table) return [];
    table.refresh();
    const end = Math.min(start + count, this.#view.rows);
    const out: FlowRow[] = [];
    for (let pos = Math.max(0, start); pos < end; pos++) out.push(this.#row(this.#view.flowAt(pos)));
    return out;
  }

  flow(index: number): FlowRow | null {
    if (!this.#engine || !this.#table || index < 0 || index >= this.#engine.flowCount) return null;
    this.#table.refresh();
    return this.#row(index);
  }

  #row(i: number): FlowRow {
    return { ...this.#engine!.flow(i), index: i, start: this.#table!.number(i, 'start') };
  }

  /** Where the flow is in the view, or -1 when the filter hides it. */
  positionOf(flow: number): number {
    return this.#view.positionOf(flow);
  }

  /** All packets of a flow, as columns (transferred, not copied). */
  flowPackets(flow: number): FlowPackets {
    const result = this.#columns(flow, this.#index.packetsOf(flow));
    return transfer(result, buffersOf(result));
  }

  /**
   * The time-sequence graph's series (flow-series.ts) of a flow's first `count` packets, those the
   * page holds, built here: on the page's thread a million packets would hold it up for over 100 ms.
   * Transferred. `sacks` are the flow's SACK blocks as flowSacks gave them.
   */
  flowSeries(flow: number, count: number, side: Side, scales: Scales, sacks: Float64Array | null): TsgSeries {
    const series = buildSeries(this.#columns(flow, this.#index.packetsOf(flow).subarray(0, count)), side, scales, sacks);
    return transfer(series, buffersOf(series));
  }

  /** Columns of a flow's packets `packet`: times from its first packet, directions from its client. */
  #columns(flow: number, packet: Uint32Array): FlowPackets {
    const ix = this.#index;
    const n = packet.length;
    const clientIsB = this.#table ? (this.#table.refresh(), flow < this.#engine!.flowCount && this.#table.clientIsB(flow)) : false;
    const { stateA, stateB, ...c } = ix.gather(packet);
    const t0 = n ? c.time[0] : 0;
    for (let k = 0; k < n; k++) c.time[k] -= t0;
    if (clientIsB) for (let k = 0; k < n; k++) c.dir[k] ^= 1;
    return { count: n, packet, ...c, clientState: clientIsB ? stateB : stateA, serverState: clientIsB ? stateA : stateB };
  }

  /**
   * The SACK blocks of a flow's ACKs, read back from the file (flow-sacks.ts): triplets [k, left,
   * right], k the packet's position in the flow. Null for a gzip file, which has no random access.
   */
  async flowSacks(flow: number): Promise<Float64Array | null> {
    const engine = this.#engine, file = this.#file?.();
    if (!engine || !file || flow < 0 || flow >= engine.flowCount) return null;
    const summary = engine.summary();
    if (summary.compression === 'gzip') return null;
    const f = engine.flow(flow);
    const sacks = await readSacks(sackQuery(this.#index, this.#index.packetsOf(flow), file,
      summary.linkTypes.map((l) => l.linkType), { proto: f.proto, ports: [f.client.port, f.server.port] }));
    return transfer(sacks, [sacks.buffer]);
  }

  /** A packet's captured bytes, read back from the file. */
  async packetBytes(packet: number): Promise<Uint8Array> {
    const ix = this.#index;
    const bytes = this.#packetBytes();
    if (!bytes || packet < 0 || packet >= ix.count) return new Uint8Array(0);
    const data = await bytes.read(ix.offset(packet), ix.capLen(packet));
    return transfer(data, [data.buffer as ArrayBuffer]);
  }

  // Known once the first bytes are read, so packets can be looked at while the file loads.
  #packetBytes(): PacketBytes | null {
    if (!this.#engine || !this.#file) return null;
    return new PacketBytes(this.#file(), this.#engine.summary().compression === 'gzip');
  }

  /** The flows of the capture (all, or those in view) as CSV, a Zeek conn.log or the CLI's JSON. */
  exportFlows(format: FlowFormat, scope: ExportScope, file: string): Blob {
    const engine = this.#engine;
    if (!engine) return new Blob([]);
    const flows = engine.eachFlow(this.#flowsIn(scope));
    const text = format === 'json' ? joined(jsonPieces({ file, ...engine.summary() }, flows))
      : joined(format === 'csv' ? csvLines(flows) : zeekLines(flows), '\n');
    const type = format === 'csv' ? 'text/csv' : format === 'zeek' ? 'text/tab-separated-values' : 'application/json';
    return new Blob([...text], { type });
  }

  /** A new capture of the packets of some flows (one flow, or those in view), cut from the file. */
  async cut(what: number | ExportScope): Promise<CutCapture> {
    const ix = this.#index;
    let packets: Uint32Array;
    if (what === 'all') {
      packets = new Uint32Array(ix.count);
      let n = 0;
      for (let i = 0; i < ix.count; i++) if (ix.inFlow(i)) packets[n++] = i;
      packets = packets.subarray(0, n);
    } else {
      const lists = Array.from(typeof what === 'number' ? [what] : this.#flowsIn(what), (f) => ix.packetsOf(f));
      packets = new Uint32Array(lists.reduce((s, l) => s + l.length, 0));
      let n = 0;
      for (const l of lists) { packets.set(l, n); n += l.length; }
      packets.sort(); // packet indexes are capture order
    }
    const bytes = this.#packetBytes();
    return cutCapture(ix, packets, async (offsets, lengths) => bytes ? bytes.pieces(offsets, lengths) : []);
  }

  /** The flow a key names, or -1: same protocol and endpoints (either way), first packet within 1 µs. */
  findFlow(key: FlowKey): number {
    const engine = this.#engine, table = this.#table;
    if (!engine || !table) return -1;
    const n = table.refresh();
    const target = key.first * 1e9;
    const same = (a: Endpoint, b: Endpoint) => a.ip === b.ip && a.port === b.port;
    for (let i = 0; i < n; i++) {
      if (Math.abs(table.firstNs(i) - target) > 1500 || protoName(table.protocol(i)) !== key.proto) continue;
      const f = engine.flow(i);
      if ((same(f.client, key.client) && same(f.server, key.server)) || (same(f.client, key.server) && same(f.server, key.client))) return i;
    }
    return -1;
  }

  /** Flow indexes in capture order: all of them, or those the filter keeps. */
  #flowsIn(scope: ExportScope): Uint32Array {
    const n = this.#engine?.flowCount ?? 0;
    if (scope === 'all') return Uint32Array.from({ length: n }, (_, i) => i);
    const v = this.#view;
    return Uint32Array.from({ length: v.rows }, (_, pos) => v.flowAt(pos)).sort();
  }
}

/** The buffers under an object's typed arrays, nested objects' too, each once: what transfer() moves. */
function buffersOf(o: object): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const visit = (v: unknown): void => {
    if (ArrayBuffer.isView(v)) out.add(v.buffer as ArrayBuffer);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(o);
  return [...out];
}

/** What the page sees of the worker. */
export type AnalyzerApi = Analyzer;
