// Streams a capture's bytes into the engine. A gzip file is recognised by its first two bytes, not
// its name, and decompressed on the way by whatever the platform offers.

import type { Engine } from './engine.js';

export type Gunzip = (compressed: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;

export interface FeedProgress {
  /** Bytes of the file read so far (compressed bytes, for a gzip file). */
  bytesRead: number;
  packets: number;
  flows: number;
}

/** Whether a file's first bytes are gzip's magic number. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** How far the engine has come, `bytesRead` bytes of the file in. */
export function progressOf(engine: Engine, bytesRead: number): FeedProgress {
  return { bytesRead, packets: engine.packetsSoFar(), flows: engine.flowCount };
}

/** A read that failed ends the input, everything before it kept. */
export function readFailed(engine: Engine, e: unknown, gzipped = false): void {
  const what = gzipped ? 'the gzip stream is damaged' : 'reading the file failed';
  engine.hostWarning(gzipped ? 'bad_gzip' : 'read_error',
    `${what}: ${(e as Error).message}; everything before is kept`, engine.bytesIn);
}

export async function feed(
  engine: Engine,
  chunks: AsyncIterable<Uint8Array>,
  gunzip: Gunzip,
  onProgress?: (p: FeedProgress) => void,
): Promise<void> {
  let bytesRead = 0;
  const counted = (async function* () {
    for await (const c of chunks) { bytesRead += c.length; yield c; }
  })();
  const { head, rest } = await peek(counted, 2);
  let source: AsyncIterable<Uint8Array> = rest;
  const gzipped = isGzip(head);
  if (gzipped) {
    engine.compression = 'gzip';
    source = gunzip(rest);
  }
  try {
    for await (const chunk of source) {
      engine.write(chunk);
      onProgress?.(progressOf(engine, bytesRead));
      if (engine.stopped) break; // damage: the rest of the file cannot be read in order
    }
  } catch (e) {
    readFailed(engine, e, gzipped);
  }
  engine.end();
  onProgress?.(progressOf(engine, bytesRead));
}

/** Reads until `n` bytes are at hand; gives them back at the front of the stream. */
async function peek(src: AsyncIterable<Uint8Array>, n: number): Promise<{ head: Uint8Array; rest: AsyncIterable<Uint8Array> }> {
  const it = src[Symbol.asyncIterator]();
  const held: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < n) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    held.push(r.value.slice()); // a copy: a stream may read its next chunk into the same buffer
    have += r.value.length;
  }
  const head = concat(held);
  const rest = (async function* () {
    if (head.length) yield head;
    if (done) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  })();
  return { head, rest };
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** A decompressor is written the file in slices of this size, whatever size its chunks come in. */
const GUNZIP_SLICE = 4 << 10;
/** Output queued beyond this holds the decompressor back until the engine catches up. */
const GUNZIP_QUEUE = 16 << 20;

// At damage a decompressor drops what its failing step inflated (one slice's worth at most), so where
// its input is cut changes what comes out: it gets the same slices however the file arrives.
/** The chunks cut again into slices of `size` bytes from the start of the stream (the last shorter). */
export async function* slices(chunks: AsyncIterable<Uint8Array>, size = GUNZIP_SLICE): AsyncIterable<Uint8Array> {
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

/**
 * Inflated chunks on their way from a decompressor to the engine. They are taken from the
 * decompressor as soon as it has them, so that its failure later drops none of them (a stream drops
 * the chunks still queued in it, zlib's iterator what it had inflated): everything before the damage
 * reaches the engine, then the failure.
 */
export class Inflated {
  #queue: Uint8Array[] = [];
  #queued = 0;
  #failure: Error | null = null;
  #ended = false;
  /** The reader stopped early: the decompressor may stop too. */
  closed = false;
  #wake: (() => void) | null = null;
  #roomWaiters: (() => void)[] = [];

  push(c: Uint8Array): void { this.#queue.push(c); this.#queued += c.length; this.#poke(); }
  fail(e: Error): void { this.#failure ??= e; this.#poke(); }
  end(): void { this.#ended = true; this.#poke(); }
  get full(): boolean { return this.#queued > GUNZIP_QUEUE; }
  get failed(): boolean { return this.#failure !== null; }

  /** Resolves once the queue is down to half its limit (or the reader has gone). */
  room(): Promise<void> {
    if (this.#queued <= GUNZIP_QUEUE / 2 || this.closed) return Promise.resolve();
    return new Promise((r) => this.#roomWaiters.push(r));
  }

  async *chunks(): AsyncIterable<Uint8Array> {
    try {
      for (;;) {
        const c = this.#queue.shift();
        if (c) {
          this.#queued -= c.length;
          if (this.#queued <= GUNZIP_QUEUE / 2) this.#freeRoom();
          yield c;
        } else if (this.#failure) {
          throw this.#failure;
        } else if (this.#ended) {
          return;
        } else {
          await new Promise<void>((r) => { this.#wake = r; });
        }
      }
    } finally {
      this.closed = true;
      this.#freeRoom();
    }
  }

  #poke(): void { const w = this.#wake; this.#wake = null; w?.(); }
  #freeRoom(): void { for (const r of this.#roomWaiters.splice(0)) r(); }
}

/** The browser's (and Node's) DecompressionStream, over an async iterable. */
export const streamGunzip: Gunzip = (compressed) => {
  const ds = new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>;
  const out = new Inflated();
  void (async () => {
    const reader = ds.readable.getReader();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value);
      out.end();
    } catch (e) {
      out.fail(e as Error);
    }
  })();
  void (async () => {
    const writer = ds.writable.getWriter();
    try {
      for await (const c of slices(compressed)) {
        await out.room();
        if (out.closed) { await writer.abort(); return; }
        // a copy: a decompressor may still hold a chunk after its write resolved (Node's does), and
        // the file's reader reads its next chunk into the same buffer
        await writer.write(c.slice());
      }
      await writer.close();
    } catch (e) {
      out.fail(e as Error);
    }
  })();
  return out.chunks();
};
