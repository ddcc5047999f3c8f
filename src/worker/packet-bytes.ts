// A packet's bytes, read back from the file at the offset of its data the core reported: the file is
// never held, so memory does not grow with payloads.

import { streamGunzip } from '../core/feed.js';
import { blobChunks } from './blob-chunks.js';

export class PacketBytes {
  readonly #file: Blob;
  readonly #gzip: boolean;

  constructor(file: Blob, gzip: boolean) {
    this.#file = file;
    this.#gzip = gzip;
  }

  /** The captured bytes of the packet whose data starts at file offset `offset`. */
  read(offset: number, capLen: number): Promise<Uint8Array> {
    return this.#range(offset, offset + capLen);
  }

  /** Bytes [start, end) of the capture as the core read it (decompressed, for gzip). */
  async #range(start: number, end: number): Promise<Uint8Array> {
    if (!this.#gzip) return new Uint8Array(await this.#file.slice(start, end).arrayBuffer());
    // gzip has no random access: decompress from the start and keep the wanted window.
    const out = new Uint8Array(end - start);
    let at = 0;
    for await (const chunk of streamGunzip(blobChunks(this.#file))) {
      const from = Math.max(start - at, 0), to = Math.min(end - at, chunk.length);
      if (to > from) out.set(chunk.subarray(from, to), at + from - start);
      at += chunk.length;
      if (at >= end) break;
    }
    return out.subarray(0, Math.max(0, Math.min(at, end) - start));
  }
}
