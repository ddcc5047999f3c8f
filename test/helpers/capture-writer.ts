// Writes pcap and pcapng captures and the packets inside them, for the tests and the benchmark
// generator. A file is built in one growing buffer; a packet is built header by header around its
// payload, outermost last: ethernet(EtherType.IPV4, ipv4({...}, tcp({...}, data))).
// A big file is streamed instead: record() reserves a record for the caller to fill in place, and
// flush() hands what was written to a sink and reuses the buffer.
//
// Formats: pcap (draft-ietf-opsawg-pcap), pcapng (draft-ietf-opsawg-pcapng). Times are bigint
// nanoseconds since the epoch; a time the file cannot hold exactly is an error, so that a test can
// expect exactly the time it wrote. Checksums other than IPv4's header checksum are left 0.

import { gzipSync } from 'node:zlib';

/** LINKTYPE_* values (tcpdump.org link-layer header types). */
export const LinkType = {
  NULL: 0, ETHERNET: 1, PPP: 9, RAW: 101, LOOP: 108, LINUX_SLL: 113, IPV4: 228, IPV6: 229, LINUX_SLL2: 276,
} as const;

export const EtherType = {
  IPV4: 0x0800, ARP: 0x0806, VLAN: 0x8100, QINQ: 0x88a8, IPV6: 0x86dd, MPLS: 0x8847, PPPOE_SESSION: 0x8864,
} as const;

export const IpProto = {
  HOPOPTS: 0, ICMP: 1, TCP: 6, UDP: 17, ROUTING: 43, FRAGMENT: 44, AH: 51, ICMPV6: 58, NONE: 59, DSTOPTS: 60,
} as const;

export const PppProto = { IPV4: 0x0021, IPV6: 0x0057 } as const;

/** BSD address families as NULL/LOOP headers carry them; AF_INET6 differs by OS. */
export const AddressFamily = { INET: 2, INET6_LINUX: 10, INET6_BSD: 24, INET6_FREEBSD: 28, INET6_DARWIN: 30 } as const;

export const TcpFlag = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128 } as const;

const NS_PER_S = 1_000_000_000n;

// ---------------------------------------------------------------------------------------------
// Bytes

/** Appends numbers in one byte order (switchable, as pcapng sections switch it) to a growing buffer. */
export class ByteWriter {
  #buf: Uint8Array;
  #view: DataView;
  /** Bytes held (written since the last flush). */
  length = 0;
  /** Bytes handed out by flush() so far. */
  flushed = 0;
  littleEndian: boolean;

