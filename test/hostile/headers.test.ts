// Packets whose headers are hostile: thousands of VLAN tags, MPLS labels or LLC headers, tunnels
// nested without end, IPv6 extension headers that go on and on, IPv4 and TCP header lengths under
// their minimum or past the packet, TCP options of length 0 and 1. Each is the fifth frame of a small
// conversation: it is counted and named with its packet number and offset, and the conversation
// around it is read and analysed as if it were not there.

import { describe, expect, test } from 'vitest';
import {
  EtherType, IpProto, TcpFlag, concat, ethernet, ipv4, ipv6, mpls, payload, tcp, tcpOption, udp, type VlanTag,
} from '../helpers/capture-writer.js';
import { HOSTS, expectTrace, expectWarnings, tcpSegments } from '../helpers/traffic.js';
import { ethernetLink, pcapOf, readHostile, trace, withFrame } from './hostile.js';

const AT = 4;
const { client: C4, server: S4 } = HOSTS[4];
const { client: C6, server: S6 } = HOSTS[6];
const THOUSANDS = 5000;

/**
 * The conversation with `frame` fifth reads with the one warning `code` there. The frame belongs to
 * trace flow `flow` (-1: none), or, when what could be decoded of it is an IP header of protocol
 * `ownFlow`, keys an IP flow of its own, next to the conversation's untouched flows.
 */
async function expectFifthFrame(frame: Uint8Array, code: string, o: { flow?: number; ownFlow?: string } = {}): Promise<void> {
  const t = withFrame(trace, AT, frame, o.flow ?? -1);
  const { bytes, offsets } = pcapOf(t);
  const r = await readHostile(bytes);
  expectWarnings(r, [{ code, packet: AT + 1, offset: offsets[AT] }]);
  if (!o.ownFlow) { expectTrace(r, t, ethernetLink(t.packets.length)); return; }
  expect(r.summary.packets).toBe(t.packets.length);
  expect(r.flows.map((f) => f.proto)).toEqual(['tcp', o.ownFlow, 'udp', 'icmp']);
  expect(r.flows.filter((f) => f.proto !== o.ownFlow).map((f) => f.packets)).toEqual([
    { client: 5, server: 4 }, { client: 1, server: 1 }, { client: 1, server: 1 },
  ]);
}

const syn = ipv4({ src: C4, dst: S4, proto: IpProto.TCP }, tcp({ sport: 1, dport: 2, flags: TcpFlag.SYN }));

describe('encapsulations without end', () => {
  test(`${THOUSANDS} VLAN tags`, async () => {
    const tags: VlanTag[] = Array.from({ length: THOUSANDS }, (_, i) => ({ vid: i & 0xfff }));
    await expectFifthFrame(ethernet(EtherType.IPV4, syn, { tags }), 'too_many_encapsulations');
  });

  test(`${THOUSANDS} MPLS labels, none the bottom of the stack`, async () => {
    const labels = mpls(Array.from({ length: THOUSANDS + 1 }, (_, i) => i), syn).slice();
    labels[4 * THOUSANDS + 2] &= ~1; // not even the last
    await expectFifthFrame(ethernet(EtherType.MPLS, labels), 'too_many_encapsulations');
  });

  test(`${THOUSANDS} LLC/SNAP headers, each naming an 802.3 length again`, async () => {
    // SNAP's ethertype field holding a length sends the reader back to LLC: this once ran the stack out
    const snap = Uint8Array.of(0xaa, 0xaa, 0x03, 0, 0, 0, 0x00, 0x30);
    await expectFifthFrame(ethernet(0x0030, concat(...Array.from({ length: THOUSANDS }, () => snap))), 'too_many_encapsulations');
  });

  test(`${THOUSANDS / 10} IPv4 headers nested in IPv4`, async () => {
    let packet = syn;
    for (let i = 0; i < THOUSANDS / 10; i++) packet = ipv4({ src: C4, dst: S4, proto: 4, totalLength: 0 }, packet);
    // the innermost header decoded keys an IP-in-IP flow of its own
    await expectFifthFrame(ethernet(EtherType.IPV4, packet), 'too_many_encapsulations', { ownFlow: 'ip-4' });
  });
});

