// pcapng: section byte order, interface timestamp resolution and offset, several sections and
// interfaces, the three kinds of packet block, and blocks that are not packets.

import { describe, expect, test } from 'vitest';
import {
  AddressFamily, LinkType, PcapngWriter, bsdNull, ethernet, payload, sll2, type InterfaceOptions,
} from '../helpers/capture-writer.js';
import { analyzeEveryWay, secondsOf } from '../helpers/analyze.js';
import {
  conversation, encapsulate, etherTypeOf, expectCleanTrace, expectTrace, writePcapng, type Family, type Trace,
} from '../helpers/traffic.js';

const overEthernet = (t: Trace) => encapsulate(t, (ip, f) => ethernet(etherTypeOf(f), ip));

// 2^-10 s is 976562.5 ns: times in steps of 1953125 ns are whole ticks at 2^-n for every n up to 40.
const POW2_T0 = 1_700_000_000_000_000_000n + 7n * 1_953_125n;
const POW2_STEP = 3n * 1_953_125n;

const TIMESTAMP_CASES: { name: string; littleEndian: boolean; tsresol?: number; tsoffset?: bigint; t0?: bigint; step?: bigint }[] = [
  { name: 'little-endian section, default resolution (microseconds)', littleEndian: true },
  { name: 'big-endian section, default resolution (microseconds)', littleEndian: false },
  { name: 'if_tsresol 6 (microseconds)', littleEndian: true, tsresol: 6 },
  { name: 'if_tsresol 9 (nanoseconds)', littleEndian: true, tsresol: 9, t0: 1_700_000_000_123_456_789n, step: 1_000_001n },
  { name: 'if_tsresol 9, big-endian', littleEndian: false, tsresol: 9, t0: 1_700_000_000_123_456_789n, step: 1_000_001n },
  { name: 'if_tsresol 2^-10 (power of two)', littleEndian: true, tsresol: 0x80 | 10, t0: POW2_T0, step: POW2_STEP },
  { name: 'if_tsresol 2^-20, big-endian', littleEndian: false, tsresol: 0x80 | 20, t0: POW2_T0, step: POW2_STEP },
  { name: 'if_tsresol 2^-40 (past 64-bit fixed point)', littleEndian: true, tsresol: 0x80 | 40, t0: 1_600_000_000_000_000_000n + 7n * 1_953_125n, step: POW2_STEP, tsoffset: 1_600_000_000n },
  { name: 'if_tsoffset', littleEndian: true, tsoffset: 1_600_000_000n },
  { name: 'if_tsoffset, big-endian', littleEndian: false, tsoffset: 1_600_000_000n },
  { name: 'if_tsresol 12 (picoseconds) with if_tsoffset', littleEndian: true, tsresol: 12, tsoffset: 1_700_000_000n, t0: 1_700_000_000_123_456_789n, step: 1_000_001n },
];

describe('pcapng timestamps and byte order', () => {
  for (const c of TIMESTAMP_CASES) {
    test(c.name, async () => {
      const trace = overEthernet(conversation(4, { t0: c.t0, step: c.step }));
      const r = await analyzeEveryWay(writePcapng(trace, LinkType.ETHERNET, c));
      expect(r.summary).toMatchObject({ format: 'pcapng', compression: null, truncatedPackets: 0 });
      expectCleanTrace(r, trace, [{ linkType: LinkType.ETHERNET, packets: trace.packets.length }]);
    });
  }
});

/** How each interface of a test file frames an IP packet. */
const FRAMING: Record<number, (ip: Uint8Array, f: Family) => Uint8Array> = {
  [LinkType.ETHERNET]: (ip, f) => ethernet(etherTypeOf(f), ip),
  [LinkType.RAW]: (ip) => ip,
  [LinkType.LINUX_SLL2]: (ip, f) => sll2(etherTypeOf(f), ip),
  [LinkType.NULL]: (ip, f) => bsdNull(f === 4 ? AddressFamily.INET : AddressFamily.INET6_BSD, ip),
};

/**
 * Writes `trace` over the interfaces given, section by section: packet i goes to `place(i)`, a
 * section and an interface of it. Returns the file and the trace as framed on the wire.
 */
