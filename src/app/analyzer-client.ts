// The page's handle on one analyzer worker. The page imports only the worker's type; everything
// else crosses through Comlink. Disposing releases the proxy and terminates the worker, which is
// also how a load is cancelled.

import { wrap, proxy, releaseProxy, type Remote } from 'comlink';
import type { AnalyzerApi, LoadProgress } from '../worker/analyzer.js';
import type { CaptureSummary } from '../core/engine.js';

export class AnalyzerClient {
  readonly #worker: Worker;
  readonly api: Remote<AnalyzerApi>;

  constructor() {
    this.#worker = new Worker(new URL('../worker/analyzer.worker.ts', import.meta.url), { type: 'module', name: 'seqack' });
    this.api = wrap<AnalyzerApi>(this.#worker);
  }

  open(file: Blob, onProgress: (p: LoadProgress) => void): Promise<CaptureSummary> {
    return this.api.open(file, proxy(onProgress));
  }

  dispose(): void {
    this.api[releaseProxy]();
    this.#worker.terminate();
  }
}
