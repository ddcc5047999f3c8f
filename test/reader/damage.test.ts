// Damage and the unknown: files cut short, files that are not captures, blocks and interfaces the
// reader does not know, link types and ethertypes it does not decode. Damage is named with its packet
// number and file offset; everything before it is kept.

import { describe, expect, test } from 'vitest';
import { EtherType, LinkType, PcapWriter, PcapngWriter, ethernet, gzip, payload } from '../helpers/capture-writer.js';
import { analyze, analyzeAtChunkSizes, analyzeEveryWay } from '../helpers/analyze.js';
import { analyzeBytes, zlibGunzip } from '../../src/core/node.js';
import { streamGunzip } from '../../src/core/feed.js';
import {
  conversation, encapsulate, etherTypeOf, expectTrace, expectWarnings, firstPackets, writePcap, type Trace,
} from '../helpers/traffic.js';

const trace = encapsulate(conversation(4), (ip, f) => ethernet(etherTypeOf(f), ip));
const ethernetLink = (n: number) => [{ linkType: LinkType.ETHERNET, packets: n }];

function pcapWriter(t: Trace): PcapWriter {
  const w = new PcapWriter();
  for (const p of t.packets) w.packet(p.time, p.data);
  return w;
}

function pcapngWriter(t: Trace): PcapngWriter {
  const w = new PcapngWriter({ littleEndian: false });
  w.interface({ linkType: LinkType.ETHERNET });
  for (const p of t.packets) w.packet(0, p.time, p.data);
  return w;
}

describe('a file cut inside a record', () => {
  const FORMATS = { pcap: pcapWriter(trace), pcapng: pcapngWriter(trace) };
  for (const [format, w] of Object.entries(FORMATS)) {
    const file = w.bytes();
    // packet k (1-based) starts at offsets[k - 1]; cut 5 bytes into its header, and 3 bytes before its end
    const ends = [...w.offsets.slice(1), file.length];
    const CUTS: [string, number, number][] = [
      ['inside the first record\'s header', 1, w.offsets[0] + 5],
      ['inside the fifth record\'s header', 5, w.offsets[4] + 5],
      ['inside the fifth record\'s data', 5, ends[4] - 3],
      ['inside the last record', trace.packets.length, ends[ends.length - 1] - 3],
    ];
    for (const [where, k, at] of CUTS) {
      test(`${format}, ${where}`, async () => {
        const r = await analyzeEveryWay(file.subarray(0, at));
        expectWarnings(r, [{ code: 'truncated_record', packet: k, offset: w.offsets[k - 1] }]);
        expectTrace(r, firstPackets(trace, k - 1), ethernetLink(k - 1));
      });
    }
  }

  test('pcap, inside the file header', async () => {
    const r = await analyzeEveryWay(pcapWriter(trace).bytes().subarray(0, 10));
    expectWarnings(r, [{ code: 'truncated_file_header', packet: 0, offset: 0 }]);
    expect(r.summary.packets).toBe(0);
  });

  test('a file cut at a record boundary is whole', async () => {
    const w = pcapWriter(trace);
    const r = await analyzeEveryWay(w.bytes().subarray(0, w.offsets[6]));
    expectWarnings(r, []);
    expectTrace(r, firstPackets(trace, 6), ethernetLink(6));
  });
});

describe('files that are not captures', () => {
  test('text', async () => {
    const text = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n');
    const r = await analyzeEveryWay(text);
    expectWarnings(r, [{ code: 'not_a_capture', packet: 0, offset: 0 }]);
    expect(r.summary.warnings[0].message).toContain('47455420'); // "GET "
    expect(r.summary).toMatchObject({ packets: 0, format: 'unknown', stopped: true });
  });

  test('an empty file', async () => {
    const r = await analyzeEveryWay(new Uint8Array(0));
    expectWarnings(r, [{ code: 'empty_file', packet: 0, offset: 0 }]);
    expect(r.summary.packets).toBe(0);
  });

  test('a file shorter than any magic number', async () => {
    const r = await analyzeEveryWay(Uint8Array.of(0xd4, 0xc3));
    expectWarnings(r, [{ code: 'not_a_capture', packet: 0, offset: 0 }]);
  });

  test('an unsupported pcap version', async () => {
    const file = pcapWriter(trace).bytes();
    new DataView(file.buffer).setUint16(4, 3, true); // major version 3
    const r = await analyzeEveryWay(file);
    expectWarnings(r, [{ code: 'unsupported_version', packet: 0, offset: 4 }]);
    expect(r.summary.packets).toBe(0);
  });
});

describe('pcapng blocks the reader cannot follow', () => {
  test('a packet naming an interface no block declared', async () => {
    const w = new PcapngWriter({});
    w.interface({ linkType: LinkType.ETHERNET });
    trace.packets.forEach((p, i) => w.packet(i === 4 ? 3 : 0, p.time, p.data));
    const r = await analyzeEveryWay(w.bytes());
    expectWarnings(r, [{ code: 'unknown_interface', packet: 5, offset: w.offsets[4] }]);
    // the packet is counted, outside any flow and link type; reading goes on
    expect(r.summary.packets).toBe(trace.packets.length);
    expect(r.summary.stopped).toBe(false);
    expect(r.packets[4]).toMatchObject({ frame: 5, flow: -1 });
    expect(r.summary.linkTypes.find((l) => l.linkType === LinkType.ETHERNET)?.packets).toBe(trace.packets.length - 1);
  });

  test('a packet before any interface is declared', async () => {
    const w = new PcapngWriter({});
    w.packet(0, trace.packets[0].time, trace.packets[0].data);
    const r = await analyzeEveryWay(w.bytes());
    expectWarnings(r, [{ code: 'unknown_interface', packet: 1, offset: w.offsets[0] }]);
  });

  test('a block whose trailing length differs from its leading length', async () => {
    const w = pcapngWriter(trace);
    const file = w.bytes();
    const end = w.offsets[3] - 4; // the trailing length of packet 3's block
    new DataView(file.buffer).setUint32(end, 9999);
    const r = await analyzeEveryWay(file);
    expectWarnings(r, [{ code: 'block_length_mismatch', packet: 3, offset: end }]);
    expectTrace(r, firstPackets(trace, 2), ethernetLink(2));
    expect(r.summary.stopped).toBe(true);
  });

  test('a block before any section header', async () => {
    const w = pcapngWriter(trace);
    const file = w.bytes().subarray(w.offsets[0]);
    const r = await analyzeEveryWay(file);
    expectWarnings(r, [{ code: 'not_a_capture', packet: 0, offset: 0 }]);
  });
});