function spread(trace: Trace, sections: { littleEndian: boolean; interfaces: InterfaceOptions[] }[], place: (i: number) => [number, number]) {
  const w = new PcapngWriter();
  const framed: Trace = { flows: trace.flows, packets: [] };
  sections.forEach((s, si) => {
    w.section({ littleEndian: s.littleEndian });
    for (const iface of s.interfaces) w.interface(iface);
    trace.packets.forEach((p, i) => {
      const [sec, id] = place(i);
      if (sec !== si) return;
      const data = FRAMING[s.interfaces[id].linkType](p.data, p.family);
      w.packet(id, p.time, data);
      framed.packets.push({ ...p, data });
    });
  });
  return { bytes: w.bytes(), trace: framed };
}

describe('pcapng sections and interfaces', () => {
  test('several sections, each in its own byte order with its own interfaces', async () => {
    // every section numbers its interfaces from 0; packet i goes to section i % 3
    const sections = [
      { littleEndian: true, interfaces: [{ linkType: LinkType.ETHERNET }] },
      { littleEndian: false, interfaces: [{ linkType: LinkType.RAW, tsresol: 9 }] },
      { littleEndian: true, interfaces: [{ linkType: LinkType.NULL, tsoffset: 1_000_000_000n }, { linkType: LinkType.LINUX_SLL2 }] },
    ];
    const source = conversation(6);
    const count = (s: number) => source.packets.filter((_, i) => i % 3 === s).length;
    // sections come one after the other: packets are sorted by section
    const sorted: Trace = { flows: source.flows, packets: [0, 1, 2].flatMap((s) => source.packets.filter((_, i) => i % 3 === s)) };
    const { bytes, trace } = spread(sorted, sections, (i) => [i < count(0) ? 0 : i < count(0) + count(1) ? 1 : 2, 0]);
    const r = await analyzeEveryWay(bytes);
    expect(r.summary.warnings).toEqual([]);
    expect(r.summary.packets).toBe(trace.packets.length);
    expect(r.summary.bytes).toBe(trace.packets.reduce((s, p) => s + p.data.length, 0));
    expect(r.summary.linkTypes.map(({ linkType, packets }) => ({ linkType, packets }))).toEqual([
      { linkType: LinkType.ETHERNET, packets: count(0) },
      { linkType: LinkType.RAW, packets: count(1) },
      { linkType: LinkType.NULL, packets: count(2) },
      { linkType: LinkType.LINUX_SLL2, packets: 0 },
    ]);
    expect(r.flows.map((f) => [f.proto, f.packets.client + f.packets.server])).toEqual([['tcp', 9], ['udp', 2], ['icmpv6', 2]]);
  });

  test('several interfaces with different link types in one section', async () => {
    const interfaces = [LinkType.ETHERNET, LinkType.RAW, LinkType.LINUX_SLL2, LinkType.NULL].map((linkType) => ({ linkType }));
    const { bytes, trace } = spread(conversation(4), [{ littleEndian: true, interfaces }], (i) => [0, i % 4]);
    const r = await analyzeEveryWay(bytes);
    const n = trace.packets.length;
    expectCleanTrace(r, trace, interfaces.map(({ linkType }, id) => ({ linkType, packets: Math.ceil((n - id) / 4) })));
  });
});

