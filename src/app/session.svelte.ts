// One opened capture, from the file to the rows on screen: the worker that reads it, progress,
// summary, the filter and sort, and which flow is open. Opening another file replaces all of it.

import type { CaptureSummary } from '../core/engine.js';
import type { FlowRow, LoadProgress, SortColumn, ViewInfo, ViewSpec } from '../worker/analyzer.js';
import { AnalyzerClient } from './analyzer-client.js';
import { fetchCapture, FetchFailure } from './link/capture-url.js';

export type Phase = 'start' | 'loading' | 'ready' | 'failed';
export type Source = { kind: 'file' } | { kind: 'sample' } | { kind: 'url'; url: string };

/** While a file loads, the table is asked for again at most this often: each time costs the page a
 *  frame of layout and paint, and the CPU it takes is the reader's (the browser reads the file on the
 *  same cores). The progress bar still moves at every report. */
const LOAD_REFRESH_MS = 400;

/** Warnings that mean nothing at all could be read from the file. */
const FATAL = new Set(['empty_file', 'not_a_capture', 'truncated_file_header', 'unsupported_version', 'bad_byte_order_magic', 'no_section_header']);

export class Session {
  phase = $state<Phase>('start');
  fileName = $state('');
  fileSize = $state(0);
  progress = $state.raw<LoadProgress | null>(null);
  summary = $state.raw<CaptureSummary | null>(null);
  /** Why the file could not be read at all (failed phase). */
  failure = $state.raw<{ code: string; message: string } | null>(null);
  spec = $state.raw<ViewSpec>({ filter: '', sort: null, descending: false });
  view = $state.raw<ViewInfo>({ rows: 0, total: 0, error: null });
  /** Bumped whenever rows may have changed, so row caches refetch. */
  revision = $state(0);
  /** Bumped when a new filter or sort has been applied: the rows are in a new order. */
  reordered = $state(0);
  #openFlow = $state<number | null>(null);
  /** The flow open in the detail panel (a core flow index). Another flow starts with all its time in view. */
  get openFlow(): number | null { return this.#openFlow; }
  set openFlow(flow: number | null) {
    if (flow !== this.#openFlow) this.timeRange = null;
    this.#openFlow = flow;
  }
  /**
   * What the flow panel shows (its tab: '' is its default), and the time window it is zoomed to, in
   * seconds since the open flow's first packet (null: all of it). The panel reads and sets them; the
   * page's address keeps them, so a link brings the same view back.
   */
  panelView = $state('');
  timeRange = $state.raw<[number, number] | null>(null);
  /** Where the capture came from: a file given to the page, the sample, or an address (?url=). */
  source = $state.raw<Source>({ kind: 'file' });

  #client: AnalyzerClient | null = null;
  #refreshing: Promise<void> | null = null;
  #again = false;
  #applied: ViewSpec | null = null;

  get client(): AnalyzerClient | null { return this.#client; }

  /** Opens a file (or any Blob). */
  open(file: Blob, name: string, source: Source = { kind: 'file' }): Promise<void> {
    return this.#load(name, file.size, source, (client, onProgress) => client.open(file, onProgress));
  }

  /** Opens the capture at an address, read as it downloads. */
  openUrl(url: URL): Promise<void> {
    return this.#load(url.href, 0, { kind: 'url', url: url.href }, async (client, onProgress) => {
      const { body, size } = await fetchCapture(url);
      if (this.#client === client) this.fileSize = size;
      return client.openStream(body, size, onProgress);
    });
  }

  async #load(name: string, size: number, source: Source,
    read: (client: AnalyzerClient, onProgress: (p: LoadProgress) => void) => Promise<CaptureSummary>): Promise<void> {
    this.close();
    const client = new AnalyzerClient();
    this.#client = client;
    this.phase = 'loading';
    this.fileName = name;
    this.fileSize = size;
    this.source = source;
    this.progress = null;
    this.summary = null;
    this.failure = null;
    this.openFlow = null;
    this.view = { rows: 0, total: 0, error: null };
    let refreshed = -Infinity;
    try {
      const summary = await read(client, (p) => {
        if (this.#client !== client) return;
        this.progress = p;
        if (p.bytesTotal) this.fileSize = p.bytesTotal;
        const now = performance.now();
        if (!p.done && now - refreshed >= LOAD_REFRESH_MS) { // flows appear while the file loads
          refreshed = now;
          void this.refresh();
        }
      });
      if (this.#client !== client) return;
      this.summary = summary;
      const fatal = summary.packets === 0 ? summary.warnings.find((w) => FATAL.has(w.code)) : undefined;
      if (fatal) {
        this.failure = { code: fatal.code, message: fatal.message };
        this.phase = 'failed';
        return;
      }
      await this.refresh();
      this.phase = 'ready';
    } catch (e) {
      if (this.#client !== client) return;
      this.failure = { code: e instanceof FetchFailure ? 'fetch' : 'error', message: (e as Error).message };
      this.phase = 'failed';
    }
  }

  /** Stops any load and forgets the capture. */
  close(): void {
    this.#client?.dispose();
    this.#client = null;
    this.phase = 'start';
    this.openFlow = null;
  }

  setFilter(filter: string): void {
    if (filter === this.spec.filter) return;
    this.spec = { ...this.spec, filter };
    void this.refresh();
  }

  /** First click sorts up, the next down, the third returns to capture order. */
  toggleSort(column: SortColumn): void {
    const s = this.spec;
    const next = s.sort !== column ? { sort: column, descending: false }
      : !s.descending ? { sort: column, descending: true }
      : { sort: null, descending: false };
    this.spec = { ...s, ...next };
    void this.refresh();
  }

  /** Asks the worker for the view again; calls that arrive meanwhile are folded into one more. */
  refresh(): Promise<void> {
    if (this.#refreshing) { this.#again = true; return this.#refreshing; }
    const client = this.#client;
    if (!client) return Promise.resolve();
    this.#refreshing = (async () => {
      do {
        this.#again = false;
        const spec = this.spec;
        const info = await client.api.view(spec);
        if (this.#client !== client) return;
        this.view = info;
        this.revision++;
        if (this.#applied && spec !== this.#applied && !info.error) this.reordered++;
        this.#applied = spec;
      } while (this.#again);
    })().finally(() => { this.#refreshing = null; });
    return this.#refreshing;
  }

  /** Where a flow is in the view, or -1 when the filter hides it. */
  async positionOf(flow: number): Promise<number> {
    return this.#client ? this.#client.api.positionOf(flow) : -1;
  }

  async rows(start: number, count: number): Promise<FlowRow[]> {
    return this.#client ? this.#client.api.rows(start, count) : [];
  }
}
