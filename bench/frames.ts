// Writes the simulated network's packets as Ethernet frames into a pcap or pcapng file, streamed
// out in slices. The project's capture writer builds blank Ethernet, IP and TCP or UDP headers once;
// each direction of a conversation copies them with its addresses and ports, and each packet copies
// those into its record in place and fills in what changes (lengths, IP id and checksum, sequence
// numbers, flags, window, options, payload).

import {
  EtherType, IpProto, LinkType, PcapWriter, PcapngWriter, TcpFlag, checksum, ethernet, ip, ipv4, ipv6, tcp, udp,
} from '../test/helpers/capture-writer.js';
import { Random } from './random.js';
import type { Conversation, Segment } from './network.js';

export type Format = 'pcap' | 'pcapng';

/** 2023-11-14 22:13:20 UTC, where every capture starts. */
const START_NS = 1_700_000_000n * 1_000_000_000n;
/** Bytes held before they are handed to the sink: big enough that a write costs nothing per packet. */
const FLUSH_AT = 4 << 20;
/** Payload bytes come from a pattern this long, chosen by stream offset: a retransmission repeats its bytes. */
const PATTERN = 1 << 16;
/** A headers-only capture's snaplen: room for every header this generator writes. */
const HEADERS_SNAPLEN = 128;

/** Per conversation: each direction's headers (from the client first), IPv4 checksums and id counters. */
interface Frames {
  headers: [Uint8Array, Uint8Array];
  /** The IPv4 header checksum with total length and id 0, updated per packet (RFC 1624). */
  checksum: [number, number];
  ipId: [number, number];
}

export class CaptureFile {
  packets = 0;
  /** Bytes on the wire, as the records' original lengths say. */
  wireBytes = 0;
  readonly #pcap: PcapWriter | null;
  readonly #pcapng: PcapngWriter | null;
  readonly #headersOnly: boolean;
  readonly #sink: (bytes: Uint8Array) => void;
  readonly #pattern: Uint8Array;
  #buf: Uint8Array = new Uint8Array(0);
  #view: DataView = new DataView(this.#buf.buffer);

  constructor(o: { format: Format; headersOnly: boolean; seed: number; sink: (bytes: Uint8Array) => void }) {
    this.#headersOnly = o.headersOnly;
    this.#sink = o.sink;
    const snaplen = o.headersOnly ? HEADERS_SNAPLEN : 65535;
    if (o.format === 'pcap') {
      this.#pcap = new PcapWriter({ snaplen, linkType: LinkType.ETHERNET, keepOffsets: false });
      this.#pcapng = null;
    } else {
      this.#pcap = null;
      this.#pcapng = new PcapngWriter({}, { keepOffsets: false });
      this.#pcapng.interface({ linkType: LinkType.ETHERNET, snaplen, name: 'bench0' });
    }
    const rng = new Random(o.seed ^ 0x5eed);
    // periodic, so that a segment starting anywhere reads its bytes straight from one place
    this.#pattern = new Uint8Array(PATTERN + 2048);
    for (let i = 0; i < PATTERN; i += 4) {
      const r = rng.u32();
      this.#pattern[i] = r; this.#pattern[i + 1] = r >>> 8; this.#pattern[i + 2] = r >>> 16; this.#pattern[i + 3] = r >>> 24;
    }
    this.#pattern.copyWithin(PATTERN, 0, 2048);
  }

  /** Bytes of the file so far. */
  get bytes(): number {
    const w = this.#pcap ?? this.#pcapng!;
    return this.#flushed + w.held;
  }

  #flushed = 0;

