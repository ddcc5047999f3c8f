// The page's handle on one analyzer worker. The page imports only the worker's type; everything
// else crosses through Comlink. Disposing releases the proxy and terminates the worker, which is
// also how a load is cancelled (a download too).

import { wrap, proxy, transfer, releaseProxy, type Remote } from 'comlink';
import type { AnalyzerApi, LoadProgress, OpenOptions } from '../worker/analyzer.js';
import type { CaptureSummary } from '../core/engine.js';

/**
 * What the page's address sets for its loads, read as the page starts (the address then changes with
 * what is open): `?index-limit=N` holds the packet index to N packets, for a machine with less memory
 * to spare than the browser reports (by default the index may take a quarter of it).
 */
const OPTIONS: OpenOptions = (() => {
  const n = Number(new URLSearchParams(location.search).get('index-limit'));
  return n > 0 ? { indexLimit: Math.floor(n) } : {};
})();

export class AnalyzerClient {
  readonly #worker: Worker;
  readonly api: Remote<AnalyzerApi>;
  #reader: ReadableStreamDefaultReader<Uint8Array<ArrayBuffer>> | null = null;

  constructor() {
    this.#worker = new Worker(new URL('../worker/analyzer.worker.ts', import.meta.url), { type: 'module', name: 'seqack' });
    this.api = wrap<AnalyzerApi>(this.#worker);
  }

  open(file: Blob, onProgress: (p: LoadProgress) => void): Promise<CaptureSummary> {
    return this.api.open(file, proxy(onProgress), OPTIONS);
  }

  /** Reads a stream (a fetch's body): the worker pulls it chunk by chunk, each one transferred. */
  openStream(body: ReadableStream<Uint8Array<ArrayBuffer>>, size: number, onProgress: (p: LoadProgress) => void): Promise<CaptureSummary> {
    const reader = body.getReader();
    this.#reader = reader;
    const pull = async () => {
      const r = await reader.read();
      return r.done ? null : transfer(r.value, [r.value.buffer]);
    };
    return this.api.openStream(proxy(pull), size, proxy(onProgress), OPTIONS);
  }

  dispose(): void {
    void this.#reader?.cancel().catch(() => {});
    this.api[releaseProxy]();
    this.#worker.terminate();
  }
}
