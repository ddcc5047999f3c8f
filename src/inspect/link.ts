// The link layers the core reads (assembly/link/): Ethernet with VLAN and Q-in-Q tags, VN-Tag, MPLS
// and PPPoE; Linux cooked captures v1 and v2; BSD NULL/LOOP; raw IP; FDDI and PPP. Each consumes its
// header and hands the rest on by ethertype (or the version nibble), as the core does.

import { Cursor, hex, mac } from './dissection.js';
import { ipv4 } from './ipv4.js';
import { ipv6 } from './ipv6.js';

export const ETHERTYPES: Record<number, string> = {
  0x0800: 'IPv4', 0x86dd: 'IPv6', 0x0806: 'ARP', 0x8100: '802.1Q VLAN', 0x88a8: '802.1ad', 0x9100: 'Q-in-Q',
  0x9200: 'Q-in-Q', 0x8926: 'VN-Tag', 0x8847: 'MPLS', 0x8848: 'MPLS multicast', 0x8863: 'PPPoE discovery',
  0x8864: 'PPPoE session', 0x6558: 'Ethernet bridging', 0x880b: 'PPP', 0x88cc: 'LLDP',
};

const meaning = (v: number, names: Record<number, string>) => (names[v] ? [{ label: 'meaning' as const, value: names[v] }] : undefined);

/** Decodes from the link layer named by `linkType`; false when it is not one we know. */
export function link(c: Cursor, linkType: number): boolean {
  switch (linkType) {
    case 1: ethernet(c, 0); return true;
    case 113: sll(c); return true;
    case 276: sll2(c); return true;
    case 0: case 108: loopback(c, linkType === 108); return true;
    case 101: case 12: case 14: rawIp(c, 0); return true;
    case 228: ipv4(c, 0); return true;
    case 229: ipv6(c, 0); return true;
    case 9: case 50: ppp(c, 0); return true;
    case 10: fddi(c); return true;
    default: return false;
  }
}

// Ethernet II: dst 6 | src 6 | ethertype 2 (a value under 0x0600 is an 802.3 length, LLC follows)
export function ethernet(c: Cursor, o: number): void {
  const l = c.layer('eth', o, o + 14, false);
  c.field(l, 'eth.dst', o, 0, 48, mac(c, o));
  c.field(l, 'eth.src', o + 6, 0, 48, mac(c, o + 6));
  const type = c.be16(o + 12);
  if (type < 0x0600) {
    c.field(l, 'eth.len', o + 12, 0, 16, type);
    if (!l.truncated) llc(c, o + 14);
    return;
  }
  c.field(l, 'eth.type', o + 12, 0, 16, hex(type, 4), { extra: meaning(type, ETHERTYPES) });
  if (!l.truncated) ethertype(c, type, o + 14);
}

// 802.2 LLC with SNAP: dsap 1 | ssap 1 | control 1 | OUI 3 | ethertype 2
function llc(c: Cursor, o: number): void {
  const l = c.layer('llc', o, o + 8, false);
  c.field(l, 'llc.dsap', o, 0, 8, hex(c.u8(o), 2));
  c.field(l, 'llc.ssap', o + 1, 0, 8, hex(c.u8(o + 1), 2));
  c.field(l, 'llc.control', o + 2, 0, 8, hex(c.u8(o + 2), 2));
  if (c.u8(o) !== 0xaa || c.u8(o + 1) !== 0xaa || c.u8(o + 2) !== 0x03) { l.end = o + 3; return; }
  c.field(l, 'llc.oui', o + 3, 0, 24, hex(c.u8(o + 3) * 65536 + c.be16(o + 4), 6));
  const type = c.be16(o + 6);
  c.field(l, 'llc.pid', o + 6, 0, 16, hex(type, 4), { extra: meaning(type, ETHERTYPES) });
  if (!l.truncated) ethertype(c, type, o + 8);
}

/** What follows an ethertype. Unknown types end the decoding: their bytes show as data. */
export function ethertype(c: Cursor, type: number, o: number): void {
  if (!c.deeper()) return;
  switch (type) {
    case 0x0800: ipv4(c, o); return;
    case 0x86dd: ipv6(c, o); return;
    case 0x8100: case 0x88a8: case 0x9100: case 0x9200: vlan(c, o); return;
    case 0x8926: vntag(c, o); return;
    case 0x8847: case 0x8848: mpls(c, o); return;
    case 0x8864: pppoe(c, o); return;
    case 0x6558: ethernet(c, o); return;
    case 0x880b: pppProtocol(c, o, null); return;
    default: data(c, o);
  }
}

