// Small, known traffic for reader tests: a trace is the list of IP packets it sends, each with its
// time, its flow and its direction, so that what a test expects (counts, bytes, times, flows) comes
// from how the trace was written, never from seqack's own output.

import { expect } from 'vitest';
import {
  AddressFamily, EtherType, IcmpType, IpProto, PcapWriter, PcapngWriter, PppProto, TcpFlag,
  icmp, ipv4, ipv6, payload, tcp, tcpOption, udp, type Ipv6Extension, type PcapOptions, type TcpOptions,
} from './capture-writer.js';
import { secondsOf, type Analysis } from './analyze.js';

export type Family = 4 | 6;

export interface Endpoint { ip: string; port: number }

export interface TraceFlow {
  proto: 'tcp' | 'udp' | 'icmp' | 'icmpv6';
  client: Endpoint;
  server: Endpoint;
}

export interface TracePacket {
  time: bigint;
  /** The packet as the link layer carries it (first an IP packet; encapsulate() wraps it). */
  data: Uint8Array;
  family: Family;
  /** Index in Trace.flows, or -1 for a packet outside any flow. */
  flow: number;
  fromClient: boolean;
  /** Length on the wire; data.length unless set. */
  wireLen?: number;
}

export interface Trace { packets: TracePacket[]; flows: TraceFlow[] }

export const HOSTS = {
  4: { client: '192.0.2.1', server: '198.51.100.2' },
  6: { client: '2001:db8::1', server: '2001:db8:1::2' },
} as const;

/** 2023-11-14 22:13:20.123456 UTC: a time that pcap's microseconds hold exactly. */
export const T0 = 1_700_000_000_123_456_000n;
export const MS = 1_000_000n;

/** The TCP connection of conversation(): who sends, the header, the payload length. */
export function tcpSegments(): { fromClient: boolean; header: TcpOptions; len: number }[] {
  const { SYN, ACK, PSH, FIN } = TcpFlag;
  const c = CLIENT_ISN, s = SERVER_ISN;
  const ts = (v: number, e: number) => [tcpOption.nop(), tcpOption.nop(), tcpOption.timestamps(v, e)];
  const seg = (fromClient: boolean, seq: number, ack: number, flags: number, options: Uint8Array[], len = 0) => ({
    fromClient, len,
    header: fromClient ? { sport: 40000, dport: 80, seq, ack, flags, options, window: 502 } : { sport: 80, dport: 40000, seq, ack, flags, options, window: 8190 },
  });
  return [
    seg(true, c, 0, SYN, [tcpOption.mss(1460), tcpOption.sackPermitted(), tcpOption.timestamps(1, 0), tcpOption.nop(), tcpOption.windowScale(7)]),
    seg(false, s, c + 1, SYN | ACK, [tcpOption.mss(1400), tcpOption.sackPermitted(), tcpOption.timestamps(100, 1), tcpOption.nop(), tcpOption.windowScale(8)]),
    seg(true, c + 1, s + 1, ACK, ts(2, 100)),
    seg(true, c + 1, s + 1, PSH | ACK, ts(3, 100), 100),
    seg(false, s + 1, c + 101, ACK, [tcpOption.nop(), tcpOption.nop(), tcpOption.sack([[c + 201, c + 301]])]),
    seg(false, s + 1, c + 101, PSH | ACK, ts(101, 3), 200),
    seg(true, c + 101, s + 201, FIN | ACK, ts(4, 101)),
    seg(false, s + 201, c + 102, FIN | ACK, ts(102, 4)),
    seg(true, c + 102, s + 202, ACK, ts(5, 102)),
  ];
}

export const CLIENT_ISN = 0xfffffff0; // the client's sequence numbers wrap around 2^32
export const SERVER_ISN = 5000;

export interface ConversationOptions {
  t0?: bigint;
  step?: bigint;
  /** IPv4 options on every packet. */
  ipOptions?: Uint8Array;
  /** IPv6 extension headers on every packet. */
  extensions?: Ipv6Extension[];
}

/**
 * A TCP connection (handshake with MSS, SACK-permitted, timestamps and window scale; data each way
 * with a SACK block; FIN each way), a UDP request and answer, and an ICMP echo and reply: 13 packets,
 * 3 flows, `step` apart from `t0`.
 */
export function conversation(family: Family, o: ConversationOptions = {}): Trace {
  const { client, server } = HOSTS[family];
  const t0 = o.t0 ?? T0, step = o.step ?? MS;
  const flows: TraceFlow[] = [
    { proto: 'tcp', client: { ip: client, port: 40000 }, server: { ip: server, port: 80 } },
    { proto: 'udp', client: { ip: client, port: 40001 }, server: { ip: server, port: 53 } },
    { proto: family === 4 ? 'icmp' : 'icmpv6', client: { ip: client, port: 0 }, server: { ip: server, port: 0 } },
  ];
  const [icmpProto, request, reply] = family === 4
    ? [IpProto.ICMP, IcmpType.ECHO_REQUEST, IcmpType.ECHO_REPLY]
    : [IpProto.ICMPV6, IcmpType.V6_ECHO_REQUEST, IcmpType.V6_ECHO_REPLY];
  const transports: [number, boolean, number, Uint8Array][] = [
    ...tcpSegments().map((s): [number, boolean, number, Uint8Array] => [0, s.fromClient, IpProto.TCP, tcp(s.header, payload(s.len))]),
    [1, true, IpProto.UDP, udp({ sport: 40001, dport: 53 }, payload(30))],
    [1, false, IpProto.UDP, udp({ sport: 53, dport: 40001 }, payload(60, 7))],
    [2, true, icmpProto, icmp({ type: request }, payload(56))],
    [2, false, icmpProto, icmp({ type: reply }, payload(56))],
  ];
  const packets = transports.map(([flow, fromClient, proto, body], i): TracePacket => {
    const [src, dst] = fromClient ? [client, server] : [server, client];
    const data = family === 4
      ? ipv4({ src, dst, proto, id: i + 1, options: o.ipOptions }, body)
      : ipv6({ src, dst, next: proto, extensions: o.extensions }, body);
    return { time: t0 + BigInt(i) * step, data, family, flow, fromClient };
  });
  return { packets, flows };
}

