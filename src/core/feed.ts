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
  const gzipped = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  if (gzipped) {
    engine.compression = 'gzip';
    source = gunzip(rest);
  }
  try {
    for await (const chunk of source) {
      engine.write(chunk);
      if (onProgress) onProgress({ bytesRead, packets: engine.packetsSoFar(), flows: engine.flowCount });
      if (engine.stopped) break; // damage: the rest of the file cannot be read in order
    }
  } catch (e) {
    const what = gzipped ? 'the gzip stream is damaged' : 'reading the file failed';
    engine.hostWarning(gzipped ? 'bad_gzip' : 'read_error',
      `${what}: ${(e as Error).message}; everything before is kept`, engine.bytesIn);
  }
  engine.end();
  if (onProgress) onProgress({ bytesRead, packets: engine.packetsSoFar(), flows: engine.flowCount });
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
    held.push(r.value);
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

/** The browser's (and Node's) DecompressionStream, over an async iterable. */
export const streamGunzip: Gunzip = (compressed) => {
  const it = compressed[Symbol.asyncIterator]();
  const input = new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      const r = await it.next();
      if (r.done) ctrl.close(); else ctrl.enqueue(r.value);
    },
  });
  const out = input.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
  return (async function* () {
    const reader = out.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
  })();
};
