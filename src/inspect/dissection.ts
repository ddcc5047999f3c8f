// One packet's headers, decoded field by field, with where each field lies in the bytes (bit offset
// and length from the packet's first byte), so a view can lay the headers out as a textbook's header
// diagrams and light up a field's bytes. Decoding never throws: a field past the captured bytes is
// left out and its layer marked truncated. Values are text, never markup: capture bytes are hostile.

import { formatAddress } from '../core/address.js';

export interface Field {
  /** Wireshark's field name where it has one (tcp.srcport), also the key of its label. */
  id: string;
  /** Bit offset from the packet's first byte, and width in bits. */
  bit: number;
  bits: number;
  value: string;
  /** A short name for narrow cells (flag bits: SYN, DF). */
  short?: string;
  /** Further readings of the value: relative Seq, scaled window, what a number means. */
  extra?: { label: ExtraLabel; value: string }[];
  /** A one-bit flag: shown as a checkbox. */
  flag?: boolean;
}

export type ExtraLabel = 'relative' | 'scaled' | 'bytes' | 'meaning' | 'hex';

export interface Layer {
  /** eth, vlan, mpls, pppoe, ppp, sll, sll2, null, fddi, llc, vntag, ip, ipv6, ipv6.ext, gre, tcp, udp, icmp, icmpv6, data. */
  id: string;
  /** Byte range [start, end) of the header (the payload, for data). */
  start: number;
  end: number;
  fields: Field[];
  truncated: boolean;
  /** Which one, where the id covers several kinds (IPv6 extension headers). */
  detail?: string;
  /** Inside an ICMP error: the header of the packet it is about. */
  quoted?: boolean;
  /** Headers drawn as a 32-bit-wide diagram (IP, TCP, UDP, ICMP, ...); others as one row of fields. */
  words: boolean;
}

/** What the packet's flow knows that its bytes do not. */
export interface Context {
  /** Wireshark's relative Seq and Ack of this packet (its index's values). */
  relSeq?: number;
  relAck?: number;
  /** The sender's window scale shift in effect (null: not negotiated or not known). */
  windowShift?: number | null;
}

export interface Dissection {
  linkType: number;
  /** False when the link type is not one the decoder knows: only the bytes can be shown. */
  supported: boolean;
  layers: Layer[];
}

/** Reads a packet's bytes and collects layers; reads past the end give 0 (their fields are dropped). */
export class Cursor {
  readonly layers: Layer[] = [];
  /** Set while decoding what an ICMP error quotes. */
  quoted = false;
  /** Where an outer header's length field ends the packet (PPPoE's length: Ethernet may pad after it). */
  limit = Infinity;
  #depth = 0;

  constructor(readonly bytes: Uint8Array, readonly ctx: Context) {}

  get length(): number { return this.bytes.length; }
  u8(o: number): number { return o < this.bytes.length ? this.bytes[o] : 0; }
  be16(o: number): number { return (this.u8(o) << 8) | this.u8(o + 1); }
  be32(o: number): number { return this.be16(o) * 65536 + this.be16(o + 2); }
  le32(o: number): number { return (this.u8(o) | (this.u8(o + 1) << 8) | (this.u8(o + 2) << 16)) + this.u8(o + 3) * 16777216; }
  /** `n` (up to 32) bits starting at absolute bit offset `bit`, most significant first. */
  bitsAt(bit: number, n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const b = bit + i;
      v = v * 2 + ((this.u8(b >> 3) >> (7 - (b & 7))) & 1);
    }
    return v;
  }

  /** Starts a layer whose header is [start, end); fields are added to it. */
  layer(id: string, start: number, end: number, words = true): Layer {
    const l: Layer = { id, start, end: Math.min(end, this.bytes.length), fields: [], truncated: end > this.bytes.length, words };
    if (this.quoted) l.quoted = true;
    this.layers.push(l);
    return l;
  }

  /** Adds a field of `bits` bits at byte `o` (plus `bitOff` bits), unless it lies past the capture. */
  field(l: Layer, id: string, o: number, bitOff: number, bits: number, value: string | number, more?: Partial<Pick<Field, 'short' | 'extra' | 'flag'>>): void {
    const bit = o * 8 + bitOff;
    if (bit + bits > this.bytes.length * 8) { l.truncated = true; return; }
    l.fields.push({ id, bit, bits, value: String(value), ...more });
  }

  /** A one-bit flag, shown as a checkbox. */
  flag(l: Layer, id: string, o: number, bitOff: number, short: string): void {
    this.field(l, id, o, bitOff, 1, this.bitsAt(o * 8 + bitOff, 1), { short, flag: true });
  }

  /** Guards nested encapsulations (tags, tunnels, quoted headers) against loops in hostile bytes. */
  deeper(): boolean { return ++this.#depth <= 16; }
}

export const hex = (v: number, digits: number): string => `0x${v.toString(16).padStart(digits, '0')}`;

export function mac(c: Cursor, o: number, n = 6): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(c.u8(o + i).toString(16).padStart(2, '0'));
  return out.join(':');
}

export const ipv4Text = (c: Cursor, o: number): string => formatAddress(c.bytes, o, 4);
export const ipv6Text = (c: Cursor, o: number): string => formatAddress(c.bytes, o, 6);

/** The byte range [from, to) a field covers. */
export function fieldBytes(f: Field): [number, number] {
  return [f.bit >> 3, (f.bit + f.bits + 7) >> 3];
}