describe('what is not decoded is counted, not fatal', () => {
  test('an unknown link type', async () => {
    const r = await analyzeEveryWay(writePcap(trace, { linkType: 147 }));
    expect(r.summary.warnings).toEqual([]);
    expect(r.summary.stopped).toBe(false);
    expect(r.summary.undecoded).toEqual([{ what: expect.stringContaining('147'), packets: trace.packets.length }]);
    expect(r.summary.linkTypes).toMatchObject([{ linkType: 147, packets: trace.packets.length }]);
    expect(r.flows).toEqual([]);
    expect(r.summary.bytes).toBe(trace.packets.reduce((s, p) => s + p.data.length, 0));
  });

  test('an unknown link type next to a known one', async () => {
    const w = new PcapngWriter({});
    w.interface({ linkType: 147 });
    w.interface({ linkType: LinkType.ETHERNET });
    trace.packets.forEach((p, i) => w.packet(i === 0 ? 0 : 1, p.time, p.data));
    const r = await analyzeEveryWay(w.bytes());
    expect(r.summary.warnings).toEqual([]);
    expect(r.summary.undecoded).toEqual([{ what: expect.stringContaining('147'), packets: 1 }]);
    expect(r.summary.linkTypes).toMatchObject([{ linkType: 147, packets: 1 }, { linkType: LinkType.ETHERNET, packets: trace.packets.length - 1 }]);
    // the SYN went undecoded: the connection is seen from its SYN-ACK on
    expect(r.flows.map((f) => f.proto)).toEqual(['tcp', 'udp', 'icmp']);
  });

  test('unknown ethertypes between known ones', async () => {
    const unknown = (i: number) => ({ ...trace.packets[i], time: trace.packets[i].time + 1000n, data: ethernet(0x88b5, payload(46)), flow: -1 });
    const withUnknown: Trace = { flows: trace.flows, packets: trace.packets.flatMap((p, i) => (i === 2 || i === 9 ? [p, unknown(i)] : [p])) };
    const arp = { ...trace.packets[0], time: trace.packets[0].time - 1000n, data: ethernet(EtherType.ARP, payload(28)), flow: -1 };
    withUnknown.packets.unshift(arp);
    const r = await analyzeEveryWay(writePcap(withUnknown));
    expect(r.summary.warnings).toEqual([]);
    expect(r.summary.undecoded).toEqual([
      { what: expect.stringContaining('0x0806'), packets: 1 },
      { what: expect.stringContaining('0x88b5'), packets: 2 },
    ]);
    expectTrace(r, withUnknown, ethernetLink(withUnknown.packets.length));
  });
});

describe('gzip damage', () => {
  test('a gzip stream cut short is named, and what was read of it is right', async () => {
    // Everything zlib inflated before the damage reaches the engine, however the bytes arrive.
    const compressed = gzip(pcapWriter(trace).bytes());
    const r = await analyzeAtChunkSizes(compressed.subarray(0, compressed.length - 30));
    expect(r.summary.compression).toBe('gzip');
    expect(r.summary.warnings.map((w) => w.code)).toContain('bad_gzip');
    expect(r.summary.packets).toBeLessThan(trace.packets.length);
    expect(r.packets.map((p) => p.wireLen)).toEqual(trace.packets.slice(0, r.summary.packets).map((p) => p.data.length));
  });

  test('a byte flipped inside the stream: both decompressors give the same read, however the bytes arrive', async () => {
    // At damage a decompressor drops what its failing step inflated: it is fed the same slices always.
    const w = new PcapWriter();
    for (let i = 0; i < 40; i++) for (const p of trace.packets) w.packet(p.time + BigInt(i) * 1_000_000_000n, p.data);
    const compressed = gzip(w.bytes());
    for (const at of [0.3, 0.6, 0.95].map((f) => Math.floor(compressed.length * f))) {
      const damaged = compressed.slice();
      damaged[at] ^= 0x10;
      const reads = [];
      for (const gunzip of [zlibGunzip, streamGunzip]) {
        for (const size of [damaged.length, 7, 4096]) reads.push((await analyzeBytes(damaged, size, { gunzip })).summary());
      }
      for (const r of reads.slice(1)) expect(r, `flip at ${at}`).toEqual(reads[0]);
      expect(reads[0].warnings.length, 'named damage: the gzip stream, or what it inflated').toBeGreaterThan(0);
    }
  });

  test('a capture compressed twice', async () => {
    const r = await analyzeEveryWay(gzip(gzip(pcapWriter(trace).bytes())));
    expectWarnings(r, [{ code: 'compressed_twice', packet: 0, offset: 0 }]);
  });
});
