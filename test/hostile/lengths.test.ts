// Records and blocks whose lengths lie: claiming 4 GiB, nothing, an unaligned size, or more than the
// file holds; pcapng interfaces that are missing or too many; a snaplen of 0. Each is named with its
// packet number and file offset, everything before it is read and analysed, and no length field
// alone makes the core take memory: only bytes that came do.

import { describe, expect, test } from 'vitest';
import {
  EtherType, IpProto, LinkType, PcapngWriter, ethernet, ipv4, payload, udp,
} from '../helpers/capture-writer.js';
import { HOSTS, expectCleanTrace, expectTrace, expectWarnings, firstPackets, type Trace } from '../helpers/traffic.js';
import { ethernetLink, pcapOf, readHostile, trace, withFrame } from './hostile.js';

const FIFTH = 4; // the damage is at the fifth record: four come before it

function pcapngOf(t: Trace): { bytes: Uint8Array; offsets: number[] } {
  const w = new PcapngWriter({});
  w.interface({ linkType: LinkType.ETHERNET });
  for (const p of t.packets) w.packet(0, p.time, p.data);
  return { bytes: w.bytes(), offsets: w.offsets };
}

/** The file with the little-endian u32 at `at` set to `value`. */
function withU32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(at, value >>> 0, true);
  return out;
}

/** Reading stopped at the fifth record with `code` at `offset`; the four before it are all there. */
async function expectStopAtFifth(file: Uint8Array, code: string, offset: number): Promise<void> {
  const r = await readHostile(file);
  expectWarnings(r, [{ code, packet: FIFTH + 1, offset }]);
  expectTrace(r, firstPackets(trace, FIFTH), ethernetLink(FIFTH));
  expect(r.summary.stopped).toBe(code !== 'truncated_record');
}

describe('pcap records', () => {
  const { bytes, offsets } = pcapOf(trace);
  const capLen = offsets[FIFTH] + 8;

  for (const [name, value] of [['4 GiB', 0xffffffff], ['2 GiB', 0x7fffffff], ['more than its snaplen allows', 262145]] as const) {
    test(`a record claiming ${name}`, async () => {
      await expectStopAtFifth(withU32(bytes, capLen, value), 'bad_record_length', offsets[FIFTH]);
    });
  }

  test('a record claiming more than a record may hold, whatever the snaplen', async () => {
    await expectStopAtFifth(withU32(withU32(bytes, 16, 0xffffffff), capLen, 64 << 20), 'bad_record_length', offsets[FIFTH]);
  });

  test('a record claiming 60 MiB, which a snaplen of 4 GiB allows, in a file that ends: memory follows the bytes', async () => {
    const file = withU32(withU32(bytes, 16, 0xffffffff), capLen, 60 << 20);
    await expectStopAtFifth(file, 'truncated_record', offsets[FIFTH]);
  });

  test('a record of 3 MiB, larger than the input window, is read whole however it arrives', async () => {
    const { client, server } = HOSTS[4];
    // total and UDP lengths of 0, as segmentation offload leaves them: the capture says how long
    const big = ethernet(EtherType.IPV4, ipv4({ src: client, dst: server, proto: IpProto.UDP, totalLength: 0 },
      udp({ sport: 40001, dport: 53, length: 0 }, payload(3 << 20))));
    const t = withFrame(trace, FIFTH, big, 1);
    const r = await readHostile(pcapOf(t, { snaplen: 4 << 20 }).bytes);
    expectCleanTrace(r, t, ethernetLink(t.packets.length));
  });

  test('a record of zero length is a frame with nothing in it', async () => {
    const t = withFrame(trace, FIFTH, new Uint8Array(0));
    const { bytes: file, offsets: at } = pcapOf(t);
    const r = await readHostile(file);
    expectWarnings(r, [{ code: 'truncated_link_header', packet: FIFTH + 1, offset: at[FIFTH] }]);
    expectTrace(r, t, ethernetLink(t.packets.length));
  });

  test('a record running past the end of the file', async () => {
    const last = offsets.length - 1;
    const r = await readHostile(withU32(bytes, offsets[last] + 8, trace.packets[last].data.length + 1000));
    expectWarnings(r, [{ code: 'truncated_record', packet: last + 1, offset: offsets[last] }]);
    expect(r.summary.warnings[0].message).toContain('1000 bytes are missing');
    expectTrace(r, firstPackets(trace, last), ethernetLink(last));
  });

  test('a snaplen of 0 limits nothing', async () => {
    expectCleanTrace(await readHostile(withU32(bytes, 16, 0)), trace, ethernetLink(trace.packets.length));
  });
});