// 802.1Q tag after its TPID: priority 3 | DEI 1 | VLAN id 12 | ethertype 2
function vlan(c: Cursor, o: number): void {
  const l = c.layer('vlan', o, o + 4);
  c.field(l, 'vlan.priority', o, 0, 3, c.bitsAt(o * 8, 3));
  c.flag(l, 'vlan.dei', o, 3, 'DEI');
  c.field(l, 'vlan.id', o, 4, 12, c.bitsAt(o * 8 + 4, 12));
  const type = c.be16(o + 2);
  c.field(l, 'vlan.etype', o + 2, 0, 16, hex(type, 4), { extra: meaning(type, ETHERTYPES) });
  if (!l.truncated) ethertype(c, type, o + 4);
}

// Cisco VN-Tag: tag 4 | ethertype 2
function vntag(c: Cursor, o: number): void {
  const l = c.layer('vntag', o, o + 6);
  c.field(l, 'vntag.tag', o, 0, 32, hex(c.be32(o), 8));
  const type = c.be16(o + 4);
  c.field(l, 'vntag.etype', o + 4, 0, 16, hex(type, 4), { extra: meaning(type, ETHERTYPES) });
  if (!l.truncated) ethertype(c, type, o + 6);
}

// MPLS label stack entries: label 20 | traffic class 3 | bottom of stack 1 | TTL 8. After the
// bottom label, the first nibble tells IPv4, IPv6 or a pseudowire control word and Ethernet.
function mpls(c: Cursor, o: number): void {
  for (;;) {
    const l = c.layer('mpls', o, o + 4);
    c.field(l, 'mpls.label', o, 0, 20, c.bitsAt(o * 8, 20));
    c.field(l, 'mpls.tc', o + 2, 4, 3, c.bitsAt(o * 8 + 20, 3));
    c.flag(l, 'mpls.bottom', o + 2, 7, 'S');
    c.field(l, 'mpls.ttl', o + 3, 0, 8, c.u8(o + 3));
    if (l.truncated) return;
    const bottom = c.u8(o + 2) & 1;
    o += 4;
    if (bottom || !c.deeper()) break;
  }
  if (o >= c.length) return;
  const nibble = c.u8(o) >> 4;
  if (nibble === 4) ipv4(c, o);
  else if (nibble === 6) ipv6(c, o);
  else if (nibble === 0 && o + 4 <= c.length) {
    const l = c.layer('mpls.cw', o, o + 4);
    c.field(l, 'mpls.cw', o, 0, 32, hex(c.be32(o), 8));
    ethernet(c, o + 4);
  } else data(c, o);
}

// PPPoE session: version 4 | type 4 | code 8 | session id 16 | length 16, then the PPP protocol 2
function pppoe(c: Cursor, o: number): void {
  const l = c.layer('pppoe', o, o + 6);
  c.field(l, 'pppoe.version', o, 0, 4, c.u8(o) >> 4);
  c.field(l, 'pppoe.type', o, 4, 4, c.u8(o) & 15);
  c.field(l, 'pppoe.code', o + 1, 0, 8, hex(c.u8(o + 1), 2));
  c.field(l, 'pppoe.session_id', o + 2, 0, 16, hex(c.be16(o + 2), 4));
  const plen = c.be16(o + 4);
  c.field(l, 'pppoe.payload_length', o + 4, 0, 16, plen);
  if (plen >= 2) c.limit = Math.min(c.limit, o + 6 + plen);
  if (!l.truncated) pppProtocol(c, o + 6, null);
}

const PPP_PROTOCOLS: Record<number, string> = { 0x0021: 'IPv4', 0x0057: 'IPv6', 0xc021: 'LCP', 0x8021: 'IPCP', 0x8057: 'IPv6CP', 0xc023: 'PAP', 0xc223: 'CHAP' };

// PPP in HDLC-like framing: address ff | control 03 (both optional), then a 1- or 2-byte protocol
function ppp(c: Cursor, o: number): void {
  const framed = c.u8(o) === 0xff && c.u8(o + 1) === 0x03;
  pppProtocol(c, framed ? o + 2 : o, framed ? o : null);
}

function pppProtocol(c: Cursor, o: number, framing: number | null): void {
  const start = framing ?? o;
  const short = (c.u8(o) & 1) === 1; // protocol field compression: an odd first byte ends it
  const plen = short ? 1 : 2;
  const l = c.layer('ppp', start, o + plen, false);
  if (framing !== null) {
    c.field(l, 'ppp.address', framing, 0, 8, hex(c.u8(framing), 2));
    c.field(l, 'ppp.control', framing + 1, 0, 8, hex(c.u8(framing + 1), 2));
  }
  const proto = short ? c.u8(o) : c.be16(o);
  c.field(l, 'ppp.protocol', o, 0, plen * 8, hex(proto, plen * 2), { extra: meaning(proto, PPP_PROTOCOLS) });
  if (l.truncated) return;
  if (proto === 0x21) ipv4(c, o + plen);
  else if (proto === 0x57) ipv6(c, o + plen);
  else data(c, o + plen);
}