describe('pcapng packet blocks', () => {
  const trace = overEthernet(conversation(4));
  const plain = writePcapng(trace, LinkType.ETHERNET);

  test('obsolete packet blocks read as enhanced packet blocks do', async () => {
    const w = new PcapngWriter({});
    w.interface({ linkType: LinkType.ETHERNET, snaplen: 65535 });
    for (const p of trace.packets) w.obsoletePacket(0, p.time, p.data, { drops: 1 });
    const r = await analyzeEveryWay(w.bytes());
    expectCleanTrace(r, trace, [{ linkType: LinkType.ETHERNET, packets: trace.packets.length }]);
    expect(r.packets.map((p) => p.offset)).toEqual(w.offsets);
  });

  test('simple packet blocks: interface 0, no timestamp, cut to its snaplen', async () => {
    const snaplen = 70;
    const w = new PcapngWriter({});
    w.interface({ linkType: LinkType.ETHERNET, snaplen });
    const [first, ...rest] = trace.packets;
    w.packet(0, first.time, first.data);
    for (const p of rest) w.simplePacket(p.data);
    const r = await analyzeEveryWay(w.bytes());
    expect(r.summary.warnings).toEqual([]);
    expect(r.summary.packets).toBe(trace.packets.length);
    expect(r.summary.bytes).toBe(trace.packets.reduce((s, p) => s + p.data.length, 0));
    expect(r.summary.first).toBe(secondsOf(first.time));
    expect(r.summary.truncatedPackets).toBe(rest.filter((p) => p.data.length > snaplen).length);
    expect(r.packets.map((p) => p.capLen)).toEqual([first.data.length, ...rest.map((p) => Math.min(snaplen, p.data.length))]);
    expect(r.flows).toMatchObject(trace.flows.map(({ proto, client, server }) => ({ proto, client, server })));
  });

  test('blocks that are not packets are skipped', async () => {
    const w = new PcapngWriter({ littleEndian: false, options: [{ code: 4, value: 'seqack tests' }] });
    w.nameResolution([{ ip: '192.0.2.1', names: ['client.example'] }, { ip: '2001:db8::1', names: ['a', 'b'] }]);
    w.interface({ linkType: LinkType.ETHERNET, snaplen: 65535, name: 'eth0' });
    trace.packets.forEach((p, i) => {
      if (i === 3) w.decryptionSecrets(0x544c534b, new TextEncoder().encode('CLIENT_RANDOM 00 11\n'));
      if (i === 5) w.block(0x7777, payload(13)); // a block type nobody defined
      w.packet(0, p.time, p.data, { options: [{ code: 2, value: Uint8Array.of(0, 0, 0, 1) }] }); // epb_flags
    });
    w.interfaceStatistics(0, trace.packets[trace.packets.length - 1].time, { received: 13n, dropped: 0n });
    const r = await analyzeEveryWay(w.bytes());
    expectCleanTrace(r, trace, [{ linkType: LinkType.ETHERNET, packets: trace.packets.length }]);
    const expected = await analyzeEveryWay(plain);
    expect(r.flows).toEqual(expected.flows);
  });

  // TShark 4.0.17 lists each custom block, copyable or not, as a frame of its own whose length is its
  // data with the padding: frame numbers after one agree with Wireshark's only if it counts.
  test('custom blocks are frames, as tshark numbers them', async () => {
    const w = new PcapngWriter({});
    w.interface({ linkType: LinkType.ETHERNET });
    trace.packets.forEach((p, i) => {
      if (i === 2) w.custom(32473, payload(6));
      w.packet(0, p.time, p.data);
    });
    w.custom(32473, payload(9), false);
    const r = await analyzeEveryWay(w.bytes());
    const n = trace.packets.length;
    expect(r.summary.packets).toBe(n + 2);
    expect(r.packets.map((p) => p.frame)).toEqual(Array.from({ length: n + 2 }, (_, i) => i + 1));
    expect([r.packets[2].wireLen, r.packets[n + 1].wireLen]).toEqual([8, 12]);
    expect([r.packets[2].flow, r.packets[n + 1].flow]).toEqual([-1, -1]);
    expect(r.summary.linkTypes.map(({ linkType, packets }) => ({ linkType, packets })))
      .toEqual([{ linkType: LinkType.ETHERNET, packets: n }, { linkType: 0xfffffffe, packets: 2 }]);
    expect(r.summary.undecoded).toEqual([]);
    // the flows are the same; only their frame numbers moved
    const counts = (flows: typeof r.flows) => flows.map(({ proto, stream, client, server, packets, bytes }) => ({ proto, stream, client, server, packets, bytes }));
    expect(counts(r.flows)).toEqual(counts((await analyzeEveryWay(plain)).flows));
  });
});

test('a pcapng packet captured shorter than on the wire is counted as truncated', async () => {
  const trace = overEthernet(conversation(4));
  const w = new PcapngWriter({});
  w.interface({ linkType: LinkType.ETHERNET });
  trace.packets.forEach((p, i) => w.packet(0, p.time, p.data, { capLen: i % 2 ? 54 : undefined }));
  const r = await analyzeEveryWay(w.bytes());
  expect(r.summary.truncatedPackets).toBe(trace.packets.filter((p, i) => i % 2 && p.data.length > 54).length);
  expect(r.summary.capturedBytes).toBe(trace.packets.reduce((s, p, i) => s + (i % 2 ? 54 : p.data.length), 0));
  expectTrace(r, trace, [{ linkType: LinkType.ETHERNET, packets: trace.packets.length }]);
});
