// A File read as a stream of slices (Perfetto reads 32 MiB `Blob.slice`s): the whole file is never in
// memory, and the next slices are already being read while the core parses this one.

/** 8 MiB: big enough that per-slice costs vanish, small enough for smooth progress. */
export const SLICE = 8 << 20;

/** Slices read ahead: the browser reads a file on other threads, which one slice ahead left idle. */
const AHEAD = 3;

export async function* blobChunks(blob: Blob, start = 0, size = SLICE): AsyncGenerator<Uint8Array> {
  const pending: Promise<ArrayBuffer>[] = [];
  let at = start;
  const fill = () => {
    for (; pending.length < AHEAD && at < blob.size; at += size) pending.push(blob.slice(at, Math.min(at + size, blob.size)).arrayBuffer());
  };
  fill();
  while (pending.length) {
    const bytes = new Uint8Array(await pending.shift()!);
    fill();
    yield bytes;
  }
}
