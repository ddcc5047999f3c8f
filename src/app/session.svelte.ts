// One opened capture, from the file to the rows on screen: the worker that reads it, progress,
// summary, the filter and sort, and which flow is open. Opening another file replaces all of it.

import type { CaptureSummary } from '../core/engine.js';
import type { FlowRow, LoadProgress, SortColumn, ViewInfo, ViewSpec } from '../worker/analyzer.js';
import { AnalyzerClient } from './analyzer-client.js';

export type Phase = 'start' | 'loading' | 'ready' | 'failed';

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
  /** The flow open in the detail panel (a core flow index). */
  openFlow = $state<number | null>(null);

  #client: AnalyzerClient | null = null;
  #refreshing: Promise<void> | null = null;
  #again = false;
  #applied: ViewSpec | null = null;

  get client(): AnalyzerClient | null { return this.#client; }

  async open(file: Blob, name: string): Promise<void> {
    this.close();
    const client = new AnalyzerClient();
    this.#client = client;
    this.phase = 'loading';
    this.fileName = name;
    this.fileSize = file.size;
    this.progress = null;
    this.summary = null;
    this.failure = null;
    this.openFlow = null;
    this.view = { rows: 0, total: 0, error: null };
    try {
      const summary = await client.open(file, (p) => {
        if (this.#client !== client) return;
        this.progress = p;
        if (!p.done) void this.refresh(); // flows appear while the file loads
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
      this.failure = { code: 'error', message: (e as Error).message };
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
