// gzip-compressed captures read as their uncompressed bytes do, however the compressed bytes arrive.

import { describe, expect, test } from 'vitest';
import { LinkType, ethernet, gzip } from '../helpers/capture-writer.js';
import { analyzeEveryWay } from '../helpers/analyze.js';
import { conversation, encapsulate, etherTypeOf, writePcap, writePcapng } from '../helpers/traffic.js';

const trace = encapsulate(conversation(6), (ip, f) => ethernet(etherTypeOf(f), ip));

const FILES: [string, Uint8Array][] = [
  ['pcap', writePcap(trace, { nanoseconds: true })],
  ['pcapng', writePcapng(trace, LinkType.ETHERNET, { littleEndian: false, tsresol: 9 })],
];

describe('gzip', () => {
  for (const [format, plain] of FILES) {
    test(`a gzip-compressed ${format} gives what the uncompressed one gives`, async () => {
      const compressed = gzip(plain);
      expect(compressed.length).toBeLessThan(plain.length);
      const [expected, r] = [await analyzeEveryWay(plain), await analyzeEveryWay(compressed)];
      expect(expected.summary.compression).toBeNull();
      expect(r.summary.compression).toBe('gzip');
      expect(r).toEqual({ ...expected, summary: { ...expected.summary, compression: 'gzip' } });
      expect(r.summary.packets).toBe(trace.packets.length);
    });
  }
});
