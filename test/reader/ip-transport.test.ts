// The network and transport decoders behind the readers: IPv4 options and fragments, IPv6
// extension headers and fragments, TCP header fields and options, UDP, ICMP and ICMPv6.

import { describe, expect, test } from 'vitest';
import {
  EtherType, IcmpType, IpProto, LinkType, PcapWriter, TcpFlag, ethernet, icmp, ipv4, ipv6, payload, recordRoute, tcp,
  tcpOption, udp, type Ipv6Extension,
} from '../helpers/capture-writer.js';
import { analyzeEveryWay, type Analysis } from '../helpers/analyze.js';
import {
  CLIENT_ISN, HOSTS, SERVER_ISN, T0, conversation, encapsulate, etherTypeOf, expectCleanTrace, expectWarnings, tcpSegments,
  writePcap, type Family, type Trace,
} from '../helpers/traffic.js';

const overEthernet = (t: Trace) => encapsulate(t, (ip, f) => ethernet(etherTypeOf(f), ip));
const ethernetLink = (n: number) => [{ linkType: LinkType.ETHERNET, packets: n }];

/** One Ethernet pcap of the given IP packets, 1 ms apart. */
function pcapOf(ips: Uint8Array[]): { bytes: Uint8Array; offsets: number[] } {
  const w = new PcapWriter();
  ips.forEach((ip, i) => w.packet(T0 + BigInt(i) * 1_000_000n, ethernet((ip[0] >> 4) === 4 ? EtherType.IPV4 : EtherType.IPV6, ip)));
  return { bytes: w.bytes(), offsets: w.offsets };
}

/** A file of one damaged packet: it reads with the one warning `code`, and still counts. */
async function expectDamagedPacket(ip: Uint8Array, code: string): Promise<Analysis> {
  const { bytes, offsets } = pcapOf([ip]);
  const r = await analyzeEveryWay(bytes);
  expectWarnings(r, [{ code, packet: 1, offset: offsets[0] }]);
  expect(r.summary.packets).toBe(1);
  return r;
}

const { client: C4, server: S4 } = HOSTS[4];
const { client: C6, server: S6 } = HOSTS[6];

describe('IPv4', () => {
  test('options in every header', async () => {
    const trace = overEthernet(conversation(4, { ipOptions: recordRoute(3) }));
    expectCleanTrace(await analyzeEveryWay(writePcap(trace)), trace, ethernetLink(trace.packets.length));
  });

  test('fragments: the first carries the ports, the later ones are counted apart', async () => {
    const datagram = udp({ sport: 40001, dport: 53 }, payload(1000));
    const frag = (from: number, to: number, more: boolean) =>
      ipv4({ src: C4, dst: S4, proto: IpProto.UDP, id: 77, fragmentOffset: from, moreFragments: more }, datagram.subarray(from, to));
    const { bytes } = pcapOf([frag(0, 400, true), frag(400, 800, true), frag(800, datagram.length, false)]);
    const r = await analyzeEveryWay(bytes);
    expect(r.summary.warnings).toEqual([]);
    expect(r.summary.packets).toBe(3);
    expect(r.flows).toMatchObject([{ proto: 'udp', client: { ip: C4, port: 40001 }, server: { ip: S4, port: 53 }, packets: { client: 1, server: 0 } }]);
    expect(r.summary.undecoded).toEqual([{ what: expect.stringMatching(/IPv4 fragments/), packets: 2 }]);
    expect(r.packets.map((p) => [p.flow, p.proto])).toEqual([[0, IpProto.UDP], [-1, IpProto.UDP], [-1, IpProto.UDP]]);
  });

  test('a total length of 0 (segmentation offload) is read from the capture', async () => {
    const seg = tcp({ sport: 40000, dport: 80, seq: 1, ack: 1, flags: TcpFlag.ACK }, payload(3000));
    const r = await analyzeEveryWay(pcapOf([ipv4({ src: C4, dst: S4, proto: IpProto.TCP, totalLength: 0 }, seg)]).bytes);
    expect(r.summary.warnings).toEqual([]);
    expect(r.packets[0].len).toBe(3000);
  });

  test('Ethernet padding after a short packet is not payload', async () => {
    const ack = ipv4({ src: C4, dst: S4, proto: IpProto.TCP }, tcp({ sport: 40000, dport: 80, seq: 1, ack: 1, flags: TcpFlag.ACK }));
    const w = new PcapWriter();
    w.packet(T0, ethernet(EtherType.IPV4, ack, { pad: true }));
    const r = await analyzeEveryWay(w.bytes());
    expect(ack.length + 14).toBeLessThan(60);
    expect(r.summary.bytes).toBe(60);
    expect(r.packets[0].len).toBe(0);
    expect(r.flows[0].payload).toEqual({ client: 0, server: 0 });
  });
});