describe('pcapng blocks', () => {
  const { bytes, offsets } = pcapngOf(trace);
  const blockLen = offsets[FIFTH] + 4;
  const realLen = new DataView(bytes.buffer).getUint32(blockLen, true);

  const LENGTHS: [string, number, string][] = [
    ['4 GiB', 0xfffffffc, 'bad_record_length'],
    ['4 GiB, unaligned', 0xffffffff, 'bad_block_length'],
    ['zero length', 0, 'bad_block_length'],
    ['an unaligned length', realLen + 1, 'bad_block_length'],
    ['less than a block\'s own fields', 8, 'bad_block_length'],
  ];
  for (const [name, value, code] of LENGTHS) {
    test(`a packet block of ${name}`, async () => {
      await expectStopAtFifth(withU32(bytes, blockLen, value), code, blockLen);
    });
  }

  test('a packet block running past the end of the file', async () => {
    const last = offsets.length - 1;
    const len = new DataView(bytes.buffer).getUint32(offsets[last] + 4, true);
    const r = await readHostile(withU32(bytes, offsets[last] + 4, len + 1000));
    expectWarnings(r, [{ code: 'truncated_record', packet: last + 1, offset: offsets[last] }]);
    expectTrace(r, firstPackets(trace, last), ethernetLink(last));
  });

  test('a block the reader skips, claiming 4 GiB, is skipped to the end of the file', async () => {
    const w = new PcapngWriter({});
    w.interface({ linkType: LinkType.ETHERNET });
    trace.packets.slice(0, FIFTH).forEach((p) => w.packet(0, p.time, p.data));
    const nrb = w.bytes().length;
    w.nameResolution([{ ip: HOSTS[4].client, names: ['client'] }]);
    trace.packets.slice(FIFTH).forEach((p) => w.packet(0, p.time, p.data));
    const file = withU32(w.bytes(), nrb + 4, 0xfffffffc);
    const r = await readHostile(file);
    expectWarnings(r, [{ code: 'truncated_record', packet: FIFTH + 1, offset: nrb }]);
    expect(r.summary.warnings[0].message).toContain(`${0xfffffffc - (file.length - nrb)} bytes are missing`);
    expectTrace(r, firstPackets(trace, FIFTH), ethernetLink(FIFTH));
  });

  test('a packet block whose captured length claims 4 GiB is read as far as the block goes', async () => {
    const r = await readHostile(withU32(bytes, offsets[FIFTH] + 20, 0xffffffff));
    expectWarnings(r, [{ code: 'block_too_short', packet: FIFTH + 1, offset: offsets[FIFTH] }]);
    expectTrace(r, trace, ethernetLink(trace.packets.length));
  });

  test('a section header claiming 4 GiB', async () => {
    const r = await readHostile(withU32(bytes, 4, 0xfffffffc));
    expectWarnings(r, [{ code: 'bad_record_length', packet: 1, offset: 4 }]);
    expect(r.summary.packets).toBe(0);
  });
});

describe('pcapng interfaces', () => {
  test('simple packet blocks and no interface block: each is counted, none decoded', async () => {
    const w = new PcapngWriter({});
    for (const p of trace.packets) w.simplePacket(p.data);
    const r = await readHostile(w.bytes());
    expectWarnings(r, w.offsets.map((offset, i) => ({ code: 'unknown_interface', packet: i + 1, offset })));
    expect(r.summary).toMatchObject({ packets: trace.packets.length, flows: 0, stopped: false });
  });

  test('an obsolete packet block naming interface 65535', async () => {
    const w = new PcapngWriter({});
    w.interface({ linkType: LinkType.ETHERNET });
    trace.packets.forEach((p, i) => (i === FIFTH ? w.obsoletePacket(0xffff, p.time, p.data) : w.packet(0, p.time, p.data)));
    const r = await readHostile(w.bytes());
    expectWarnings(r, [{ code: 'unknown_interface', packet: FIFTH + 1, offset: w.offsets[FIFTH] }]);
    // undecoded, and at the time of the packet before: its interface would say how to read its own
    const undecoded = { flows: trace.flows, packets: trace.packets.map((p, i) => (i === FIFTH ? { ...p, flow: -1, time: trace.packets[i - 1].time } : p)) };
    expectTrace(r, undecoded, [...ethernetLink(trace.packets.length - 1), { linkType: 0xffffffff, packets: 1 }]);
  });

  test('more interfaces than a section may hold: the later ones are not kept', async () => {
    const MAX = 1 << 16;
    const w = new PcapngWriter({});
    for (let i = 0; i < MAX; i++) w.interface({ linkType: LinkType.ETHERNET });
    const extra = w.bytes().length;
    w.interface({ linkType: LinkType.ETHERNET });
    const [first, second] = trace.packets;
    w.packet(0, first.time, first.data);
    w.packet(MAX, second.time, second.data);
    const r = await readHostile(w.bytes());
    expectWarnings(r, [
      { code: 'too_many_interfaces', packet: 1, offset: extra },
      { code: 'unknown_interface', packet: 2, offset: w.offsets[1] },
    ]);
    expect(r.summary.packets).toBe(2);
    expect(r.flows).toMatchObject([{ proto: 'tcp', packets: { client: 1, server: 0 } }]);
  });

  test('an interface with a snaplen of 0 limits nothing', async () => {
    const w = new PcapngWriter({});
    w.interface({ linkType: LinkType.ETHERNET, snaplen: 0 });
    for (const p of trace.packets) w.packet(0, p.time, p.data);
    expectCleanTrace(await readHostile(w.bytes()), trace, ethernetLink(trace.packets.length));
  });
});
