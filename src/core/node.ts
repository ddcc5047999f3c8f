// The core in Node: read the wasm from the package, stream files from disk, gunzip with zlib.

import { readFile } from 'node:fs/promises';
import { createReadStream, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { constants, createGunzip } from 'node:zlib';
import { instantiate } from './wasm.js';
import { Engine } from './engine.js';
import { feed, type FeedProgress, type Gunzip } from './feed.js';

let compiled: Promise<WebAssembly.Module> | null = null;

/** build/seqack.wasm, found from this file whether it runs from src/ or from dist/node/. */
export function wasmPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'build', 'seqack.wasm');
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('seqack: build/seqack.wasm is missing; run `npm run build:wasm`');
    dir = up;
  }
}

export async function createEngine(): Promise<Engine> {
  compiled ??= readFile(wasmPath()).then((b) => WebAssembly.compile(b));
  return new Engine(await instantiate(await compiled));
}

/** Output queued beyond this pauses zlib until the engine catches up. */
const GUNZIP_QUEUE = 16 << 20;
/** zlib is written the file in slices of this size, whatever size its chunks come in. */
const GUNZIP_SLICE = 16 << 10;

// zlib through its events rather than its stream iterator: the iterator drops what zlib had already
// inflated when it meets damage, and everything before the damage must reach the engine. At damage,
// zlib drops what its failing call inflated, so where its input is cut changes what comes out: it
// gets the same slices however the file arrives. A sync flush before the end gives out everything
// inflated so far, before a stream cut short raises its error.
export const zlibGunzip: Gunzip = (compressed) => (async function* () {
  const gz = createGunzip();
  const queue: Uint8Array[] = [];
  let queued = 0;
  let failure: Error | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const poke = () => { const w = wake; wake = null; w?.(); };
  gz.on('data', (c: Buffer) => { queue.push(c); queued += c.length; if (queued > GUNZIP_QUEUE) gz.pause(); poke(); });
  gz.on('error', (e) => { failure = e; poke(); });
  gz.on('end', () => { ended = true; poke(); });
  void (async () => {
    try {
      for await (const c of slices(compressed, GUNZIP_SLICE)) {
        if (failure) break;
        if (!gz.write(c)) await once(gz, 'drain');
      }
      if (!failure) await new Promise<void>((r) => gz.flush(constants.Z_SYNC_FLUSH, () => r()));
      gz.end();
    } catch (e) {
      gz.destroy(e as Error);
    }
  })();
  for (;;) {
    const c = queue.shift();
    if (c) {
      queued -= c.length;
      if (gz.isPaused() && queued <= GUNZIP_QUEUE / 2) gz.resume();
      yield c;
    } else if (failure) {
      throw failure;
    } else if (ended) {
      return;
    } else {
      await new Promise<void>((r) => { wake = r; });
    }
  }
})();

/** The chunks cut again into slices of `size` bytes from the start of the stream (the last shorter). */
async function* slices(chunks: AsyncIterable<Uint8Array>, size: number): AsyncIterable<Uint8Array> {
  let held: Uint8Array | null = null; // a slice begun, and how much of it is filled
  let fill = 0;
  for await (let c of chunks) {
    if (held) {
      const n = Math.min(size - fill, c.length);
      held.set(c.subarray(0, n), fill);
      fill += n;
      c = c.subarray(n);
      if (fill < size) continue;
      yield held;
      held = null;
    }
    let at = 0;
    for (; at + size <= c.length; at += size) yield c.subarray(at, at + size);
    if (at < c.length) {
      held = new Uint8Array(size);
      held.set(c.subarray(at));
      fill = c.length - at;
    }
  }
  if (held) yield held.subarray(0, fill);
}

/** Chunk size for reading files: large enough that per-call costs vanish. */
const READ_CHUNK = 4 << 20;

export async function analyzeFile(
  path: string,
  options: {
    onPackets?: (records: DataView, count: number) => void;
    onProgress?: (p: FeedProgress) => void;
    chunkSize?: number;
    depth?: 'read' | 'flows' | 'full';
  } = {},
): Promise<Engine> {
  const engine = await createEngine();
  engine.begin({ onPackets: options.onPackets, depth: options.depth });
  const stream = createReadStream(path, { highWaterMark: options.chunkSize ?? READ_CHUNK });
  await feed(engine, stream as AsyncIterable<Uint8Array>, zlibGunzip, options.onProgress);
  return engine;
}

/** Analyses bytes already in memory, cut into chunks of `chunkSize` (tests use 1, 7, 4096...). */
export async function analyzeBytes(
  bytes: Uint8Array,
  chunkSize = bytes.length || 1,
  options: { onPackets?: (records: DataView, count: number) => void } = {},
): Promise<Engine> {
  const engine = await createEngine();
  engine.begin(options);
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  await feed(engine, chunks(), zlibGunzip);
  return engine;
}
