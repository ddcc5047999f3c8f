// The core in Node: read the wasm from the package, stream files from disk, gunzip with zlib.

import { open, readFile } from 'node:fs/promises';
import { createReadStream, existsSync, fstatSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { constants, createGunzip } from 'node:zlib';
import { instantiate } from './wasm.js';
import { Engine } from './engine.js';
import { Inflated, feed, isGzip, progressOf, readFailed, slices, type FeedProgress, type Gunzip } from './feed.js';

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

// zlib through its events rather than its stream iterator (see Inflated). A sync flush before the end
// gives out everything inflated so far, before a stream cut short raises its error.
export const zlibGunzip: Gunzip = (compressed) => {
  const gz = createGunzip();
  const out = new Inflated();
  gz.on('data', (c: Buffer) => {
    out.push(c);
    if (out.full && !gz.isPaused()) { gz.pause(); void out.room().then(() => gz.resume()); }
  });
  gz.on('error', (e) => out.fail(e));
  gz.on('end', () => out.end());
  void (async () => {
    try {
      for await (const c of slices(compressed)) {
        if (out.closed || out.failed) break;
        if (!gz.write(c)) await once(gz, 'drain');
      }
      if (!out.failed) await new Promise<void>((r) => gz.flush(constants.Z_SYNC_FLUSH, () => r()));
      gz.end();
    } catch (e) {
      gz.destroy(e as Error);
    }
  })();
  return out.chunks();
};

/** Chunk size for reading files: large enough that per-call costs vanish. */
const READ_CHUNK = 4 << 20;

export async function analyzeFile(
  path: string,
  options: {
    onPackets?: (records: DataView, count: number) => void;
    onProgress?: (p: FeedProgress) => void;
    /** Read through a stream in chunks of this size, rather than straight into the core. */
    chunkSize?: number;
    depth?: 'read' | 'flows' | 'full';
  } = {},
): Promise<Engine> {
  const engine = await createEngine();
  engine.begin({ onPackets: options.onPackets, depth: options.depth });
  const file = await open(path, 'r');
  try {
    const { buffer: magic, bytesRead } = await file.read(Buffer.alloc(2), 0, 2, 0);
    if (options.chunkSize || isGzip(magic.subarray(0, bytesRead))) {
      const stream = createReadStream(path, { highWaterMark: options.chunkSize ?? READ_CHUNK });
      await feed(engine, stream as AsyncIterable<Uint8Array>, zlibGunzip, options.onProgress);
    } else {
      await readInPlace(engine, file.fd, options.onProgress);
    }
  } finally {
    await file.close();
  }
  return engine;
}

/**
 * Reads a file straight into the core's input window: no buffer of its own to allocate, fill and
 * copy, which on full-size packets took a third of the time. Yields to the event loop now and then.
 */
async function readInPlace(engine: Engine, fd: number, onProgress?: (p: FeedProgress) => void): Promise<void> {
  const size = fstatSync(fd).size;
  let at = 0;
  try {
    for (let reads = 1; ; reads++) {
      const into = engine.inputWindow();
      if (!into) { engine.skipped(Math.max(0, size - at)); break; } // damage: the rest is counted, not read
      const n = readSync(fd, into, 0, into.length, at);
      if (n === 0) break;
      at += n;
      engine.pushed(n);
      if (reads % 64 === 0) {
        onProgress?.(progressOf(engine, at));
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } catch (e) {
    readFailed(engine, e);
  }
  engine.end();
  onProgress?.(progressOf(engine, at));
}

/** Analyses bytes already in memory, cut into chunks of `chunkSize` (tests use 1, 7, 4096...); zlib unless told. */
export async function analyzeBytes(
  bytes: Uint8Array,
  chunkSize = bytes.length || 1,
  options: { onPackets?: (records: DataView, count: number) => void; gunzip?: Gunzip } = {},
): Promise<Engine> {
  const engine = await createEngine();
  engine.begin(options);
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  await feed(engine, chunks(), options.gunzip ?? zlibGunzip);
  return engine;
}
