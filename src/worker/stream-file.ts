// A capture that arrives as a stream (the body of a fetch): every chunk goes on to the reader and is
// kept as Blob data on the way, so packets can be read back later just as from a dropped file. Blob
// data lives outside the JavaScript heap (Chromium moves large blobs to disk), so the capture is never
// one buffer here.

/** Chunks are gathered into Blobs of about this size: few parts, little held in the heap. */
const PART = 4 << 20;

export class StreamFile {
  #parts: Blob[] = [];
  #held: Uint8Array<ArrayBuffer>[] = [];
  #heldBytes = 0;
  #blob: Blob | null = null;
  size = 0;

  /** The stream, passed through; each chunk is kept as it goes by. */
  async *tee(chunks: AsyncIterable<Uint8Array<ArrayBuffer>>): AsyncGenerator<Uint8Array<ArrayBuffer>> {
    for await (const chunk of chunks) {
      this.#held.push(chunk);
      this.#heldBytes += chunk.length;
      this.size += chunk.length;
      this.#blob = null;
      if (this.#heldBytes >= PART) this.#seal();
      yield chunk;
    }
    this.#seal();
  }

  /** Everything received so far. */
  get blob(): Blob {
    if (!this.#blob) { this.#seal(); this.#blob = new Blob(this.#parts); }
    return this.#blob;
  }

  #seal(): void {
    if (!this.#held.length) return;
    this.#parts.push(new Blob(this.#held));
    this.#held = [];
    this.#heldBytes = 0;
  }
}

/** A stream pulled chunk by chunk from the page; the next chunk is asked for while this one is read. */
export async function* pulled(pull: () => Promise<Uint8Array<ArrayBuffer> | null>): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  let next = pull();
  try {
    for (let chunk = await next; chunk; chunk = await next) {
      next = pull();
      yield chunk;
    }
  } finally {
    next.catch(() => {}); // left unread when reading stops early: its failure is no one's
  }
}
