import { describe, it, expect } from 'vitest';
import { compile } from '../../src/filter/compile.js';
import { FilterError } from '../../src/filter/errors.js';
import { parseNetwork } from '../../src/filter/address.js';
import type { FlowSource, NumberName, FlagName } from '../../src/filter/fields.js';

interface Fake {
  proto: number; client: string; server: string; cport: number; sport: number; stream: number;
  packets: number; bytes?: number; duration?: number; midstream?: boolean;
  /** Handshake RTT, seconds; retransmitted and duplicate-ACK packet counts. */
  rtt?: number; rexmit?: number; dupack?: number;
}

const FLOWS: Fake[] = [
  { proto: 6, client: '10.0.0.1', server: '93.184.216.34', cport: 50000, sport: 443, stream: 0, packets: 12, bytes: 5000, duration: 1.5, rtt: 0.08, rexmit: 3 },
  { proto: 17, client: '10.0.0.1', server: '10.0.0.53', cport: 40000, sport: 53, stream: 0, packets: 2 },
  { proto: 6, client: '10.0.0.2', server: '10.0.0.1', cport: 50001, sport: 80, stream: 1, packets: 40, midstream: true },
  { proto: 6, client: '2001:db8::1', server: '2001:db8::443', cport: 50002, sport: 443, stream: 2, packets: 3, rtt: 0.004, dupack: 1 },
  { proto: 1, client: '192.168.1.1', server: '192.168.1.2', cport: 0, sport: 0, stream: 0, packets: 4 },
  { proto: 17, client: '192.168.1.9', server: '192.168.1.255', cport: 137, sport: 137, stream: 1, packets: 7, duration: 2.6 },
];

const addr = (s: string) => parseNetwork(s)!.bytes;
const source: FlowSource = {
  protocol: (i) => FLOWS[i].proto,
  family: (i) => (FLOWS[i].client.includes(':') ? 6 : 4),
  number: (i, n: NumberName) => {
    const f = FLOWS[i];
    return { stream: f.stream, packets: f.packets, bytes: f.bytes ?? 100, payload: 0, duration: f.duration ?? 0, start: i, rtt: f.rtt ?? NaN }[n];
  },
  port: (i, side) => (side ? FLOWS[i].sport : FLOWS[i].cport),
  address: (i, side) => addr(side ? FLOWS[i].server : FLOWS[i].client),
  flag: (i, n: FlagName) => (n === 'midstream' ? !!FLOWS[i].midstream : false),
  // retransmission is ANALYSIS_FLAGS[0], duplicate_ack [6]
  analysis: (i, k) => (k === 0 ? FLOWS[i].rexmit ?? 0 : k === 6 ? FLOWS[i].dupack ?? 0 : k === -1 ? (FLOWS[i].rexmit ?? 0) + (FLOWS[i].dupack ?? 0) : 0),
};

/** Indexes of the flows a filter keeps. */
function keep(filter: string): number[] {
  const p = compile(filter, source);
  return FLOWS.map((_, i) => i).filter(p);
}

function error(filter: string): FilterError {
  try { compile(filter, source); } catch (e) { if (e instanceof FilterError) return e; throw e; }
  throw new Error(`no error for ${filter}`);
}

