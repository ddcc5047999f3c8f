// Every link type and encapsulation the reader decodes, carrying the same IPv4 and IPv6 traffic:
// the flows must come out the same whatever wraps the IP packets.

import { describe, test } from 'vitest';
import {
  AddressFamily, EtherType, LinkType, bsdLoop, bsdNull, ethernet, mpls, ppp, pppoe, sll, sll2, vlanTag, type VlanTag,
} from '../helpers/capture-writer.js';
import { analyzeEveryWay } from '../helpers/analyze.js';
import {
  addressFamilyOf, conversation, encapsulate, etherTypeOf, expectCleanTrace, pppProtoOf, writePcap, type Family,
} from '../helpers/traffic.js';

interface LinkCase {
  name: string;
  linkType: number;
  families: Family[];
  frame: (ip: Uint8Array, f: Family) => Uint8Array;
}

const BOTH: Family[] = [4, 6];
const tagged = (tags: VlanTag[]) => (ip: Uint8Array, f: Family) => ethernet(etherTypeOf(f), ip, { tags });
const QINQ: VlanTag[] = [{ tpid: EtherType.QINQ, vid: 100 }, { vid: 10, pcp: 5 }];

const CASES: LinkCase[] = [
  { name: 'Ethernet', linkType: LinkType.ETHERNET, families: BOTH, frame: tagged([]) },
  { name: 'Ethernet, 802.1Q tag', linkType: LinkType.ETHERNET, families: BOTH, frame: tagged([{ vid: 10 }]) },
  { name: 'Ethernet, 802.1Q tag with VLAN 0 (priority only)', linkType: LinkType.ETHERNET, families: BOTH, frame: tagged([{ vid: 0, pcp: 3 }]) },
  { name: 'Ethernet, 802.1ad outer tag and 802.1Q inner tag', linkType: LinkType.ETHERNET, families: BOTH, frame: tagged(QINQ) },
  { name: 'Ethernet, stacked 802.1Q tags', linkType: LinkType.ETHERNET, families: BOTH, frame: tagged([{ vid: 10 }, { vid: 20 }, { vid: 30 }]) },
  { name: 'Ethernet, pre-standard 0x9100 outer tag', linkType: LinkType.ETHERNET, families: BOTH, frame: tagged([{ tpid: 0x9100, vid: 100 }, { vid: 10 }]) },
  { name: 'Ethernet, MPLS label', linkType: LinkType.ETHERNET, families: BOTH, frame: (ip) => ethernet(EtherType.MPLS, mpls([16], ip)) },
  { name: 'Ethernet, MPLS label stack', linkType: LinkType.ETHERNET, families: BOTH, frame: (ip) => ethernet(EtherType.MPLS, mpls([16, 17, 1048575], ip)) },
  { name: 'Ethernet, 802.1Q tag then MPLS labels', linkType: LinkType.ETHERNET, families: BOTH, frame: (ip) => ethernet(EtherType.MPLS, mpls([300, 301], ip), { tags: [{ vid: 7 }] }) },
  { name: 'Ethernet, PPPoE session', linkType: LinkType.ETHERNET, families: BOTH, frame: (ip, f) => ethernet(EtherType.PPPOE_SESSION, pppoe(0x1234, pppProtoOf(f), ip)) },
  { name: 'Ethernet, PPPoE session over 802.1ad and 802.1Q', linkType: LinkType.ETHERNET, families: BOTH, frame: (ip, f) => ethernet(EtherType.PPPOE_SESSION, pppoe(1, pppProtoOf(f), ip), { tags: QINQ }) },
  { name: 'Linux cooked v1 (113)', linkType: LinkType.LINUX_SLL, families: BOTH, frame: (ip, f) => sll(etherTypeOf(f), ip, { packetType: 4 }) },
  { name: 'Linux cooked v1 (113), 802.1Q tag kept', linkType: LinkType.LINUX_SLL, families: BOTH, frame: (ip, f) => sll(EtherType.VLAN, vlanTag({ vid: 10 }, etherTypeOf(f), ip)) },
  { name: 'Linux cooked v2 (276)', linkType: LinkType.LINUX_SLL2, families: BOTH, frame: (ip, f) => sll2(etherTypeOf(f), ip, { packetType: 4 }) },
  { name: 'raw IP (101)', linkType: LinkType.RAW, families: BOTH, frame: (ip) => ip },
  { name: 'raw IPv4 (228)', linkType: LinkType.IPV4, families: [4], frame: (ip) => ip },
  { name: 'raw IPv6 (229)', linkType: LinkType.IPV6, families: [6], frame: (ip) => ip },
  { name: 'BSD NULL (0), little-endian host', linkType: LinkType.NULL, families: BOTH, frame: (ip, f) => bsdNull(addressFamilyOf(f), ip, true) },
  { name: 'BSD NULL (0), big-endian host', linkType: LinkType.NULL, families: BOTH, frame: (ip, f) => bsdNull(addressFamilyOf(f), ip, false) },
  { name: 'BSD NULL (0), IPv6 as FreeBSD numbers it (28)', linkType: LinkType.NULL, families: [6], frame: (ip) => bsdNull(AddressFamily.INET6_FREEBSD, ip) },
  { name: 'BSD NULL (0), IPv6 as macOS numbers it (30)', linkType: LinkType.NULL, families: [6], frame: (ip) => bsdNull(AddressFamily.INET6_DARWIN, ip) },
  { name: 'BSD NULL (0), IPv6 as Linux numbers it (10)', linkType: LinkType.NULL, families: [6], frame: (ip) => bsdNull(AddressFamily.INET6_LINUX, ip) },
  { name: 'BSD LOOP (108)', linkType: LinkType.LOOP, families: BOTH, frame: (ip, f) => bsdLoop(addressFamilyOf(f), ip) },
  { name: 'PPP (9)', linkType: LinkType.PPP, families: BOTH, frame: (ip, f) => ppp(pppProtoOf(f), ip) },
  { name: 'PPP (9), no address and control, compressed protocol field', linkType: LinkType.PPP, families: BOTH, frame: (ip, f) => ppp(pppProtoOf(f), ip, { addressControl: false, compressProtocol: true }) },
];

describe('link types and encapsulations', () => {
  for (const c of CASES) {
    for (const family of c.families) {
      test(`${c.name}, IPv${family}`, async () => {
        const trace = encapsulate(conversation(family), c.frame);
        const r = await analyzeEveryWay(writePcap(trace, { linkType: c.linkType }));
        expectCleanTrace(r, trace, [{ linkType: c.linkType, packets: trace.packets.length }]);
      });
    }
  }
});
