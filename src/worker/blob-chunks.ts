// A File read as a stream: the whole file is never in memory. Blob.stream() rather than slices read
// with arrayBuffer(), which in Chromium cost the reading thread about a second of CPU a GB gathering
// each slice into a new ArrayBuffer; and, where the stream lets itself be read into a buffer of ours
// (a "bytes" stream, as Chromium's is), into one buffer used again for every chunk: no garbage for the
// collector, and reads of up to 1 MiB (the raw read of 1 GB took 1.0 s instead of 1.3 to 1.9 s).
// A stream that stops delivering (seen in Chromium under DevTools-protocol automation, never on its
// own) is left, and the rest is read in slices, which have never stalled.

/** The size of the buffer read into, where the stream allows it. */
const READ = 1 << 20;
/** The slices read after a stall. */
const SLICE = 8 << 20;
/** A local file delivers in milliseconds: this long without a chunk is a stall. */
export const STALL_MS = 10_000;

const STALLED = Symbol('stalled');

/**
 * The blob's bytes from `start`, a chunk at a time. A chunk is valid until the next one is asked for
 * (its buffer is read into again): use it, or copy it, first.
 */
export async function* blobChunks(blob: Blob, start = 0, stallMs = STALL_MS): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  let at = start;
  for await (const c of streamed(blob, start, stallMs)) {
    at += c.length;
    yield c;
  }
  while (at < blob.size) {
    const c = new Uint8Array(await blob.slice(at, at + SLICE).arrayBuffer());
    if (c.length === 0) break;
    at += c.length;
    yield c;
  }
}

/** The stream's chunks until its end, or until it stalls. */
async function* streamed(blob: Blob, start: number, stallMs: number): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const stream = (start ? blob.slice(start) : blob).stream();
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = stream.getReader({ mode: 'byob' });
  } catch {
    // not a byte stream: chunks of the stream's own
  }
  const reader = byob ?? stream.getReader();
  let buffer = new ArrayBuffer(READ);
  try {
    for (;;) {
      const r = await unlessStalled(byob ? byob.read(new Uint8Array(buffer)) : (reader as ReadableStreamDefaultReader<Uint8Array>).read(), stallMs);
      if (r === STALLED || r.done) return;
      const chunk = r.value as Uint8Array<ArrayBuffer>;
      yield chunk;
      if (byob) buffer = chunk.buffer; // the same memory, handed back
    }
  } finally {
    reader.cancel().catch(() => {}); // stopped early or stalled: the browser stops reading too
  }
}

function unlessStalled<T>(read: Promise<T>, ms: number): Promise<T | typeof STALLED> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stall = new Promise<typeof STALLED>((resolve) => { timer = setTimeout(() => resolve(STALLED), ms); });
  return Promise.race([read, stall]).finally(() => clearTimeout(timer));
}