describe('tunnels whose inner packet is broken', () => {
  test('VXLAN carrying a TCP header cut short: the outer UDP ports make no TCP flow', async () => {
    // The fuzzer's find: the inner IP header said TCP, the outer UDP header's ports were still set,
    // and a TCP flow of them was analysed from a payload pointer left by another packet.
    const inner = ethernet(EtherType.IPV4, syn.subarray(0, 20 + 12));
    const vxlan = ipv4({ src: C4, dst: S4, proto: IpProto.UDP }, udp({ sport: 5000, dport: 4789 }, concat(Uint8Array.of(8, 0, 0, 0, 0, 0, 1, 0), inner)));
    const t = withFrame(trace, AT, ethernet(EtherType.IPV4, vxlan));
    const { bytes, offsets } = pcapOf(t);
    const r = await readHostile(bytes);
    expectWarnings(r, [{ code: 'truncated_tcp_header', packet: AT + 1, offset: offsets[AT] }]);
    expect(r.flows.map((f) => `${f.proto} ${f.client.port}-${f.server.port}`)).toEqual(['tcp 40000-80', 'udp 5000-4789', 'udp 40001-53', 'icmp 0-0']);
    expect(r.packets[AT].flow).toBe(-1);
  });
});

describe('IPv6 extension headers', () => {
  test(`a chain of ${THOUSANDS} is followed to the transport header`, async () => {
    const chain = Array.from({ length: THOUSANDS }, () => ({ type: 60 as const }));
    const frame = ethernet(EtherType.IPV6, ipv6({ src: C6, dst: S6, next: IpProto.UDP, extensions: chain }, udp({ sport: 7, dport: 9 })));
    const t = withFrame(trace, AT, frame);
    const r = await readHostile(pcapOf(t).bytes);
    expect(r.summary.warnings).toEqual([]);
    expect(r.flows.map((f) => `${f.proto} ${f.client.port}-${f.server.port}`)).toContain('udp 7-9');
  });

  test('a chain that never ends runs past the packet', async () => {
    // every header names another; the last one is cut by the end of the packet
    const chain = new Uint8Array(8 * THOUSANDS + 4).map((_, i) => (i % 8 === 0 ? 60 : 0));
    const frame = ethernet(EtherType.IPV6, ipv6({ src: C6, dst: S6, next: 60 }, chain));
    await expectFifthFrame(frame, 'bad_ipv6_ext_header', { ownFlow: 'ip-60' });
  });

  test('a header whose length runs past the packet', async () => {
    const frame = ethernet(EtherType.IPV6, ipv6({ src: C6, dst: S6, next: 0 }, Uint8Array.of(IpProto.TCP, 255, 0, 0, 0, 0, 0, 0)));
    await expectFifthFrame(frame, 'bad_ipv6_ext_header', { ownFlow: 'ip-0' });
  });
});

describe('header lengths out of bounds', () => {
  /** An IPv4 header with the header length field `ihl` (in 4-byte words) and `body` after its 20 bytes. */
  const ipv4Ihl = (ihl: number, body = payload(0)) => {
    const ip = ipv4({ src: C4, dst: S4, proto: IpProto.UDP }, body);
    ip[0] = 0x40 | ihl;
    return ip;
  };
  for (const [name, ihl] of [['0', 0], ['16 bytes', 4]] as const) {
    test(`an IPv4 header length of ${name}`, async () => {
      await expectFifthFrame(ethernet(EtherType.IPV4, ipv4Ihl(ihl, payload(40))), 'bad_ipv4_header_len');
    });
  }
  test('an IPv4 header length past the packet', async () => {
    await expectFifthFrame(ethernet(EtherType.IPV4, ipv4Ihl(15, payload(20))), 'bad_ipv4_header_len');
  });

  const segment = (headerLength: number) => ethernet(EtherType.IPV4,
    ipv4({ src: C4, dst: S4, proto: IpProto.TCP }, tcp({ sport: 40000, dport: 80, flags: TcpFlag.ACK, headerLength }, payload(8))));
  for (const [name, words] of [['0', 0], ['4 words', 4], ['past the packet', 15]] as const) {
    test(`a TCP data offset of ${name}`, async () => {
      await expectFifthFrame(segment(words * 4), 'bad_tcp_header_len');
    });
  }
});

describe('TCP options of length 0 and 1: the option list ends there, the segment counts in its flow', () => {
  // the fifth frame repeats the client's third segment, a bare ACK, with the broken option in front
  const third = tcpSegments()[2].header;
  for (const length of [0, 1]) {
    test(`length ${length}`, async () => {
      const options = [tcpOption.raw(8, payload(8), length), tcpOption.nop(), tcpOption.nop()];
      const frame = ethernet(EtherType.IPV4, ipv4({ src: C4, dst: S4, proto: IpProto.TCP }, tcp({ ...third, options })));
      await expectFifthFrame(frame, 'bad_tcp_option_len', { flow: 0 });
    });
  }
});
