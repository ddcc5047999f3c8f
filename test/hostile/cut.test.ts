// A small capture cut at every offset, pcap and pcapng: every record wholly before the cut is read and
// analysed as in the whole file, and the cut is named with the packet it falls in and that packet's
// offset (or as the file header, when it falls there). A cut at a record boundary is a whole file.

import { describe, expect, test } from 'vitest';
import { LinkType, PcapWriter, PcapngWriter } from '../helpers/capture-writer.js';
import { analyzeChunks } from '../helpers/analyze.js';
import { expectTrace, expectWarnings, firstPackets } from '../helpers/traffic.js';
import { ethernetLink, trace } from './hostile.js';

const pcap = new PcapWriter();
for (const p of trace.packets) pcap.packet(p.time, p.data);
const pcapng = new PcapngWriter({});
const IDB = pcapng.bytes().length; // the section header ends where the interface block starts
pcapng.interface({ linkType: LinkType.ETHERNET });
for (const p of trace.packets) pcapng.packet(0, p.time, p.data);

interface Format { name: string; file: Uint8Array; offsets: number[]; header: number; idb?: number }
const FORMATS: Format[] = [
  { name: 'pcap', file: pcap.bytes(), offsets: pcap.offsets, header: 24 },
  { name: 'pcapng', file: pcapng.bytes(), offsets: pcapng.offsets, header: IDB, idb: IDB },
];

/** What a file cut after `k` bytes must read as: the packets before the cut, and the one warning. */
function expected(f: Format, k: number): { packets: number; warnings: { code: string; packet: number; offset: number }[] } {
  const ends = [...f.offsets.slice(1), f.file.length];
  const n = ends.filter((e) => e <= k).length;
  const at = (code: string, packet: number, offset: number) => ({ packets: n, warnings: [{ code, packet, offset }] });
  if (k === 0) return at('empty_file', 0, 0);
  if (k < 4) return at('not_a_capture', 0, 0);
  if (k < f.header) return at('truncated_file_header', 0, 0);
  if (f.idb !== undefined && k > f.idb && k < f.offsets[0]) return at('truncated_record', 1, f.idb);
  if (k === f.header || k === f.offsets[0] || ends.includes(k)) return { packets: n, warnings: [] };
  return at('truncated_record', n + 1, f.offsets[n]);
}

const sevens = (b: Uint8Array) => Array.from({ length: Math.ceil(b.length / 7) }, (_, i) => b.subarray(7 * i, 7 * i + 7));

describe('a capture cut at every offset', () => {
  for (const f of FORMATS) {
    test(`${f.name}: ${f.file.length + 1} cuts, whole and 7 bytes at a time`, async () => {
      for (let k = 0; k <= f.file.length; k++) {
        const cut = f.file.subarray(0, k);
        const r = await analyzeChunks([cut]);
        const { packets, warnings } = expected(f, k);
        expectWarnings(r, warnings);
        // the link type is known from the file header (pcap) or the interface block (pcapng) on
        const linked = k >= (f.idb === undefined ? f.header : f.offsets[0]);
        expectTrace(r, firstPackets(trace, packets), linked ? ethernetLink(packets) : []);
        expect(await analyzeChunks(sevens(cut)), `cut at ${k}`).toEqual(r);
      }
    });
  }
});
