// Small captures for the fuzzer to start from, written with the capture writer: between them they
// reach every reader and decoder (each format and byte order, every pcapng block kind, the link
// types, tags, labels, tunnels, IPv6 extension headers, fragments, ICMP errors, FTP's announcements),
// so that a mutation lands on every kind of length field there is.

import {
  EtherType, IpProto, LinkType, PcapWriter, PcapngWriter, TcpFlag, bsdNull, concat, ethernet, gzip, icmp, ipv4, ipv6,
  mpls, payload, pppoe, sll2, tcp, tcpOption, udp,
} from '../helpers/capture-writer.js';
import { HOSTS, T0, conversation } from '../helpers/traffic.js';
import type { Input } from './fuzz.js';

const { client: C4, server: S4 } = HOSTS[4];
const { client: C6, server: S6 } = HOSTS[6];

const tcp4 = (sport: number, dport: number, flags: number, data = payload(0), seq = 1) =>
  ipv4({ src: C4, dst: S4, proto: IpProto.TCP }, tcp({ sport, dport, flags, seq, ack: 1 }, data));
const udp4 = (sport: number, dport: number, data: Uint8Array) => ipv4({ src: C4, dst: S4, proto: IpProto.UDP }, udp({ sport, dport }, data));
const text = (s: string) => new TextEncoder().encode(s);

/** Ethernet frames of everything the decoders know beyond plain TCP, UDP and ICMP. */
function oddFrames(): Uint8Array[] {
  const inner = tcp4(40000, 80, TcpFlag.SYN);
  const eth = (type: number, body: Uint8Array) => ethernet(type, body);
  return [
    eth(EtherType.IPV4, inner),
    ethernet(EtherType.IPV4, inner, { tags: [{ tpid: EtherType.QINQ, vid: 1 }, { vid: 2 }] }),
    eth(EtherType.MPLS, mpls([16, 17], inner)),
    eth(EtherType.MPLS, mpls([18], concat(new Uint8Array(4), ethernet(EtherType.IPV4, inner)))), // pseudowire
    eth(EtherType.PPPOE_SESSION, pppoe(7, 0x0021, inner)),
    // 802.3 length, then LLC/SNAP naming IPv4
    eth(inner.length + 8, concat(Uint8Array.of(0xaa, 0xaa, 3, 0, 0, 0, 0x08, 0x00), inner)),
    // GRE carrying Ethernet, then IPv4 in IPv4, then IPv6 in IPv4
    eth(EtherType.IPV4, ipv4({ src: C4, dst: S4, proto: 47 }, concat(Uint8Array.of(0x20, 0, 0x65, 0x58, 0, 0, 0, 9), eth(EtherType.IPV4, inner)))),
    eth(EtherType.IPV4, ipv4({ src: C4, dst: S4, proto: 4 }, inner)),
    eth(EtherType.IPV4, ipv4({ src: C4, dst: S4, proto: 41 }, ipv6({ src: C6, dst: S6, next: IpProto.UDP }, udp({ sport: 5, dport: 6 })))),
    // VXLAN and Teredo
    eth(EtherType.IPV4, udp4(5000, 4789, concat(Uint8Array.of(8, 0, 0, 0, 0, 0, 1, 0), eth(EtherType.IPV4, inner)))),
    eth(EtherType.IPV4, udp4(3544, 40001, ipv6({ src: C6, dst: S6, next: IpProto.TCP }, tcp({ sport: 1, dport: 2, flags: TcpFlag.SYN })))),
    // IPv6 extension headers and a first fragment; an IPv4 later fragment
    eth(EtherType.IPV6, ipv6({ src: C6, dst: S6, next: IpProto.TCP, extensions: [{ type: 0 }, { type: 43, length: 16 }, { type: 60 }, { type: 51 }, { type: 44, more: true }] },
      tcp({ sport: 40000, dport: 443, flags: TcpFlag.SYN }))),
    eth(EtherType.IPV4, ipv4({ src: C4, dst: S4, proto: IpProto.UDP, fragmentOffset: 64 }, payload(40))),
    // an ICMP error quoting a UDP header
    eth(EtherType.IPV4, ipv4({ src: S4, dst: C4, proto: IpProto.ICMP }, icmp({ type: 3, code: 3 }, udp4(40001, 53, payload(8)).subarray(0, 28)))),
    // FTP's announcements of data connections, and every TCP option
    eth(EtherType.IPV4, tcp4(40002, 21, TcpFlag.PSH | TcpFlag.ACK, text('PORT 192,0,2,1,4,1\r\n'))),
    eth(EtherType.IPV4, ipv4({ src: S4, dst: C4, proto: IpProto.TCP }, tcp({ sport: 21, dport: 40002, flags: TcpFlag.ACK | TcpFlag.PSH },
      text('227 Entering Passive Mode (198,51,100,2,4,2)\r\n')))),
    eth(EtherType.IPV4, ipv4({ src: S4, dst: C4, proto: IpProto.TCP }, tcp({ sport: 21, dport: 40002, flags: TcpFlag.ACK | TcpFlag.PSH },
      text('229 Entering Extended Passive Mode (|||4003|)\r\n')))),
    eth(EtherType.IPV4, ipv4({ src: C4, dst: S4, proto: IpProto.TCP }, tcp({ sport: 40000, dport: 80, flags: TcpFlag.SYN, options: [
      tcpOption.mss(1460), tcpOption.windowScale(7), tcpOption.sackPermitted(), tcpOption.timestamps(1, 2),
      tcpOption.sack([[1, 2], [3, 4]]), tcpOption.fastOpen(payload(4)),
    ] }))),
  ];
}

