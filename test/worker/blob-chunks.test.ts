// The worker's reading of a dropped file: every byte once, in order, from any start; and a stream
// that stops delivering is left for slices of the file, from where it stopped.

import { describe, expect, it } from 'vitest';
import { blobChunks } from '../../src/worker/blob-chunks.js';

const bytes = new Uint8Array(3_000_000);
for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
/** Byte for byte (toEqual walks millions of elements for seconds). */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<{ all: Uint8Array; count: number }> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c.slice()); // each chunk is valid until the next is asked for
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  return { all, count: parts.length };
}

/** A blob whose stream gives its first `n` bytes and then nothing, ever; its slices read as usual. */
class StallingBlob extends Blob {
  readonly #n: number;
  constructor(parts: BlobPart[], n: number) { super(parts); this.#n = n; }
  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    const head = bytes.slice(0, this.#n);
    return new ReadableStream({ start(c) { c.enqueue(head); } });
  }
}

describe('blobChunks', () => {
  it('gives every byte once, in order, from the start or from an offset', async () => {
    const blob = new Blob([bytes]);
    expect(same((await collect(blobChunks(blob))).all, bytes)).toBe(true);
    expect(same((await collect(blobChunks(blob, 1_234_567))).all, bytes.subarray(1_234_567))).toBe(true);
  });

  it('leaves a stream that stalls and reads the rest in slices', async () => {
    const blob = new StallingBlob([bytes], 100_000);
    const started = Date.now();
    const { all } = await collect(blobChunks(blob, 0, 50));
    expect(all.length).toBe(bytes.length);
    expect(same(all, bytes)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