describe('IPv6', () => {
  const CHAINS: [string, Ipv6Extension[]][] = [
    ['hop-by-hop, routing and destination options', [{ type: 0 }, { type: 43, length: 24 }, { type: 60, length: 16 }]],
    ['an atomic fragment header (offset 0, no more fragments)', [{ type: 44, id: 9 }]],
    ['hop-by-hop, fragment header, destination options and authentication', [{ type: 0 }, { type: 44 }, { type: 60 }, { type: 51 }]],
  ];
  for (const [name, extensions] of CHAINS) {
    test(`extension headers: ${name}`, async () => {
      const trace = overEthernet(conversation(6, { extensions }));
      expectCleanTrace(await analyzeEveryWay(writePcap(trace)), trace, ethernetLink(trace.packets.length));
    });
  }

  test('fragments: the first carries the ports, the later ones are counted apart', async () => {
    const datagram = udp({ sport: 40001, dport: 53 }, payload(1000));
    const frag = (from: number, to: number, more: boolean) =>
      ipv6({ src: C6, dst: S6, next: IpProto.UDP, extensions: [{ type: 0 }, { type: 44, offset: from, more, id: 77 }] }, datagram.subarray(from, to));
    const r = await analyzeEveryWay(pcapOf([frag(0, 504, true), frag(504, datagram.length, false)]).bytes);
    expect(r.summary.warnings).toEqual([]);
    expect(r.flows).toMatchObject([{ proto: 'udp', client: { ip: C6, port: 40001 }, server: { ip: S6, port: 53 }, packets: { client: 1, server: 0 } }]);
    expect(r.summary.undecoded).toEqual([{ what: expect.stringMatching(/IPv6 fragments/), packets: 1 }]);
  });

  test('an extension header running past the packet is warned about', async () => {
    const ip = ipv6({ src: C6, dst: S6, next: IpProto.TCP, extensions: [{ type: 60, length: 16 }] }, new Uint8Array(0));
    await expectDamagedPacket(ip.subarray(0, 40 + 8), 'bad_ipv6_ext_header');
  });
});

