// A File read as a stream of slices (Perfetto reads 32 MiB `Blob.slice`s): the whole file is never in
// memory, and the next slice is already being read while the core parses this one.

/** 8 MiB: big enough that per-slice costs vanish, small enough for smooth progress. */
export const SLICE = 8 << 20;

export async function* blobChunks(blob: Blob, start = 0, size = SLICE): AsyncGenerator<Uint8Array> {
  const read = (at: number) => blob.slice(at, Math.min(at + size, blob.size)).arrayBuffer();
  let at = start;
  let pending = at < blob.size ? read(at) : null;
  while (pending) {
    const bytes = new Uint8Array(await pending);
    at += size;
    pending = at < blob.size ? read(at) : null;
    yield bytes;
  }
}
