// A File read as a stream: the whole file is never in memory. Blob.stream() rather than slices read
// with arrayBuffer(): the browser hands its buffers over as they come instead of gathering each slice
// into a new ArrayBuffer, which in Chromium costs the reading thread about as much CPU as the core's
// whole analysis of a full-size capture.

export async function* blobChunks(blob: Blob, start = 0): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const reader = (start ? blob.slice(start) : blob).stream().getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
  } finally {
    reader.cancel().catch(() => {}); // stopped early: the browser stops reading too
  }
}
