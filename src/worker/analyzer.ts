// The analyzer behind the page: it owns the core, the file and the packet index, and answers the
// page's questions about them over Comlink. One analyzer (one worker) per file: to cancel a load or
// open another file, the page terminates the worker.

import { transfer } from 'comlink';
import { instantiate } from '../core/wasm.js';
import { Engine, type CaptureSummary, type FlowSummary } from '../core/engine.js';
import { feed, streamGunzip } from '../core/feed.js';
import { blobChunks } from './blob-chunks.js';
import { PacketIndex } from './packet-index.js';
import { PacketBytes } from './packet-bytes.js';
import { readSacks, sackQuery } from './flow-sacks.js';
import { FlowTable } from './flow-table.js';
import { FlowView, type ViewInfo, type ViewSpec } from './flow-view.js';

export type { ViewInfo, ViewSpec, SortColumn, FilterProblem } from './flow-view.js';

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
export interface FlowPackets {
  count: number;
  /** Capture-wide packet indexes, for packetBytes(). */
  packet: Uint32Array;
  frame: Uint32Array;
  /** Seconds since the flow's first packet. */
  time: Float64Array;
  /** 0: client to server, 1: server to client. */
  dir: Uint8Array;
  flags: Uint16Array;
  seq: Uint32Array;
  ack: Uint32Array;
  len: Uint32Array;
  window: Uint32Array;
  analysis: Uint32Array;
  wireLen: Uint32Array;
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

/** About ten progress reports a second: enough to look live, few enough to cost nothing. */
const PROGRESS_MS = 100;

export class Analyzer {
  #engine: Engine | null = null;
  #table: FlowTable | null = null;
  #view = new FlowView();
  #index = new PacketIndex();
  #file: Blob | null = null;
  #bytes: PacketBytes | null = null;

  /** Reads the whole file; flows can be asked for while it runs. Resolves with the summary. */
  async open(file: Blob, onProgress?: (p: LoadProgress) => void): Promise<CaptureSummary> {
    const core = await loadCore();
    const engine = new Engine(core);
    const index = new PacketIndex();
    this.#engine = engine;
    this.#table = new FlowTable(core);
    this.#view = new FlowView();
    this.#index = index;
    this.#file = file;
    this.#bytes = null;
    engine.begin({ onPackets: (records, n) => index.add(records, n) });

    const started = performance.now();
    let last = -Infinity;
    const report = (p: { bytesRead: number; packets: number; flows: number }, done: boolean) => {
      const now = performance.now();
      if (!onProgress || (!done && now - last < PROGRESS_MS)) return;
      last = now;
      const seconds = (now - started) / 1000;
      onProgress({ ...p, bytesTotal: file.size, bytesPerSecond: seconds > 0 ? p.bytesRead / seconds : 0, done });
    };
    report({ bytesRead: 0, packets: 0, flows: 0 }, false);
    await feed(engine, blobChunks(file), streamGunzip, (p) => report(p, false));
    const summary = engine.summary();
    report({ bytesRead: file.size, packets: summary.packets, flows: summary.flows }, true);
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
    const ix = this.#index;
    const packet = ix.packetsOf(flow);
    const n = packet.length;
    const clientIsB = this.#table ? (this.#table.refresh(), flow < this.#engine!.flowCount && this.#table.clientIsB(flow)) : false;
    const pick = <T extends Uint32Array | Uint16Array | Uint8Array | Float64Array>(col: T): T => {
      const out = new (col.constructor as new (n: number) => T)(n);
      for (let k = 0; k < n; k++) out[k] = col[packet[k]];
      return out;
    };
    const time = pick(ix.time);
    const t0 = n ? time[0] : 0;
    for (let k = 0; k < n; k++) time[k] -= t0;
    const dir = pick(ix.dir);
    if (clientIsB) for (let k = 0; k < n; k++) dir[k] ^= 1;
    const result: FlowPackets = {
      count: n, packet, frame: pick(ix.frame), time, dir, flags: pick(ix.flags), seq: pick(ix.seq),
      ack: pick(ix.ack), len: pick(ix.len), window: pick(ix.window), analysis: pick(ix.analysis),
      wireLen: pick(ix.wireLen),
      clientState: pick(clientIsB ? ix.stateB : ix.stateA), serverState: pick(clientIsB ? ix.stateA : ix.stateB),
    };
    const buffers = Object.values(result).filter((v) => ArrayBuffer.isView(v)).map((v) => (v as Uint8Array).buffer as ArrayBuffer);
    return transfer(result, buffers);
  }

  /**
   * The SACK blocks of a flow's ACKs, read back from the file (flow-sacks.ts): triplets [k, left,
   * right], k the packet's position in the flow. Null for a gzip file, which has no random access.
   */
  async flowSacks(flow: number): Promise<Float64Array | null> {
    const engine = this.#engine, file = this.#file;
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
    if (!this.#engine || !this.#file || packet < 0 || packet >= ix.count) return new Uint8Array(0);
    // Known once the first bytes are read, so packets can be looked at while the file loads.
    this.#bytes ??= new PacketBytes(this.#file, this.#engine.summary().compression === 'gzip');
    const bytes = await this.#bytes.read(ix.offset[packet], ix.capLen[packet]);
    return transfer(bytes, [bytes.buffer as ArrayBuffer]);
  }
}

/** What the page sees of the worker. */
export type AnalyzerApi = Analyzer;