/** The conversations of traffic.ts and the odd frames, in every format and byte order. */
export function smallCaptures(): Input[] {
  const both = [...conversation(4).packets, ...conversation(6).packets];
  const frames = [...both.map((p) => ethernet((p.data[0] >> 4) === 4 ? EtherType.IPV4 : EtherType.IPV6, p.data)), ...oddFrames()];
  const time = (i: number) => T0 + BigInt(i) * 1_000_000n;

  const pcap = (o: ConstructorParameters<typeof PcapWriter>[0], data: Uint8Array[]) => {
    const w = new PcapWriter(o);
    data.forEach((d, i) => w.packet(time(i), d));
    return w.bytes();
  };
  const ng = new PcapngWriter({ littleEndian: true });
  const eth = ng.interface({ linkType: LinkType.ETHERNET, snaplen: 65535, tsresol: 9, name: 'eth0' });
  const raw = ng.interface({ linkType: LinkType.RAW, tsresol: 6, tsoffset: 1n });
  frames.forEach((d, i) => ng.packet(eth, time(i), d));
  ng.nameResolution([{ ip: C4, names: ['client'] }, { ip: S6, names: ['server'] }]);
  ng.interfaceStatistics(eth, time(99), { received: 100n, dropped: 1n });
  ng.decryptionSecrets(0x544c534b, text('CLIENT_RANDOM 00 11\n'));
  ng.custom(32473, payload(9));
  both.forEach((p, i) => ng.packet(raw, time(i), p.data));
  ng.section({ littleEndian: false });
  const second = ng.interface({ linkType: LinkType.LINUX_SLL2, snaplen: 128 });
  both.forEach((p, i) => ng.obsoletePacket(second, time(i), sll2((p.data[0] >> 4) === 4 ? EtherType.IPV4 : EtherType.IPV6, p.data)));
  both.forEach((p) => ng.simplePacket(sll2((p.data[0] >> 4) === 4 ? EtherType.IPV4 : EtherType.IPV6, p.data)));

  const loopback = both.map((p) => bsdNull((p.data[0] >> 4) === 4 ? 2 : 24, p.data));
  const little = pcap({}, frames);
  return [
    { name: 'generated/ethernet.pcap', bytes: little },
    { name: 'generated/big-endian-nanoseconds.pcap', bytes: pcap({ littleEndian: false, nanoseconds: true, snaplen: 96 }, frames) },
    { name: 'generated/old-order-null.pcap', bytes: pcap({ version: { major: 2, minor: 2 }, linkType: LinkType.NULL }, loopback) },
    { name: 'generated/sections.pcapng', bytes: ng.bytes() },
    { name: 'generated/ethernet.pcap.gz', bytes: gzip(little) },
  ];
}