  constructor(littleEndian = true, capacity = 1 << 16) {
    this.littleEndian = littleEndian;
    this.#buf = new Uint8Array(capacity);
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Offset of the next byte in the whole output, flushed bytes included. */
  get position(): number { return this.flushed + this.length; }

  /** The buffer the held bytes are in; replaced when it grows, so take it after reserve(). */
  get buffer(): Uint8Array { return this.#buf; }

  /** Makes room for `n` bytes, counts them as written, and returns their offset in `buffer`. */
  reserve(n: number): number { return this.#room(n); }

  /** Hands the held bytes to `sink` (a view, valid during the call only) and starts over in the same buffer. */
  flush(sink: (bytes: Uint8Array) => void): void {
    sink(this.#buf.subarray(0, this.length));
    this.flushed += this.length;
    this.length = 0;
  }

  #room(n: number): number {
    const at = this.length;
    if (at + n > this.#buf.length) {
      let cap = this.#buf.length * 2;
      while (cap < at + n) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.#buf.subarray(0, at));
      this.#buf = next;
      this.#view = new DataView(next.buffer);
    }
    this.length = at + n;
    return at;
  }

  // #room() may replace the buffer: take the offset first, then the buffer.
  u8(v: number): this { const at = this.#room(1); this.#buf[at] = v; return this; }
  u16(v: number): this { const at = this.#room(2); this.#view.setUint16(at, v, this.littleEndian); return this; }
  u32(v: number): this { const at = this.#room(4); this.#view.setUint32(at, v >>> 0, this.littleEndian); return this; }
  u64(v: bigint): this { const at = this.#room(8); this.#view.setBigUint64(at, BigInt.asUintN(64, v), this.littleEndian); return this; }
  bytes(b: Uint8Array): this { const at = this.#room(b.length); this.#buf.set(b, at); return this; }
  zeros(n: number): this { const at = this.#room(n); this.#buf.fill(0, at, at + n); return this; }
  pad4(): this { return this.zeros((4 - (this.position & 3)) & 3); }
  setU32(at: number, v: number): this { this.#view.setUint32(at, v >>> 0, this.littleEndian); return this; }

  /** A copy of what was written (since the last flush). */
  finish(): Uint8Array { return this.#buf.slice(0, this.length); }
}

/** `n` bytes of a recognisable pattern, for payloads. */
export function payload(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (seed + i) & 0xff;
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes));
}

// ---------------------------------------------------------------------------------------------
// pcap

export interface PcapOptions {
  littleEndian?: boolean;
  nanoseconds?: boolean;
  /** Records are cut to this many bytes, as a capture with this snaplen would be. */
  snaplen?: number;
  linkType?: number;
  /** Before 2.3 a record holds the wire length before the captured length (libpcap sf-pcap.c). */
  version?: { major: number; minor: number };
  /** Keep each record's file offset in `offsets` (the default); a streamed file of millions may not. */
  keepOffsets?: boolean;
}

export interface RecordOptions {
  /** Length on the wire; the data's length unless given. */
  wireLen?: number;
  /** Bytes written; the data's length cut to the snaplen unless given. */
  capLen?: number;
}

export class PcapWriter {
  /** File offset of each record, in order. */
  readonly offsets: number[] = [];
  readonly #w: ByteWriter;
  readonly #nano: boolean;
  readonly #snaplen: number;
  readonly #lengthsSwapped: boolean;
  readonly #keepOffsets: boolean;

  constructor(o: PcapOptions = {}) {
    const { major, minor } = o.version ?? { major: 2, minor: 4 };
    this.#w = new ByteWriter(o.littleEndian ?? true);
    this.#keepOffsets = o.keepOffsets ?? true;
    this.#nano = o.nanoseconds ?? false;
    this.#snaplen = o.snaplen ?? 262144;
    this.#lengthsSwapped = major === 2 && minor < 3;
    this.#w.u32(this.#nano ? 0xa1b23c4d : 0xa1b2c3d4).u16(major).u16(minor).u32(0).u32(0)
      .u32(this.#snaplen).u32(o.linkType ?? LinkType.ETHERNET);
  }

  packet(time: bigint, data: Uint8Array, o: RecordOptions = {}): this {
    const capLen = o.capLen ?? Math.min(data.length, this.#snaplen);
    this.#header(time, capLen, o.wireLen ?? data.length);
    this.#w.bytes(data.subarray(0, capLen)).zeros(Math.max(0, capLen - data.length));
    return this;
  }

  /**
   * Writes a record's header and reserves its `capLen` bytes of data, for the caller to fill, all of
   * them, in `buffer` at the offset returned (valid until the next write or flush).
   */
  record(time: bigint, capLen: number, wireLen: number): number {
    this.#header(time, capLen, wireLen);
    return this.#w.reserve(capLen);
  }

  // seconds 4 | microseconds or nanoseconds 4 | captured length 4 | wire length 4
  #header(time: bigint, capLen: number, wireLen: number): void {
    const w = this.#w;
    const unit = this.#nano ? 1n : 1000n;
    if (time < 0n || time % unit !== 0n) throw new Error(`pcap cannot hold time ${time} ns exactly`);
    if (this.#keepOffsets) this.offsets.push(w.position);
    w.u32(Number(time / NS_PER_S)).u32(Number((time % NS_PER_S) / unit));
    if (this.#lengthsSwapped) w.u32(wireLen).u32(capLen); else w.u32(capLen).u32(wireLen);
  }

  /** What was written, or since the last flush() when streaming. */
  bytes(): Uint8Array { return this.#w.finish(); }

  /** See ByteWriter: the buffer record() reserves in, the bytes it holds, and handing them out. */
  get buffer(): Uint8Array { return this.#w.buffer; }
  get held(): number { return this.#w.length; }
  flush(sink: (bytes: Uint8Array) => void): void { this.#w.flush(sink); }
}

// ---------------------------------------------------------------------------------------------
// pcapng

export const BlockType = {
  SHB: 0x0a0d0d0a, IDB: 1, OPB: 2, SPB: 3, NRB: 4, ISB: 5, EPB: 6, DSB: 0x0a, CUSTOM: 0x0bad, CUSTOM_NOCOPY: 0x40000bad,
} as const;

export interface PcapngOption { code: number; value: Uint8Array | string }

export interface SectionOptions { littleEndian?: boolean; options?: PcapngOption[] }

export interface InterfaceOptions {
  linkType: number;
  snaplen?: number;
  /** if_tsresol as written: 6 for microseconds, 9 for nanoseconds, 0x80 | n for 2^-n seconds. */
  tsresol?: number;
  /** if_tsoffset: seconds added to every timestamp of the interface. */
  tsoffset?: bigint;
  name?: string;
}

export interface PacketBlockOptions extends RecordOptions {
  /** The raw timestamp in the interface's units, instead of converting `time`. */
  ticks?: bigint;
  options?: PcapngOption[];
}

export class PcapngWriter {
  /** File offset of each packet block, in order. */
  readonly offsets: number[] = [];
  readonly #w = new ByteWriter();
  readonly #keepOffsets: boolean;
  #ifs: InterfaceOptions[] = [];

  /** `keepOffsets`: as PcapOptions.keepOffsets. */
  constructor(section?: SectionOptions, o: { keepOffsets?: boolean } = {}) {
    this.#keepOffsets = o.keepOffsets ?? true;
    if (section) this.section(section);
  }

  /** Starts a section: its byte order holds until the next one, and its interfaces start from 0. */
  section(o: SectionOptions = {}): this {
    this.#w.littleEndian = o.littleEndian ?? true;
    this.#ifs = [];
    // byte-order magic 4 | major 2 | minor 2 | section length 8 (-1: not given)
    return this.#block(BlockType.SHB, (w) => w.u32(0x1a2b3c4d).u16(1).u16(0).u64(-1n), o.options);
  }

  /** Declares an interface of the current section; returns its id. */
  interface(o: InterfaceOptions): number {
    const options: PcapngOption[] = [];
    if (o.name !== undefined) options.push({ code: 2, value: o.name });
    if (o.tsresol !== undefined) options.push({ code: 9, value: Uint8Array.of(o.tsresol) });
    if (o.tsoffset !== undefined) options.push({ code: 14, value: this.#u64(o.tsoffset) });
    // link type 2 | reserved 2 | snaplen 4
    this.#block(BlockType.IDB, (w) => w.u16(o.linkType).u16(0).u32(o.snaplen ?? 0), options);
    this.#ifs.push(o);
    return this.#ifs.length - 1;
  }

  /** Enhanced packet block. A packet naming an interface the section lacks is written as asked. */
  packet(ifId: number, time: bigint, data: Uint8Array, o: PacketBlockOptions = {}): this {
    const ts = o.ticks ?? this.#ticks(ifId, time);
    const capLen = o.capLen ?? data.length;
    if (this.#keepOffsets) this.offsets.push(this.#w.position);
    // interface 4 | timestamp high 4 | low 4 | captured length 4 | original length 4 | data
    return this.#block(BlockType.EPB, (w) => w.u32(ifId).u32(Number(ts >> 32n)).u32(Number(ts & 0xffffffffn))
      .u32(capLen).u32(o.wireLen ?? data.length).bytes(data.subarray(0, capLen)).pad4(), o.options);
  }

  /**
   * An enhanced packet block without options whose `capLen` bytes of data the caller fills, all of
   * them, in `buffer` at the offset returned (valid until the next write or flush).
   */
  record(ifId: number, time: bigint, capLen: number, wireLen: number): number {
    const w = this.#w;
    const ts = this.#ticks(ifId, time);
    const total = 32 + ((capLen + 3) & ~3);
    if (this.#keepOffsets) this.offsets.push(w.position);
    w.u32(BlockType.EPB).u32(total).u32(ifId).u32(Number(ts >> 32n)).u32(Number(ts & 0xffffffffn)).u32(capLen).u32(wireLen);
    const at = w.reserve(capLen);
    w.pad4().u32(total);
    return at;
  }

  /** Simple packet block: interface 0, no timestamp; the data is cut to that interface's snaplen. */
  simplePacket(data: Uint8Array, o: { wireLen?: number } = {}): this {
    const snap = this.#ifs[0]?.snaplen || Infinity;
    if (this.#keepOffsets) this.offsets.push(this.#w.position);
    return this.#block(BlockType.SPB, (w) => w.u32(o.wireLen ?? data.length).bytes(data.subarray(0, snap)).pad4());
  }

  /** Obsolete packet block (pcapng before 1.0): a 2-byte interface id and a drop count. */
  obsoletePacket(ifId: number, time: bigint, data: Uint8Array, o: RecordOptions & { drops?: number } = {}): this {
    const ts = this.#ticks(ifId, time);
    const capLen = o.capLen ?? data.length;
    if (this.#keepOffsets) this.offsets.push(this.#w.position);
    return this.#block(BlockType.OPB, (w) => w.u16(ifId).u16(o.drops ?? 0).u32(Number(ts >> 32n))
      .u32(Number(ts & 0xffffffffn)).u32(capLen).u32(o.wireLen ?? data.length).bytes(data.subarray(0, capLen)).pad4());
  }

  /** Name resolution block with IPv4 and IPv6 records. */
  nameResolution(entries: { ip: string; names: string[] }[]): this {
    return this.#block(BlockType.NRB, (w) => {
      for (const e of entries) {
        const addr = ip(e.ip);
        const names = new TextEncoder().encode(e.names.map((n) => n + '\0').join(''));
        w.u16(addr.length === 4 ? 1 : 2).u16(addr.length + names.length).bytes(addr).bytes(names).pad4();
      }
      w.u16(0).u16(0);
    });
  }

  /** Interface statistics block (isb_ifrecv, isb_ifdrop). */
  interfaceStatistics(ifId: number, time: bigint, counts: { received: bigint; dropped: bigint }): this {
    const ts = this.#ticks(ifId, time);
    return this.#block(BlockType.ISB, (w) => w.u32(ifId).u32(Number(ts >> 32n)).u32(Number(ts & 0xffffffffn)),
      [{ code: 4, value: this.#u64(counts.received) }, { code: 5, value: this.#u64(counts.dropped) }]);
  }

  /** Decryption secrets block; 0x544c534b is a TLS key log. */
  decryptionSecrets(secretsType: number, secrets: Uint8Array): this {
    return this.#block(BlockType.DSB, (w) => w.u32(secretsType).u32(secrets.length).bytes(secrets).pad4());
  }

  /** Custom block of a private enterprise number. */
  custom(pen: number, data: Uint8Array, copyable = true): this {
    return this.#block(copyable ? BlockType.CUSTOM : BlockType.CUSTOM_NOCOPY, (w) => w.u32(pen).bytes(data).pad4());
  }

  /** Any block: type and body as given. */
  block(type: number, body: Uint8Array): this {
    return this.#block(type, (w) => w.bytes(body).pad4());
  }

  /** What was written, or since the last flush() when streaming. */
  bytes(): Uint8Array { return this.#w.finish(); }

  /** See ByteWriter: the buffer record() reserves in, the bytes it holds, and handing them out. */
  get buffer(): Uint8Array { return this.#w.buffer; }
  get held(): number { return this.#w.length; }
  flush(sink: (bytes: Uint8Array) => void): void { this.#w.flush(sink); }

  // type 4 | total length 4 | body | options | total length 4
  #block(type: number, body: (w: ByteWriter) => void, options: PcapngOption[] = []): this {
    const w = this.#w;
    const start = w.length;
    w.u32(type).u32(0);
    body(w);
    if (options.length) {
      for (const o of options) {
        const v = typeof o.value === 'string' ? new TextEncoder().encode(o.value) : o.value;
        w.u16(o.code).u16(v.length).bytes(v).pad4();
      }
      w.u16(0).u16(0); // opt_endofopt
    }
    const total = w.length - start + 4;
    w.u32(total).setU32(start + 4, total);
    return this;
  }

  #u64(v: bigint): Uint8Array {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), this.#w.littleEndian);
    return b;
  }

  #ticks(ifId: number, time: bigint): bigint {
    const iface = this.#ifs[ifId] ?? { linkType: 0 };
    const resol = iface.tsresol ?? 6;
    const perSecond = resol & 0x80 ? 1n << BigInt(resol & 0x7f) : 10n ** BigInt(resol);
    const scaled = (time - (iface.tsoffset ?? 0n) * NS_PER_S) * perSecond;
    if (scaled < 0n || scaled % NS_PER_S !== 0n) throw new Error(`if_tsresol ${resol} cannot hold time ${time} ns exactly`);
    return scaled / NS_PER_S;
  }
}

// ---------------------------------------------------------------------------------------------
// Addresses

/** An IPv4 address (dotted quad) or IPv6 address (RFC 4291 text, with at most one "::") as bytes. */
export function ip(text: string): Uint8Array {
  if (!text.includes(':')) {
    const parts = text.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new Error(`bad IPv4 address ${text}`);
    return Uint8Array.from(parts);
  }
  const [head, tail] = text.split('::');
  const words = (s: string | undefined) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const h = words(head), t = words(tail);
  const all = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  if (all.length !== 8 || all.some((w) => !(w >= 0 && w <= 0xffff))) throw new Error(`bad IPv6 address ${text}`);
  const out = new Uint8Array(16);
  all.forEach((w, i) => { out[2 * i] = w >> 8; out[2 * i + 1] = w & 0xff; });
  return out;
}

function mac(text: string): Uint8Array {
  return Uint8Array.from(text.split(':').map((b) => parseInt(b, 16)));
}

// A header of `size` bytes in front of `body`; `fill` writes the header through a big-endian view.
function wrap(size: number, body: Uint8Array, fill: (v: DataView, out: Uint8Array) => void): Uint8Array {
  const out = new Uint8Array(size + body.length);
  out.set(body, size);
  fill(new DataView(out.buffer), out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Link layers

export interface VlanTag { tpid?: number; vid: number; pcp?: number }

export interface EthernetOptions {
  dst?: string;
  src?: string;
  /** Outermost first; 802.1Q (0x8100) unless `tpid` says otherwise. */
  tags?: VlanTag[];
  /** Pad the frame to Ethernet's 60-byte minimum, as a NIC does. */
  pad?: boolean;
}

// dst 6 | src 6 | [tpid 2 | TCI 2]... | ethertype 2
export function ethernet(type: number, body: Uint8Array, o: EthernetOptions = {}): Uint8Array {
  const tags = o.tags ?? [];
  const size = 14 + 4 * tags.length;
  const frame = wrap(size, body, (v, out) => {
    out.set(mac(o.dst ?? '02:00:00:00:00:02'), 0);
    out.set(mac(o.src ?? '02:00:00:00:00:01'), 6);
    tags.forEach((t, i) => {
      v.setUint16(12 + 4 * i, t.tpid ?? EtherType.VLAN);
      v.setUint16(14 + 4 * i, ((t.pcp ?? 0) << 13) | t.vid);
    });
    v.setUint16(size - 2, type);
  });
  return o.pad && frame.length < 60 ? concat(frame, new Uint8Array(60 - frame.length)) : frame;
}

/** A bare 802.1Q tag (TCI 2 | ethertype 2) in front of `body`, as a cooked capture keeps it. */
export function vlanTag(tag: VlanTag, type: number, body: Uint8Array): Uint8Array {
  return wrap(4, body, (v) => { v.setUint16(0, ((tag.pcp ?? 0) << 13) | tag.vid); v.setUint16(2, type); });
}

/** An MPLS label stack, outermost first; bottom of stack is set on the last. */
export function mpls(labels: number[], body: Uint8Array, ttl = 64): Uint8Array {
  return wrap(4 * labels.length, body, (v) => {
    labels.forEach((label, i) => v.setUint32(4 * i, (label << 12) | ((i === labels.length - 1 ? 1 : 0) << 8) | ttl));
  });
}

// PPPoE session (RFC 2516): ver/type 1 | code 1 | session 2 | length 2, then the PPP protocol 2
export function pppoe(session: number, protocol: number, body: Uint8Array): Uint8Array {
  return wrap(8, body, (v) => {
    v.setUint8(0, 0x11);
    v.setUint16(2, session);
    v.setUint16(4, body.length + 2);
    v.setUint16(6, protocol);
  });
}

/** PPP (LINKTYPE_PPP): address/control ff 03 unless left out; protocol-field compression for odd protocols. */
export function ppp(protocol: number, body: Uint8Array, o: { addressControl?: boolean; compressProtocol?: boolean } = {}): Uint8Array {
  const ac = o.addressControl ?? true;
  const short = (o.compressProtocol ?? false) && protocol < 0x100 && (protocol & 1) === 1;
  return wrap((ac ? 2 : 0) + (short ? 1 : 2), body, (v) => {
    if (ac) v.setUint16(0, 0xff03);
    if (short) v.setUint8(ac ? 2 : 0, protocol); else v.setUint16(ac ? 2 : 0, protocol);
  });
}

// Linux cooked v1: packet type 2 | ARPHRD 2 | address length 2 | address 8 | protocol 2
export function sll(protocol: number, body: Uint8Array, o: { packetType?: number; address?: string } = {}): Uint8Array {
  return wrap(16, body, (v, out) => {
    v.setUint16(0, o.packetType ?? 0);
    v.setUint16(2, 1); // ARPHRD_ETHER
    v.setUint16(4, 6);
    out.set(mac(o.address ?? '02:00:00:00:00:01'), 6);
    v.setUint16(14, protocol);
  });
}

// Linux cooked v2: protocol 2 | reserved 2 | interface index 4 | ARPHRD 2 | packet type 1 | address length 1 | address 8
export function sll2(protocol: number, body: Uint8Array, o: { packetType?: number; ifindex?: number; address?: string } = {}): Uint8Array {
  return wrap(20, body, (v, out) => {
    v.setUint16(0, protocol);
    v.setUint32(4, o.ifindex ?? 2);
    v.setUint16(8, 1);
    v.setUint8(10, o.packetType ?? 0);
    v.setUint8(11, 6);
    out.set(mac(o.address ?? '02:00:00:00:00:01'), 12);
  });
}

/** BSD NULL (LINKTYPE_NULL): the address family in the capturing host's byte order. */
export function bsdNull(family: number, body: Uint8Array, littleEndianHost = true): Uint8Array {
  return wrap(4, body, (v) => v.setUint32(0, family, littleEndianHost));
}

/** BSD LOOP (LINKTYPE_LOOP): the address family in network byte order. */
export function bsdLoop(family: number, body: Uint8Array): Uint8Array {
  return wrap(4, body, (v) => v.setUint32(0, family));
}

// ---------------------------------------------------------------------------------------------
// IP

export interface Ipv4Options {
  src: string;
  dst: string;
  proto: number;
  ttl?: number;
  id?: number;
  /** Options, padded to a multiple of 4 with end-of-list. */
  options?: Uint8Array;
  /** Fragment offset in bytes (a multiple of 8). */
  fragmentOffset?: number;
  moreFragments?: boolean;
  dontFragment?: boolean;
  /** The total length field, when it should lie. */
  totalLength?: number;
}

// RFC 791: ver/ihl 1 | tos 1 | total length 2 | id 2 | flags/fragment offset 2 | ttl 1 | protocol 1 |
// checksum 2 | src 4 | dst 4 | options
export function ipv4(o: Ipv4Options, body: Uint8Array): Uint8Array {
  const opts = o.options ?? new Uint8Array(0);
  const ihl = 20 + ((opts.length + 3) & ~3);
  return wrap(ihl, body, (v, out) => {
    v.setUint8(0, 0x40 | (ihl >> 2));
    v.setUint16(2, o.totalLength ?? ihl + body.length);
    v.setUint16(4, o.id ?? 1);
    const offset = o.fragmentOffset ?? 0;
    if (offset % 8) throw new Error('IPv4 fragment offsets are multiples of 8');
    v.setUint16(6, (o.dontFragment ? 0x4000 : 0) | (o.moreFragments ? 0x2000 : 0) | (offset >> 3));
    v.setUint8(8, o.ttl ?? 64);
    v.setUint8(9, o.proto);
    out.set(ip(o.src), 12);
    out.set(ip(o.dst), 16);
    out.set(opts, 20);
    v.setUint16(10, checksum(out.subarray(0, ihl)));
  });
}

/** The Internet checksum (RFC 1071). */
export function checksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (b.length & 1) sum += b[b.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** IPv4 options: record route with room for `slots` addresses (RFC 791 §3.1). */
export function recordRoute(slots: number): Uint8Array {
  const out = new Uint8Array(3 + 4 * slots);
  out[0] = 7; out[1] = out.length; out[2] = 4;
  return out;
}

export type Ipv6Extension =
  /** Hop-by-hop (0), routing (43) or destination options (60); `length` in bytes, a multiple of 8. */
  | { type: 0 | 43 | 60; length?: number }
  /** Fragment header; `offset` in bytes, a multiple of 8. */
  | { type: 44; offset?: number; more?: boolean; id?: number }
  /** Authentication header; `length` in bytes, a multiple of 8 and at least 16. */
  | { type: 51; length?: number };

export interface Ipv6Options {
  src: string;
  dst: string;
  /** The protocol after the last extension header. */
  next: number;
  hopLimit?: number;
  extensions?: Ipv6Extension[];
  /** The payload length field, when it should lie. */
  payloadLength?: number;
}

// RFC 8200: ver/class/flow 4 | payload length 2 | next header 1 | hop limit 1 | src 16 | dst 16
export function ipv6(o: Ipv6Options, body: Uint8Array): Uint8Array {
  const exts = o.extensions ?? [];
  let inner = body;
  for (let i = exts.length - 1; i >= 0; i--) inner = extension(exts[i], i + 1 < exts.length ? exts[i + 1].type : o.next, inner);
  return wrap(40, inner, (v, out) => {
    v.setUint32(0, 0x60000000);
    v.setUint16(4, o.payloadLength ?? inner.length);
    v.setUint8(6, exts.length ? exts[0].type : o.next);
    v.setUint8(7, o.hopLimit ?? 64);
    out.set(ip(o.src), 8);
    out.set(ip(o.dst), 24);
  });
}

function extension(e: Ipv6Extension, next: number, body: Uint8Array): Uint8Array {
  switch (e.type) {
    case 44: // next 1 | reserved 1 | offset 13 bits, M 1 bit | id 4
      return wrap(8, body, (v) => {
        v.setUint8(0, next);
        v.setUint16(2, (e.offset ?? 0) | (e.more ? 1 : 0));
        v.setUint32(4, e.id ?? 1);
      });
    case 51: { // next 1 | length in 4-byte units less 2 | reserved 2 | SPI 4 | sequence 4 | ICV
      const n = e.length ?? 24;
      return wrap(n, body, (v) => {
        v.setUint8(0, next);
        v.setUint8(1, n / 4 - 2);
        v.setUint32(4, 0x100);
        v.setUint32(8, 1);
      });
    }
    default: { // next 1 | length in 8-byte units less 1 | options or routing data
      const n = e.length ?? 8;
      return wrap(n, body, (v) => {
        v.setUint8(0, next);
        v.setUint8(1, n / 8 - 1);
        // hop-by-hop and destination options: one PadN covering the rest; routing: type 0, 0 segments left
        if (e.type !== 43) { v.setUint8(2, 1); v.setUint8(3, n - 4); }
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Transport

export interface TcpOptions {
  sport: number;
  dport: number;
  seq?: number;
  ack?: number;
  /** TcpFlag bits. */
  flags: number;
  window?: number;
  urgent?: number;
  /** Encoded options (tcpOption.*), padded with end-of-list to a multiple of 4. */
  options?: Uint8Array[];
  /** The data offset field in bytes, when it should lie. */
  headerLength?: number;
}

/** TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018, RFC 7413). */
export const tcpOption = {
  eol: () => Uint8Array.of(0),
  nop: () => Uint8Array.of(1),
  mss: (n: number) => Uint8Array.of(2, 4, n >> 8, n & 0xff),
  windowScale: (shift: number) => Uint8Array.of(3, 3, shift),
  sackPermitted: () => Uint8Array.of(4, 2),
  sack: (blocks: [number, number][]) => wrap(2, new Uint8Array(8 * blocks.length), (v) => {
    v.setUint8(0, 5);
    v.setUint8(1, 2 + 8 * blocks.length);
    blocks.forEach(([l, r], i) => { v.setUint32(2 + 8 * i, l >>> 0); v.setUint32(6 + 8 * i, r >>> 0); });
  }),
  timestamps: (val: number, ecr: number) => wrap(2, new Uint8Array(8), (v) => {
    v.setUint16(0, 0x080a);
    v.setUint32(2, val >>> 0);
    v.setUint32(6, ecr >>> 0);
  }),
  fastOpen: (cookie: Uint8Array = new Uint8Array(0)) => concat(Uint8Array.of(34, 2 + cookie.length), cookie),
  /** Any kind and value, with a length byte that may lie. */
  raw: (kind: number, value: Uint8Array, length = 2 + value.length) => concat(Uint8Array.of(kind, length), value),
};

// RFC 9293: src port 2 | dst port 2 | seq 4 | ack 4 | data offset 4 bits, flags 12 bits | window 2 |
// checksum 2 | urgent 2 | options
export function tcp(o: TcpOptions, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const opts = concat(...(o.options ?? []));
  const hlen = 20 + ((opts.length + 3) & ~3);
  return wrap(hlen, body, (v, out) => {
    v.setUint16(0, o.sport);
    v.setUint16(2, o.dport);
    v.setUint32(4, (o.seq ?? 0) >>> 0);
    v.setUint32(8, (o.ack ?? 0) >>> 0);
    v.setUint16(12, (((o.headerLength ?? hlen) >> 2) << 12) | o.flags);
    v.setUint16(14, o.window ?? 65535);
    v.setUint16(18, o.urgent ?? 0);
    out.set(opts, 20);
  });
}

// RFC 768: src port 2 | dst port 2 | length 2 | checksum 2
export function udp(o: { sport: number; dport: number; length?: number }, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  return wrap(8, body, (v) => {
    v.setUint16(0, o.sport);
    v.setUint16(2, o.dport);
    v.setUint16(4, o.length ?? 8 + body.length);
  });
}

/** ICMP (RFC 792) or ICMPv6 (RFC 4443) with an echo-style header: type 1 | code 1 | checksum 2 | id 2 | seq 2. */
export function icmp(o: { type: number; code?: number; id?: number; seq?: number }, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  return wrap(8, body, (v) => {
    v.setUint8(0, o.type);
    v.setUint8(1, o.code ?? 0);
    v.setUint16(4, o.id ?? 1);
    v.setUint16(6, o.seq ?? 1);
  });
}

export const IcmpType = { ECHO_REPLY: 0, ECHO_REQUEST: 8, V6_ECHO_REQUEST: 128, V6_ECHO_REPLY: 129 } as const;
