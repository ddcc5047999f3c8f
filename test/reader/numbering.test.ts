// Packet records are numbered as Wireshark numbers frames: 1 is the first packet record of the file,
// and only packet records count. Each record gives the file offset, time and lengths it was written with.

import { describe, expect, test } from 'vitest';
import { IpProto, LinkType, PcapWriter, PcapngWriter, ethernet, ipv4, payload, udp } from '../helpers/capture-writer.js';
import { analyzeAtChunkSizes, analyzeEveryWay, secondsOf } from '../helpers/analyze.js';
import { HOSTS, T0, conversation, encapsulate, etherTypeOf } from '../helpers/traffic.js';

const trace = encapsulate(conversation(4), (ip, f) => ethernet(etherTypeOf(f), ip));

/** What the packet records must say of packets written at `offsets`, captured `capLen` of `wireLen`. */
function expectRecords(records: { frame: number; offset: number; time: number; wireLen: number; capLen: number }[],
  offsets: number[], capLen: (i: number) => number) {
  expect(records).toEqual(trace.packets.map((p, i) => expect.objectContaining({
    frame: i + 1, offset: offsets[i], time: secondsOf(p.time), wireLen: p.data.length, capLen: capLen(i),
  })));
}

describe('packet numbering', () => {
  test('pcap: frame 1 is the first record', async () => {
    const snaplen = 80;
    const w = new PcapWriter({ snaplen });
    for (const p of trace.packets) w.packet(p.time, p.data);
    const r = await analyzeEveryWay(w.bytes());
    expectRecords(r.packets, w.offsets, (i) => Math.min(snaplen, trace.packets[i].data.length));
  });

  test('pcapng: only packet blocks are numbered, across sections', async () => {
    const w = new PcapngWriter();
    trace.packets.forEach((p, i) => {
      if (i % 5 === 0) {
        w.section({ littleEndian: i % 2 === 0 });
        w.nameResolution([{ ip: HOSTS[4].client, names: ['client'] }]);
        w.interface({ linkType: LinkType.ETHERNET, tsresol: 9 });
      }
      if (i % 3 === 0) w.interfaceStatistics(0, p.time, { received: BigInt(i), dropped: 0n });
      if (i % 4 === 1) w.obsoletePacket(0, p.time, p.data);
      else w.packet(0, p.time, p.data);
    });
    const r = await analyzeEveryWay(w.bytes());
    expectRecords(r.packets, w.offsets, (i) => trace.packets[i].data.length);
  });

  test('more packets than one batch of packet records holds', async () => {
    // the core hands packet records over in batches of 16384: numbering runs on across them
    const n = 20_000;
    const w = new PcapWriter();
    for (let i = 0; i < n; i++) {
      const ip = ipv4({ src: HOSTS[4].client, dst: HOSTS[4].server, proto: IpProto.UDP }, udp({ sport: 1024 + (i % 7), dport: 53 }, payload(i % 3)));
      w.packet(T0 + BigInt(i) * 1000n, ethernet(etherTypeOf(4), ip));
    }
    const r = await analyzeAtChunkSizes(w.bytes());
    expect(r.packets.length).toBe(n);
    expect(r.packets.every((p, i) => p.frame === i + 1 && p.offset === w.offsets[i])).toBe(true);
    expect(r.flows.map((f) => f.packets.client + f.packets.server)).toEqual([0, 1, 2, 3, 4, 5, 6].map((k) => Math.ceil((n - k) / 7)));
  });
});
