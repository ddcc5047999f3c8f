// Names people know for the numbers a capture carries.

/** LINKTYPE_* values (tcpdump.org link-layer header types). */
const LINK_TYPES: Record<number, string> = {
  0: 'NULL', 1: 'ETHERNET', 9: 'PPP', 10: 'FDDI', 12: 'RAW', 14: 'RAW', 50: 'PPP_HDLC', 101: 'RAW',
  105: 'IEEE802_11', 108: 'LOOP', 113: 'LINUX_SLL', 127: 'IEEE802_11_RADIOTAP', 228: 'IPV4', 229: 'IPV6',
  274: 'ETHERNET_MPACKET', 276: 'LINUX_SLL2',
};

export function linkTypeName(linkType: number): string {
  if (linkType === 0xffffffff) return 'NONE';
  if (linkType === 0xfffffffe) return 'PCAPNG_CUSTOM_BLOCK';
  return LINK_TYPES[linkType] ?? `LINKTYPE_${linkType}`;
}

const IP_PROTOCOLS: Record<number, string> = {
  1: 'icmp', 2: 'igmp', 6: 'tcp', 17: 'udp', 41: 'ipv6', 47: 'gre', 50: 'esp', 51: 'ah', 58: 'icmpv6',
  59: 'ipv6-nonxt', 89: 'ospf', 103: 'pim', 112: 'vrrp', 132: 'sctp',
};

export function protoName(proto: number): string {
  return IP_PROTOCOLS[proto] ?? `ip-${proto}`;
}

const ETHERTYPES: Record<number, string> = {
  0: '802.2 LLC', 0x0806: 'ARP', 0x8035: 'RARP', 0x809b: 'AppleTalk', 0x8137: 'IPX', 0x8847: 'MPLS',
  0x8863: 'PPPoE discovery', 0x888e: 'EAPOL', 0x88cc: 'LLDP', 0x88f7: 'PTP', 0x8899: 'Realtek', 0x9000: 'loopback',
  0x88e5: 'MACsec', 0x8809: 'slow protocols (LACP)', 0x88a2: 'ATA over Ethernet', 0x22f0: 'AVTP', 0x893a: 'IEEE 1905.1',
};

/** What an entry of the core's undecoded counts is (assembly/util/counts.ts Kind). */
export function countName(kind: number, value: number): string {
  const hex = (v: number, w = 4) => '0x' + v.toString(16).padStart(w, '0');
  switch (kind) {
    case 1: return `link type ${value} (${linkTypeName(value)})`;
    case 2: return `ethertype ${hex(value)}${ETHERTYPES[value] ? ` (${ETHERTYPES[value]})` : ''}`;
    case 3: return `IP protocol ${value} (${protoName(value)})`;
    case 4: return `PPP protocol ${hex(value)}`;
    case 5: return `loopback address family ${value}`;
    case 6: return `IP version ${value}`;
    case 7: return `IPv${value} fragments after the first`;
    default: return `kind ${kind} value ${value}`;
  }
}
