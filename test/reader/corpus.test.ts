// Every public capture of test/fixtures/corpus: packet count and bytes as tshark counted them, at every
// chunk size; and for each TCP packet tshark listed, the same frame number carries the same time, flags,
// sequence numbers, length and window in our packet records.

import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeEveryWay } from '../helpers/analyze.js';
import { CORPUS, corpusFiles, innermost, tsharkCounts, tsharkTcpPackets } from '../helpers/corpus.js';

const counts = tsharkCounts();

test('tshark-packet-counts.tsv covers every corpus capture', () => {
  expect(counts.map((c) => c.path)).toEqual(corpusFiles());
});

describe('corpus', () => {
  for (const { path, packets, bytes } of counts) {
    test(path, async () => {
      const r = await analyzeEveryWay(readFileSync(join(CORPUS, path)));
      expect(r.summary.packets).toBe(packets);
      expect(r.summary.bytes).toBe(bytes);
      expect(r.summary.stopped).toBe(false);
      expect(r.packets.map((p) => p.frame)).toEqual(r.packets.map((_, i) => i + 1));

      const rows = tsharkTcpPackets(path) ?? [];
      const field = (row: Record<string, string>, name: string) => innermost(row[name]);
      const theirs = rows.map((row) => ({
        frame: Number(field(row, 'frame.number')),
        time: Number(field(row, 'frame.time_epoch')),
        proto: 6,
        tcpFlags: parseInt(field(row, 'tcp.flags'), 16),
        rawSeq: Number(field(row, 'tcp.seq_raw')),
        rawAck: Number(field(row, 'tcp.ack_raw')),
        len: Number(field(row, 'tcp.len')),
        window: Number(field(row, 'tcp.window_size_value')),
      }));
      const ours = theirs.map(({ frame }) => {
        const p = r.packets[frame - 1];
        return { frame: p.frame, time: p.time, proto: p.proto, tcpFlags: p.tcpFlags, rawSeq: p.rawSeq, rawAck: p.rawAck, len: p.len, window: p.window };
      });
      expect(ours).toEqual(theirs);
    });
  }
});
