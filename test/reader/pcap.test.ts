// pcap: both byte orders, microsecond and nanosecond magics, snaplen and records captured shorter
// than on the wire, the pre-2.3 record layout, and the FCS bits of the link type field.

import { describe, expect, test } from 'vitest';
import { LinkType, PcapWriter, concat, ethernet, payload } from '../helpers/capture-writer.js';
import { analyzeEveryWay } from '../helpers/analyze.js';
import {
  MS, T0, conversation, encapsulate, etherTypeOf, expectCleanTrace, expectWarnings, wireLen, writePcap, type Trace,
} from '../helpers/traffic.js';

const overEthernet = (t: Trace) => encapsulate(t, (ip, f) => ethernet(etherTypeOf(f), ip));
const ethernetLink = (t: Trace) => [{ linkType: LinkType.ETHERNET, packets: t.packets.length }];

describe('pcap byte order and timestamp resolution', () => {
  for (const littleEndian of [true, false]) {
    for (const nanoseconds of [false, true]) {
      test(`${littleEndian ? 'little' : 'big'}-endian, ${nanoseconds ? 'nano' : 'micro'}seconds`, async () => {
        // a nanosecond file gets times that microseconds could not hold
        const trace = overEthernet(conversation(4, nanoseconds ? { t0: T0 + 789n, step: MS + 1n } : {}));
        const r = await analyzeEveryWay(writePcap(trace, { littleEndian, nanoseconds }));
        expect(r.summary).toMatchObject({
          format: 'pcap',
          byteOrder: littleEndian ? 'little-endian' : 'big-endian',
          timeResolution: nanoseconds ? 'nanoseconds' : 'microseconds',
          compression: null,
          truncatedPackets: 0,
        });
        expectCleanTrace(r, trace, ethernetLink(trace));
      });
    }
  }
});

describe('pcap record lengths', () => {
  test('a snaplen cuts records: captured shorter than on the wire', async () => {
    const trace = overEthernet(conversation(4));
    const snaplen = 64;
    const r = await analyzeEveryWay(writePcap(trace, { snaplen }));
    const cut = trace.packets.filter((p) => p.data.length > snaplen).length;
    expect(cut).toBeGreaterThan(0);
    expect(r.summary.truncatedPackets).toBe(cut);
    expect(r.summary.capturedBytes).toBe(trace.packets.reduce((s, p) => s + Math.min(snaplen, p.data.length), 0));
    expect(r.packets.map((p) => p.capLen)).toEqual(trace.packets.map((p) => Math.min(snaplen, p.data.length)));
    // TCP options cut by the snaplen are not damage
    expectCleanTrace(r, trace, ethernetLink(trace));
  });

  test('pcap 2.2 holds the wire length before the captured length', async () => {
    const trace = overEthernet(conversation(4));
    const snaplen = 64;
    const old = await analyzeEveryWay(writePcap(trace, { snaplen, version: { major: 2, minor: 2 } }));
    expect(old.summary.truncatedPackets).toBe(trace.packets.filter((p) => p.data.length > snaplen).length);
    expect(old.packets.map((p) => p.capLen)).toEqual(trace.packets.map((p) => Math.min(snaplen, p.data.length)));
    expectCleanTrace(old, trace, ethernetLink(trace));
  });

  test('a captured length over the wire length is warned about and read', async () => {
    const trace = overEthernet(conversation(4));
    const w = new PcapWriter();
    trace.packets.forEach((p, i) => w.packet(p.time, p.data, { wireLen: i === 2 ? p.data.length - 4 : undefined }));
    const r = await analyzeEveryWay(w.bytes());
    expectWarnings(r, [{ code: 'caplen_over_wirelen', packet: 3, offset: w.offsets[2] }]);
    expect(r.summary.packets).toBe(trace.packets.length);
    // frame.len stays what the record says, as in tshark; the packet is still decoded whole
    expect(r.packets[2].wireLen).toBe(trace.packets[2].data.length - 4);
    expect(r.summary.bytes).toBe(trace.packets.reduce((s, p) => s + p.data.length, 0) - 4);
    expect(r.packets[2].flow).toBeGreaterThanOrEqual(0);
    expect(r.flows.map((f) => f.proto)).toEqual(['tcp', 'udp', 'icmp']);
  });

  test('the link type field may carry an FCS length in its upper bits', async () => {
    // draft-ietf-opsawg-pcap §4: F bit 0x04000000, FCS length in 16-bit words in the top 4 bits
    const trace = overEthernet(conversation(4));
    const withFcs = { ...trace, packets: trace.packets.map((p) => ({ ...p, data: concat(p.data, payload(4, 0xf0)) })) };
    const r = await analyzeEveryWay(writePcap(withFcs, { linkType: 0x24000000 | LinkType.ETHERNET }));
    expect(withFcs.packets.map(wireLen)).toEqual(trace.packets.map((p) => p.data.length + 4));
    expectCleanTrace(r, withFcs, ethernetLink(trace));
  });
});
