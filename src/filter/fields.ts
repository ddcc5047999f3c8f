// The fields a flow filter can name. Names follow Wireshark's display filter fields where one exists;
// a flow has a client and a server instead of a source and a destination per packet, so `ip.src` is
// the client and `ip.dst` the server. New fields (state, handshake RTT, analysis flags) go here.

import { protoName } from '../core/names.js';
import { ANALYSIS_FLAGS } from '../core/layout.js';

/** 0 client, 1 server, 2 either. */
export type Sides = 0 | 1 | 2;

export type NumberName = 'stream' | 'packets' | 'bytes' | 'payload' | 'duration' | 'start' | 'rtt';
export type FlagName = 'midstream' | 'reused';

/** What a filter reads from flow `i`. The worker implements it over the core's flow table. */
export interface FlowSource {
  /** IP protocol number (6 TCP, 17 UDP, ...). */
  protocol(i: number): number;
  /** IP version: 4 or 6. */
  family(i: number): number;
  number(i: number, name: NumberName): number;
  port(i: number, side: 0 | 1): number;
  /** The address's 4 or 16 bytes; the array may be reused by the next call. */
  address(i: number, side: 0 | 1): Uint8Array;
  flag(i: number, name: FlagName): boolean;
  /** How many of the flow's packets carry Wireshark analysis flag `k` (ANALYSIS_FLAGS); -1: any. */
  analysis(i: number, k: number): number;
}

export type FieldSpec =
  | { kind: 'protocol'; proto: number }
  | { kind: 'family'; family: 4 | 6 }
  | { kind: 'address'; sides: Sides }
  | { kind: 'port'; sides: Sides; proto?: number }
  | { kind: 'number'; name: NumberName; proto?: number }
  | { kind: 'proto' }
  | { kind: 'flag'; name: FlagName; proto?: number }
  | { kind: 'analysis'; flag: number; proto: number };

const TCP = 6, UDP = 17;

const FIELDS: Record<string, FieldSpec> = {
  ip: { kind: 'family', family: 4 },
  ipv6: { kind: 'family', family: 6 },
  'ip.proto': { kind: 'proto' },
  proto: { kind: 'proto' },
  stream: { kind: 'number', name: 'stream' },
  'tcp.stream': { kind: 'number', name: 'stream', proto: TCP },
  'udp.stream': { kind: 'number', name: 'stream', proto: UDP },
  port: { kind: 'port', sides: 2 },
  'tcp.port': { kind: 'port', sides: 2, proto: TCP },
  'udp.port': { kind: 'port', sides: 2, proto: UDP },
  srcport: { kind: 'port', sides: 0 },
  'tcp.srcport': { kind: 'port', sides: 0, proto: TCP },
  'udp.srcport': { kind: 'port', sides: 0, proto: UDP },
  dstport: { kind: 'port', sides: 1 },
  'tcp.dstport': { kind: 'port', sides: 1, proto: TCP },
  'udp.dstport': { kind: 'port', sides: 1, proto: UDP },
  packets: { kind: 'number', name: 'packets' },
  bytes: { kind: 'number', name: 'bytes' },
  payload: { kind: 'number', name: 'payload' },
  duration: { kind: 'number', name: 'duration' },
  start: { kind: 'number', name: 'start' },
  midstream: { kind: 'flag', name: 'midstream', proto: TCP },
  'tcp.analysis.reused_ports': { kind: 'flag', name: 'reused', proto: TCP },
  // Wireshark's handshake RTT, in seconds; unknown (no handshake seen) matches no comparison.
  'tcp.analysis.initial_rtt': { kind: 'number', name: 'rtt', proto: TCP },
  rtt: { kind: 'number', name: 'rtt', proto: TCP },
  // Any analysis flag at all, as Wireshark's tcp.analysis.flags.
  'tcp.analysis.flags': { kind: 'analysis', flag: -1, proto: TCP },
};
// tcp.analysis.retransmission and the rest: alone, "the flow has some"; compared, how many packets.
ANALYSIS_FLAGS.forEach((name, k) => { FIELDS[`tcp.analysis.${name}`] ??= { kind: 'analysis', flag: k, proto: TCP }; });
for (const prefix of ['ip', 'ipv6']) {
  FIELDS[`${prefix}.addr`] = { kind: 'address', sides: 2 };
  FIELDS[`${prefix}.src`] = { kind: 'address', sides: 0 };
  FIELDS[`${prefix}.dst`] = { kind: 'address', sides: 1 };
}
FIELDS.addr = FIELDS.host = FIELDS['ip.addr'];

/** IP protocol numbers by the names the app shows ("tcp", "icmpv6", "ip-88"). */
export const PROTOCOLS: ReadonlyMap<string, number> = new Map(
  Array.from({ length: 256 }, (_, n) => [protoName(n), n] as const),
);

export function lookupField(name: string): FieldSpec | undefined {
  const lower = name.toLowerCase();
  if (Object.hasOwn(FIELDS, lower)) return FIELDS[lower];
  const proto = PROTOCOLS.get(lower);
  return proto === undefined ? undefined : { kind: 'protocol', proto };
}

/** Every field name, for help text and completion. */
export function fieldNames(): string[] {
  return Object.keys(FIELDS);
}