describe('flow filters', () => {
  it('keeps everything when blank', () => {
    expect(keep('')).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('matches protocols and IP versions by name', () => {
    expect(keep('tcp')).toEqual([0, 2, 3]);
    expect(keep('udp')).toEqual([1, 5]);
    expect(keep('icmp')).toEqual([4]);
    expect(keep('ip')).toEqual([0, 1, 2, 4, 5]);
    expect(keep('ipv6')).toEqual([3]);
    expect(keep('!tcp')).toEqual([1, 4, 5]);
    expect(keep('proto == udp || ip.proto == 1')).toEqual([1, 4, 5]);
    expect(keep('proto == "TCP" and ipv6')).toEqual([3]);
  });

  it('matches the examples from the docs', () => {
    expect(keep('tcp && port == 443')).toEqual([0, 3]);
    expect(keep('tcp && port 443')).toEqual([0, 3]);
    expect(keep('ip.addr == 10.0.0.1')).toEqual([0, 1, 2]);
    expect(keep('stream == 1')).toEqual([2, 5]);
    expect(keep('tcp.stream == 1')).toEqual([2]);
    expect(keep('packets > 10')).toEqual([0, 2]);
  });

  it('reads ip.src as the client and ip.dst as the server', () => {
    expect(keep('ip.src == 10.0.0.1')).toEqual([0, 1]);
    expect(keep('ip.dst == 10.0.0.1')).toEqual([2]);
    expect(keep('tcp.srcport == 50001')).toEqual([2]);
    expect(keep('dstport == 137 and srcport == 137')).toEqual([5]);
  });

  it('treats != on two-sided fields as "neither"', () => {
    expect(keep('ip.addr != 10.0.0.1')).toEqual([3, 4, 5]);
    expect(keep('port != 443 && tcp')).toEqual([2]);
    expect(keep('not ip.addr == 10.0.0.1')).toEqual([3, 4, 5]);
  });

  it('matches networks, IPv6 and sets', () => {
    expect(keep('ip.addr == 192.168.1.0/24')).toEqual([4, 5]);
    expect(keep('ip.addr == 10.0.0.0/30')).toEqual([0, 1, 2]);
    expect(keep('ipv6.addr == 2001:db8::443')).toEqual([3]);
    expect(keep('ip.addr == 2001:db8::/32')).toEqual([3]);
    expect(keep('port in {53 80}')).toEqual([1, 2]);
    expect(keep('udp.port in {100..200}')).toEqual([5]);
    expect(keep('ip.addr in {10.0.0.53, 192.168.1.2}')).toEqual([1, 4]);
  });

  it('compares numbers with every operator', () => {
    expect(keep('packets >= 12')).toEqual([0, 2]);
    expect(keep('packets <= 3')).toEqual([1, 3]);
    expect(keep('packets < 3')).toEqual([1]);
    expect(keep('duration > 2')).toEqual([5]);
    expect(keep('bytes == 0x1388')).toEqual([0]);
    expect(keep('port > 50000')).toEqual([2, 3]);
  });

  it('needs a port field to be about TCP or UDP', () => {
    expect(keep('port')).toEqual([0, 1, 2, 3, 5]);
    expect(keep('port < 1')).toEqual([]);
  });

  it('reads flags', () => {
    expect(keep('midstream')).toEqual([2]);
    expect(keep('midstream == false')).toEqual([0, 3]);
    expect(keep('tcp.analysis.reused_ports')).toEqual([]);
  });

  it('reads the TCP analysis: handshake RTT and Wireshark flag counts', () => {
    expect(keep('tcp.analysis.retransmission')).toEqual([0]);
    expect(keep('tcp.analysis.retransmission > 2')).toEqual([0]);
    expect(keep('tcp.analysis.retransmission >= 4')).toEqual([]);
    expect(keep('tcp.analysis.duplicate_ack')).toEqual([3]);
    expect(keep('tcp.analysis.flags')).toEqual([0, 3]);
    expect(keep('!tcp.analysis.flags && tcp')).toEqual([2]);
    expect(keep('rtt < 0.01')).toEqual([3]);
    expect(keep('tcp.analysis.initial_rtt > 0.05')).toEqual([0]);
    expect(keep('rtt')).toEqual([0, 2, 3]); // the field exists for TCP flows, known or not
    expect(keep('not rtt > 0')).toEqual([1, 2, 4, 5]);
  });

  it('groups with parentheses', () => {
    expect(keep('(udp || icmp) && ip.addr == 192.168.1.0/24')).toEqual([4, 5]);
    expect(keep('udp || icmp && ip.addr == 192.168.1.0/24')).toEqual([1, 4, 5]);
  });

  it('explains wrong fields, values and operators where they are', () => {
    expect(error('tcp.prot == 80')).toMatchObject({ code: 'unknown_field', at: 0, end: 8 });
    expect(error('port == http')).toMatchObject({ code: 'bad_value', at: 8, end: 12, params: { what: 'number' } });
    expect(error('port == 70000')).toMatchObject({ code: 'bad_value', params: { what: 'port' } });
    expect(error('ip.addr == 10.0.0')).toMatchObject({ code: 'bad_value', params: { what: 'address' } });
    expect(error('ip.addr == 10.0.0.0/33')).toMatchObject({ code: 'bad_value' });
    expect(error('ip.addr > 10.0.0.1')).toMatchObject({ code: 'not_comparable', at: 8, end: 9 });
    expect(error('tcp == 1')).toMatchObject({ code: 'bad_operator', at: 4, end: 6 });
    expect(error('proto == nosuch')).toMatchObject({ code: 'bad_value', params: { what: 'protocol' } });
    expect(error('midstream == maybe')).toMatchObject({ code: 'bad_value', params: { what: 'boolean' } });
    expect(error('tcp in {1}')).toMatchObject({ code: 'bad_operator' });
    expect(error('port == http').message).toBe("'http' is not a number (for 'port')");
  });
});

describe('address literals', () => {
  it('reads IPv6 text forms', () => {
    expect(Array.from(addr('::1'))).toEqual([...new Array(15).fill(0), 1]);
    expect(Array.from(addr('::ffff:1.2.3.4')).slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect(parseNetwork('1:2:3:4:5:6:7:8')).not.toBeNull();
    expect(parseNetwork('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(parseNetwork('1::2::3')).toBeNull();
    expect(parseNetwork('1:2:3:4:5:6:7::8')).toBeNull();
    expect(parseNetwork('256.1.1.1')).toBeNull();
  });
});
