// A packet's bytes, read back from the file by the record offset the core reported. The core gives
// the offset of the record, so the header in front of the data is skipped here: pcap's is fixed per
// file, pcapng's depends on the block type.

import { streamGunzip } from '../core/feed.js';
import { blobChunks } from './blob-chunks.js';

export class PacketBytes {
  readonly #file: Blob;
  readonly #gzip: boolean;
  #magic: Promise<Uint8Array> | null = null;

  constructor(file: Blob, gzip: boolean) {
    this.#file = file;
    this.#gzip = gzip;
  }

  /** The captured bytes of the packet whose record starts at `offset`. */
  async read(offset: number, capLen: number): Promise<Uint8Array> {
    this.#magic ??= this.#range(0, 4);
    const header = recordHeader(await this.#magic);
    // pcapng: enhanced (6) and obsolete (2) packet blocks carry 28 bytes before the data, simple (3) 12.
    const bytes = await this.#range(offset, offset + (header ?? 28) + capLen);
    let skip = header;
    if (skip === null) {
      const type = bytes[0] | bytes[3]; // the block type in either byte order
      skip = type === 3 ? 12 : 28;
    }
    return bytes.slice(skip, skip + capLen);
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

/** pcap's record header length from the file's magic; null for pcapng. */
function recordHeader(magic: Uint8Array): number | null {
  const m = ((magic[0] << 24) | (magic[1] << 16) | (magic[2] << 8) | magic[3]) >>> 0;
  if (m === 0x0a0d0d0a) return null;
  // The Kuznetzov variant (a1b2cd34) adds 8 bytes to each record header.
  return m === 0xa1b2cd34 || m === 0x34cdb2a1 ? 24 : 16;
}
