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

  /**
   * Many packets' bytes, in file order (offsets ascending): slices of the file itself, which the
   * browser reads only when they are used; for gzip, one pass over the decompressed stream.
   */
  async pieces(offsets: Float64Array, lengths: Uint32Array): Promise<BlobPart[]> {
    const n = offsets.length;
    if (!this.#gzip) return Array.from(offsets, (o, k) => this.#file.slice(o, o + lengths[k]));
    const out: Uint8Array<ArrayBuffer>[] = Array.from(lengths, (len) => new Uint8Array(len));
    let k = 0, at = 0;
    for await (const chunk of streamGunzip(blobChunks(this.#file))) {
      const end = at + chunk.length;
      // a packet can span chunks: copy what this chunk holds of each packet it touches
      for (let j = k; j < n && offsets[j] < end; j++) {
        const from = Math.max(offsets[j] - at, 0), to = Math.min(offsets[j] + lengths[j] - at, chunk.length);
        if (to > from) out[j].set(chunk.subarray(from, to), at + from - offsets[j]);
        if (offsets[j] + lengths[j] <= end && j === k) k++;
      }
      at = end;
      if (k === n) break;
    }
    return out;
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