/** The trace with every packet wrapped by `link` (a link-layer header, tags, tunnels...). */
export function encapsulate(trace: Trace, link: (data: Uint8Array, family: Family) => Uint8Array): Trace {
  return { flows: trace.flows, packets: trace.packets.map((p) => ({ ...p, data: link(p.data, p.family) })) };
}

export const etherTypeOf = (f: Family) => (f === 4 ? EtherType.IPV4 : EtherType.IPV6);
export const pppProtoOf = (f: Family) => (f === 4 ? PppProto.IPV4 : PppProto.IPV6);
export const addressFamilyOf = (f: Family, inet6: number = AddressFamily.INET6_BSD) => (f === 4 ? AddressFamily.INET : inet6);

export function writePcap(trace: Trace, o: PcapOptions = {}): Uint8Array {
  const w = new PcapWriter(o);
  for (const p of trace.packets) w.packet(p.time, p.data, { wireLen: p.wireLen });
  return w.bytes();
}

/** One section, one interface; `tsresol` and `tsoffset` as given to the interface. */
export function writePcapng(trace: Trace, linkType: number, o: { littleEndian?: boolean; tsresol?: number; tsoffset?: bigint } = {}): Uint8Array {
  const w = new PcapngWriter({ littleEndian: o.littleEndian });
  const id = w.interface({ linkType, snaplen: 65535, tsresol: o.tsresol, tsoffset: o.tsoffset });
  for (const p of trace.packets) w.packet(id, p.time, p.data, { wireLen: p.wireLen });
  return w.bytes();
}

export const wireLen = (p: TracePacket) => p.wireLen ?? p.data.length;
const sum = (ps: TracePacket[], f: (p: TracePacket) => number) => ps.reduce((t, p) => t + f(p), 0);

/** The first `n` packets of the trace, as a file cut after them holds. */
export function firstPackets(trace: Trace, n: number): Trace {
  return { flows: trace.flows, packets: trace.packets.slice(0, n) };
}

/**
 * What the summary, flows and packet records of a capture of `trace` must say, warnings aside.
 * `linkTypes` lists the link types the file declares, in order, with their packets.
 */
export function expectTrace(r: Analysis, trace: Trace, linkTypes: { linkType: number; packets: number }[]): void {
  const { summary: s } = r;
  const pkts = trace.packets;
  expect(s.packets).toBe(pkts.length);
  expect(s.bytes).toBe(sum(pkts, wireLen));
  expect(s.first).toBe(pkts.length ? secondsOf(pkts[0].time) : null);
  expect(s.last).toBe(pkts.length ? secondsOf(pkts[pkts.length - 1].time) : null);
  expect(s.linkTypes.map(({ linkType, packets }) => ({ linkType, packets }))).toEqual(linkTypes);
  // flows are numbered in order of their first packet
  const order = [...new Set(pkts.filter((p) => p.flow >= 0).map((p) => p.flow))];
  const flows = order.map((i) => {
    const mine = pkts.filter((p) => p.flow === i);
    const side = (fromClient: boolean) => mine.filter((p) => p.fromClient === fromClient);
    return {
      ...trace.flows[i],
      first: secondsOf(mine[0].time),
      last: secondsOf(mine[mine.length - 1].time),
      packets: { client: side(true).length, server: side(false).length },
      bytes: { client: sum(side(true), wireLen), server: sum(side(false), wireLen) },
    };
  });
  expect(s.flows).toBe(flows.length);
  expect(r.flows).toMatchObject(flows);
  expect(r.packets.map((p) => p.frame)).toEqual(pkts.map((_, i) => i + 1));
  expect(r.packets.map((p) => p.flow)).toEqual(pkts.map((p) => order.indexOf(p.flow)));
  expect(r.packets.map((p) => p.wireLen)).toEqual(pkts.map(wireLen));
  expect(r.packets.map((p) => p.time)).toEqual(pkts.map((p) => secondsOf(p.time)));
}

/** A clean read of `trace`: no warnings, nothing undecoded, and everything expectTrace checks. */
export function expectCleanTrace(r: Analysis, trace: Trace, linkTypes: { linkType: number; packets: number }[]): void {
  expect(r.summary.warnings).toEqual([]);
  expect(r.summary.undecoded).toEqual([]);
  expect(r.summary.stopped).toBe(false);
  expectTrace(r, trace, linkTypes);
}

/** The warnings, by code, packet number and file offset. */
export function expectWarnings(r: Analysis, expected: { code: string; packet: number; offset: number }[]): void {
  expect(r.summary.warnings.map(({ code, packet, offset }) => ({ code, packet, offset }))).toEqual(expected);
}