  write(seg: Segment, time: number): void {
    const conv = seg.conv;
    const f = (conv.frames ??= buildFrames(conv)) as Frames;
    const dir = seg.fromClient ? 0 : 1;
    const header = f.headers[dir];
    const ipLen = conv.v6 ? 40 : 20;
    const l4 = 14 + ipLen;
    let l4Len: number;
    if (conv.udp) {
      l4Len = 8;
    } else if (seg.synOptions) {
      l4Len = 20 + ((seg.synOptions.length + 3) & ~3);
    } else {
      l4Len = 20 + (seg.tsVal >= 0 ? 12 : 0) + (seg.sack ? 4 + 4 * seg.sack.length : 0);
    }
    const frameLen = l4 + l4Len + seg.len;
    const capLen = this.#headersOnly ? l4 + l4Len : frameLen;
    const t = START_NS + BigInt(time) * 1000n;
    const at = this.#pcap ? this.#pcap.record(t, capLen, frameLen) : this.#pcapng!.record(0, t, capLen, frameLen);
    const buf = (this.#pcap ?? this.#pcapng!).buffer;
    if (buf !== this.#buf) {
      this.#buf = buf;
      this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const v = this.#view;
    buf.set(header, at);
    const ipAt = at + 14;
    if (conv.v6) {
      v.setUint16(ipAt + 4, l4Len + seg.len);
    } else {
      const total = ipLen + l4Len + seg.len, id = f.ipId[dir];
      v.setUint16(ipAt + 2, total);
      v.setUint16(ipAt + 4, id);
      f.ipId[dir] = (id + 1) & 0xffff;
      let sum = (~f.checksum[dir] & 0xffff) + total + id;
      sum = (sum & 0xffff) + (sum >>> 16);
      v.setUint16(ipAt + 10, ~((sum & 0xffff) + (sum >>> 16)) & 0xffff);
    }
    const p = at + l4;
    const from = seg.seq % PATTERN;
    if (conv.udp) {
      v.setUint16(p + 4, 8 + seg.len);
      v.setUint16(p + 6, this.#udpChecksum(buf, ipAt, p, this.#pattern.subarray(from, from + seg.len)));
    } else {
      this.#tcp(seg, v, buf, p, l4Len);
    }
    if (!this.#headersOnly && seg.len > 0) buf.set(this.#pattern.subarray(from, from + seg.len), p + l4Len);
    this.packets++;
    this.wireBytes += frameLen;
    if (!conv.seen) conv.seen = true;
    const w = this.#pcap ?? this.#pcapng!;
    if (w.held >= FLUSH_AT) this.flush();
  }

  // RFC 9293 header: the options are NOP NOP timestamps (RFC 7323 appendix A's layout), then NOP NOP
  // SACK, or a SYN's options as its stack wrote them.
  #tcp(seg: Segment, v: DataView, buf: Uint8Array, p: number, len: number): void {
    const conv = seg.conv;
    const [mine, theirs] = seg.fromClient ? [conv.clientIsn, conv.serverIsn] : [conv.serverIsn, conv.clientIsn];
    v.setUint32(p + 4, (mine + seg.seq) >>> 0);
    v.setUint32(p + 8, seg.flags & TcpFlag.ACK ? (theirs + seg.ack) >>> 0 : 0);
    v.setUint16(p + 12, ((len >> 2) << 12) | seg.flags);
    v.setUint16(p + 14, seg.window);
    let o = p + 20;
    if (seg.synOptions) {
      buf.set(seg.synOptions, o);
      buf.fill(0, o + seg.synOptions.length, p + len);
      return;
    }
    if (seg.tsVal >= 0) {
      v.setUint32(o, 0x0101080a);
      v.setUint32(o + 4, seg.tsVal);
      v.setUint32(o + 8, seg.tsEcr);
      o += 12;
    }
    const sack = seg.sack;
    if (sack) {
      v.setUint16(o, 0x0101);
      buf[o + 2] = 5;
      buf[o + 3] = 2 + 4 * sack.length;
      o += 4;
      for (let i = 0; i < sack.length; i++, o += 4) v.setUint32(o, (theirs + sack[i]) >>> 0);
    }
  }

  // UDP's checksum covers a pseudo-header of the IP addresses, the protocol and the UDP length (RFC 768,
  // RFC 8200 §8.1); IPv6 forbids leaving it 0. TCP's is left 0, as the capture writer leaves it.
  #udpChecksum(buf: Uint8Array, ipAt: number, udpAt: number, payload: Uint8Array): number {
    const v6 = buf[ipAt] >> 4 === 6;
    const addrs = v6 ? buf.subarray(ipAt + 8, ipAt + 40) : buf.subarray(ipAt + 12, ipAt + 20);
    const length = 8 + payload.length;
    const s = this.#scratch;
    s.set(addrs, 0);
    let at = addrs.length;
    s[at] = 0; s[at + 1] = IpProto.UDP; s[at + 2] = length >> 8; s[at + 3] = length & 0xff;
    at += 4;
    s.set(buf.subarray(udpAt, udpAt + 6), at);
    s[at + 6] = s[at + 7] = 0;
    s.set(payload, at + 8);
    return checksum(s.subarray(0, at + length)) || 0xffff;
  }

  readonly #scratch = new Uint8Array(2048);

  /** Hands everything written so far to the sink. */
  flush(): void {
    const w = this.#pcap ?? this.#pcapng!;
    this.#flushed += w.held;
    w.flush(this.#sink);
  }
}

// Blank headers by kind (IPv4 or IPv6, TCP or UDP): zero addresses and ports, lengths and id 0.
const blanks = new Map<string, Uint8Array>();

function blank(v6: boolean, isUdp: boolean): Uint8Array {
  const key = `${v6}${isUdp}`;
  let b = blanks.get(key);
  if (!b) {
    const l4 = isUdp ? udp({ sport: 0, dport: 0, length: 0 }) : tcp({ sport: 0, dport: 0, flags: 0 });
    const proto = isUdp ? IpProto.UDP : IpProto.TCP;
    const packet = v6
      ? ipv6({ src: '::', dst: '::', next: proto, payloadLength: 0 }, l4)
      : ipv4({ src: '0.0.0.0', dst: '0.0.0.0', proto, id: 0, totalLength: 0, dontFragment: !isUdp }, l4);
    b = ethernet(v6 ? EtherType.IPV6 : EtherType.IPV4, packet, { src: '00:00:00:00:00:00', dst: '00:00:00:00:00:00' });
    blanks.set(key, b);
  }
  return b;
}

// Hosts recur across conversations: their address bytes are parsed once.
const addresses = new Map<string, Uint8Array>();

function address(text: string): Uint8Array {
  let a = addresses.get(text);
  if (!a) addresses.set(text, (a = ip(text)));
  return a;
}

function buildFrames(conv: Conversation): Frames {
  const ipAt = 14, l4At = conv.v6 ? 54 : 34;
  const direction = (from: { ip: string; port: number }, to: { ip: string; port: number }, ttl: number) => {
    const h = blank(conv.v6, conv.udp).slice();
    const v = new DataView(h.buffer);
    const src = address(from.ip), dst = address(to.ip);
    h.set(mac(dst), 0);
    h.set(mac(src), 6);
    if (conv.v6) {
      h[ipAt + 7] = ttl;
      h.set(src, ipAt + 8);
      h.set(dst, ipAt + 24);
    } else {
      h[ipAt + 8] = ttl;
      h.set(src, ipAt + 12);
      h.set(dst, ipAt + 16);
      v.setUint16(ipAt + 10, 0);
      v.setUint16(ipAt + 10, checksum(h.subarray(ipAt, ipAt + 20)));
    }
    v.setUint16(l4At, from.port);
    v.setUint16(l4At + 2, to.port);
    return h;
  };
  // the capture point is on the clients' side: the servers' packets have come a few hops
  const c = conv.client, s = conv.server;
  const server = address(s.ip);
  const headers: [Uint8Array, Uint8Array] = [direction(c, s, 64), direction(s, c, 64 - (server[server.length - 1] % 20))];
  const sum = (h: Uint8Array) => (conv.v6 ? 0 : (h[ipAt + 10] << 8) | h[ipAt + 11]);
  return {
    headers,
    checksum: [sum(headers[0]), sum(headers[1])],
    ipId: [address(c.ip)[3] << 8, server[3] << 8],
  };
}

/** A locally administered MAC address made from an IP address's last four bytes. */
function mac(a: Uint8Array): Uint8Array {
  const m = new Uint8Array(6);
  m[0] = 0x02;
  m.set(a.subarray(a.length - 4), 2);
  return m;
}