const SLL_TYPES: Record<number, string> = { 0: 'to us', 1: 'broadcast', 2: 'multicast', 3: 'to another host', 4: 'sent by us' };

// Linux cooked v1: packet type 2 | ARPHRD 2 | address length 2 | address 8 | protocol 2
function sll(c: Cursor): void {
  const l = c.layer('sll', 0, 16, false);
  const pt = c.be16(0);
  c.field(l, 'sll.pkttype', 0, 0, 16, pt, { extra: meaning(pt, SLL_TYPES) });
  c.field(l, 'sll.hatype', 2, 0, 16, c.be16(2));
  const alen = c.be16(4);
  c.field(l, 'sll.halen', 4, 0, 16, alen);
  c.field(l, 'sll.src', 6, 0, 64, mac(c, 6, Math.min(8, alen)));
  const type = c.be16(14);
  c.field(l, 'sll.etype', 14, 0, 16, hex(type, 4), { extra: meaning(type, ETHERTYPES) });
  if (!l.truncated) ethertype(c, type, 16);
}

// Linux cooked v2: protocol 2 | reserved 2 | interface index 4 | ARPHRD 2 | packet type 1 | address length 1 | address 8
function sll2(c: Cursor): void {
  const l = c.layer('sll2', 0, 20);
  const type = c.be16(0);
  c.field(l, 'sll2.etype', 0, 0, 16, hex(type, 4), { extra: meaning(type, ETHERTYPES) });
  c.field(l, 'sll2.reserved', 2, 0, 16, hex(c.be16(2), 4));
  c.field(l, 'sll2.ifindex', 4, 0, 32, c.be32(4));
  c.field(l, 'sll2.hatype', 8, 0, 16, c.be16(8));
  const pt = c.u8(10);
  c.field(l, 'sll2.pkttype', 10, 0, 8, pt, { extra: meaning(pt, SLL_TYPES) });
  const alen = c.u8(11);
  c.field(l, 'sll2.halen', 11, 0, 8, alen);
  c.field(l, 'sll2.src', 12, 0, 64, mac(c, 12, Math.min(8, alen)));
  if (!l.truncated) ethertype(c, type, 20);
}

const FAMILIES: Record<number, string> = { 2: 'IPv4', 10: 'IPv6 (Linux)', 23: 'IPv6 (Windows)', 24: 'IPv6 (NetBSD, OpenBSD)', 28: 'IPv6 (FreeBSD)', 30: 'IPv6 (macOS)' };

// BSD loopback: the address family, 4 bytes, in the capturing host's order (NULL) or network order (LOOP)
function loopback(c: Cursor, networkOrder: boolean): void {
  const l = c.layer('null', 0, 4);
  let family = networkOrder ? c.be32(0) : c.le32(0);
  if (family > 0xffff) family = c.le32(0) === family ? c.be32(0) : c.le32(0); // written on a host of the other order
  c.field(l, 'null.family', 0, 0, 32, family, { extra: meaning(family, FAMILIES) });
  if (l.truncated) return;
  if (family === 2) ipv4(c, 4);
  else if (FAMILIES[family]) ipv6(c, 4);
  else data(c, 4);
}

function rawIp(c: Cursor, o: number): void {
  const v = c.u8(o) >> 4;
  if (v === 4) ipv4(c, o);
  else if (v === 6) ipv6(c, o);
  else data(c, o);
}

// FDDI: frame control 1 | dst 6 | src 6, then 802.2 LLC/SNAP
function fddi(c: Cursor): void {
  const l = c.layer('fddi', 0, 13, false);
  c.field(l, 'fddi.fc', 0, 0, 8, hex(c.u8(0), 2));
  c.field(l, 'fddi.dst', 1, 0, 48, mac(c, 1));
  c.field(l, 'fddi.src', 7, 0, 48, mac(c, 7));
  if (!l.truncated) llc(c, 13);
}

/** Whatever is left: bytes no header claims. */
export function data(c: Cursor, o: number, end = c.length): void {
  if (o >= end || c.quoted) return;
  const l = c.layer('data', o, end, false);
  l.fields.push({ id: 'data', bit: o * 8, bits: (end - o) * 8, value: String(end - o) });
}