describe('TCP', () => {
  for (const family of [4, 6] as Family[]) {
    test(`header fields, IPv${family}: flags, sequence numbers (relative and raw), window, payload`, async () => {
      const trace = overEthernet(conversation(family));
      const r = await analyzeEveryWay(writePcap(trace));
      const segs = tcpSegments();
      const tcpRecords = r.packets.slice(0, segs.length);
      expect(tcpRecords.map((p) => p.proto)).toEqual(segs.map(() => IpProto.TCP));
      expect(tcpRecords.map((p) => p.dir)).toEqual(segs.map((s) => (s.fromClient ? 0 : 1)));
      expect(tcpRecords.map((p) => p.tcpFlags)).toEqual(segs.map((s) => s.header.flags));
      expect(tcpRecords.map((p) => p.rawSeq)).toEqual(segs.map((s) => s.header.seq! >>> 0));
      expect(tcpRecords.map((p) => p.rawAck)).toEqual(segs.map((s) => s.header.ack! >>> 0));
      expect(tcpRecords.map((p) => p.window)).toEqual(segs.map((s) => s.header.window));
      expect(tcpRecords.map((p) => p.len)).toEqual(segs.map((s) => s.len));
      // Wireshark's relative numbers count from each side's initial sequence number, across 2^32
      const isn = (fromClient: boolean) => (fromClient ? CLIENT_ISN : SERVER_ISN);
      expect(tcpRecords.map((p) => p.seq)).toEqual(segs.map((s) => (s.header.seq! - isn(s.fromClient)) >>> 0));
      expect(tcpRecords.map((p) => p.ack)).toEqual(segs.map((s) => (s.header.flags & TcpFlag.ACK ? (s.header.ack! - isn(!s.fromClient)) >>> 0 : 0)));
      const payloads = (fromClient: boolean) => segs.filter((s) => s.fromClient === fromClient).reduce((t, s) => t + s.len, 0);
      expect(r.flows[0].payload).toEqual({ client: payloads(true), server: payloads(false) });
    });
  }

  test('a fast open SYN carries a cookie and data', async () => {
    const syn = tcp({ sport: 40000, dport: 80, seq: 7, flags: TcpFlag.SYN, options: [tcpOption.mss(1460), tcpOption.fastOpen(payload(8))] }, payload(120));
    const synAck = tcp({ sport: 80, dport: 40000, seq: 90, ack: 128, flags: TcpFlag.SYN | TcpFlag.ACK, options: [tcpOption.fastOpen()] });
    const r = await analyzeEveryWay(pcapOf([ipv4({ src: C4, dst: S4, proto: IpProto.TCP }, syn), ipv4({ src: S4, dst: C4, proto: IpProto.TCP }, synAck)]).bytes);
    expect(r.summary.warnings).toEqual([]);
    expect(r.flows).toMatchObject([{ proto: 'tcp', client: { ip: C4, port: 40000 }, payload: { client: 120, server: 0 } }]);
  });

  const BAD_OPTIONS: [string, Uint8Array[]][] = [
    ['an option longer than the header', [tcpOption.nop(), tcpOption.nop(), tcpOption.raw(8, payload(8), 30)]],
    ['an option length under 2', [tcpOption.raw(2, payload(2), 1)]],
    ['a length byte missing at the end of the header', [tcpOption.nop(), tcpOption.nop(), tcpOption.nop(), Uint8Array.of(3)]],
  ];
  for (const [name, options] of BAD_OPTIONS) {
    test(`${name} is warned about; the packet still counts`, async () => {
      const syn = tcp({ sport: 40000, dport: 80, seq: 1, flags: TcpFlag.SYN, options });
      const r = await expectDamagedPacket(ipv4({ src: C4, dst: S4, proto: IpProto.TCP }, syn), 'bad_tcp_option_len');
      expect(r.flows).toMatchObject([{ proto: 'tcp', client: { ip: C4, port: 40000 }, server: { ip: S4, port: 80 } }]);
    });
  }

  test('an option cut by the snaplen is not damage', async () => {
    const syn = ipv4({ src: C4, dst: S4, proto: IpProto.TCP }, tcp({ sport: 40000, dport: 80, flags: TcpFlag.SYN, options: [tcpOption.mss(1460), tcpOption.timestamps(1, 0)] }));
    const w = new PcapWriter({ snaplen: 14 + 20 + 20 + 4 + 5 });
    w.packet(T0, ethernet(EtherType.IPV4, syn));
    const r = await analyzeEveryWay(w.bytes());
    expect(r.summary.warnings).toEqual([]);
    expect(r.summary.truncatedPackets).toBe(1);
  });

  for (const [name, headerLength] of [['under 20 bytes', 16], ['past the segment', 60]] as const) {
    test(`a data offset ${name} is warned about`, async () => {
      const seg = tcp({ sport: 40000, dport: 80, flags: TcpFlag.ACK, headerLength }, payload(8));
      await expectDamagedPacket(ipv4({ src: C4, dst: S4, proto: IpProto.TCP }, seg), 'bad_tcp_header_len');
    });
  }
});

describe('UDP and ICMP', () => {
  test('UDP payload comes from the UDP length', async () => {
    const dgram = udp({ sport: 5353, dport: 5353 }, payload(77));
    const r = await analyzeEveryWay(pcapOf([ipv6({ src: C6, dst: 'ff02::fb', next: IpProto.UDP }, dgram)]).bytes);
    expect(r.summary.warnings).toEqual([]);
    expect(r.flows).toMatchObject([{ proto: 'udp', payload: { client: 77, server: 0 } }]);
    expect(r.packets[0].len).toBe(77);
  });

  for (const family of [4, 6] as Family[]) {
    test(`an ICMP${family === 6 ? 'v6' : ''} echo reply seen first: the client is the one who asked`, async () => {
      const [proto, request, reply] = family === 4
        ? [IpProto.ICMP, IcmpType.ECHO_REQUEST, IcmpType.ECHO_REPLY]
        : [IpProto.ICMPV6, IcmpType.V6_ECHO_REQUEST, IcmpType.V6_ECHO_REPLY];
      const { client, server } = HOSTS[family];
      const ip = (src: string, dst: string, type: number) => family === 4
        ? ipv4({ src, dst, proto }, icmp({ type }, payload(32)))
        : ipv6({ src, dst, next: proto }, icmp({ type }, payload(32)));
      const r = await analyzeEveryWay(pcapOf([ip(server, client, reply), ip(client, server, request)]).bytes);
      expect(r.summary.warnings).toEqual([]);
      expect(r.flows).toMatchObject([{
        proto: family === 4 ? 'icmp' : 'icmpv6', client: { ip: client }, server: { ip: server }, packets: { client: 1, server: 1 },
      }]);
    });
  }
});
