// analyzeFile reads a file straight into the core's input window; with a chunk size it streams the
// file through buffers of that size. Both must give the same analysis, damage and gzip included.

import { describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { analyzeFile } from '../../src/core/node.js';
import { CORPUS, corpusFiles } from '../helpers/corpus.js';

async function read(path: string, chunkSize?: number) {
  const records = createHash('sha256');
  const progress: number[] = [];
  const engine = await analyzeFile(path, {
    chunkSize,
    onPackets: (v) => { records.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)); },
    onProgress: (p) => progress.push(p.bytesRead),
  });
  return { summary: engine.summary(), flows: engine.flows(), records: records.digest('hex'), progress, bytesIn: engine.bytesIn };
}

const dir = mkdtempSync(join(tmpdir(), 'seqack-in-place-'));

describe('reading a file in place', () => {
  test('gives what streaming it in 64 KiB chunks gives, for every corpus capture', async () => {
    const files = corpusFiles().filter((f) => /\.(pcap|pcapng|cap)$/.test(f));
    expect(files.length).toBeGreaterThan(40);
    for (const f of files) {
      const path = join(CORPUS, f);
      const [direct, streamed] = [await read(path), await read(path, 65536)];
      expect(direct.summary, f).toEqual(streamed.summary);
      expect(direct.flows, f).toEqual(streamed.flows);
      expect(direct.records, f).toBe(streamed.records);
      expect(direct.progress.at(-1), f).toBe(readFileSync(path).length);
    }
  });

  test('keeps everything before damage, names it, and counts the rest of the file as unread', async () => {
    // a little-endian pcap, its records repeated past the core's 1 MiB input window
    const one = readFileSync(join(CORPUS, 'zeek/traces/wikipedia.pcap'));
    expect(one.readUInt32LE(0)).toBe(0xa1b2c3d4);
    const damaged = Buffer.concat([one, ...Array.from({ length: Math.ceil((3 << 20) / one.length) }, () => one.subarray(24))]);
    let at = 24;
    while (at < 200_000) at += 16 + damaged.readUInt32LE(at + 8);
    damaged.writeUInt32LE(0xffffffff, at + 8); // a record claiming 4 GiB: the reader stops there
    const path = join(dir, 'damaged.pcap');
    writeFileSync(path, damaged);
    const [direct, streamed] = [await read(path), await read(path, 65536)];
    expect(direct.summary.stopped).toBe(true);
    expect(direct.summary.warnings.length).toBeGreaterThan(0);
    expect(direct.summary).toEqual(streamed.summary);
    expect(direct.flows).toEqual(streamed.flows);
    expect(direct.records).toBe(streamed.records);
    expect(direct.bytesIn).toBe(damaged.length);
  });

  test('recognises gzip by its content and inflates it on the way', async () => {
    const plain = join(CORPUS, 'zeek/traces/wikipedia.pcap');
    const path = join(dir, 'capture.bin');
    writeFileSync(path, gzipSync(readFileSync(plain)));
    const [gz, raw] = [await read(path), await read(plain)];
    expect(gz.summary.compression).toBe('gzip');
    expect(gz.flows).toEqual(raw.flows);
    expect(gz.records).toBe(raw.records);
  });
});
