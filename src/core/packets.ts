// Packet records as the core writes them (layout.ts Packet), read into objects where a few are needed.

import { Packet, NONE, seconds } from './layout.js';

export interface PacketRecord {
  frame: number;
  /** Seconds since the epoch. */
  time: number;
  /** File offset of the record (of the decompressed bytes, for a gzip file). */
  offset: number;
  /** File offset of the packet's data, after the record's header. */
  dataOffset: number;
  /** Index of the flow in the engine (engine.flow(i)), or -1 for a packet outside any flow. */
  flow: number;
  /** 0: sent by the flow's first sender (endpoint A), 1: by the other side. */
  dir: number;
  /** IP protocol number (6 TCP, 17 UDP, ...), 0 outside IP. */
  proto: number;
  wireLen: number;
  capLen: number;
  /** TCP header bits: FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32, ECE 64, CWR 128, AE 256. */
  tcpFlags: number;
  /** Relative to the direction's base (Wireshark's relative sequence numbers). */
  seq: number;
  ack: number;
  rawSeq: number;
  rawAck: number;
  /** Transport payload length. */
  len: number;
  window: number;
  /** Wireshark tcp.analysis flags (layout.ts ANALYSIS_FLAGS bits). */
  analysis: number;
  dupAckNum: number;
  dupAckFrame: number;
  /** The frame this ACK acknowledges, and the time since it (seconds); 0 when none. */
  acksFrame: number;
  ackRtt: number;
  bytesInFlight: number;
  /** RFC 9293 state of endpoints A and B after this packet (layout.ts TCP_STATES). */
  stateA: number;
  stateB: number;
}

export function readPacket(v: DataView, i: number): PacketRecord {
  const p = v.byteOffset + i * Packet.size;
  const b = new DataView(v.buffer);
  const flow = b.getUint32(p + Packet.flow, true);
  return {
    frame: b.getUint32(p + Packet.frame, true),
    time: seconds(b.getBigInt64(p + Packet.time, true)),
    offset: Number(b.getBigUint64(p + Packet.offset, true)),
    dataOffset: Number(b.getBigUint64(p + Packet.offset, true)) + b.getUint16(p + Packet.dataAt, true),
    flow: flow === NONE ? -1 : flow,
    dir: b.getUint8(p + Packet.dir),
    proto: b.getUint8(p + Packet.proto),
    wireLen: b.getUint32(p + Packet.wireLen, true),
    capLen: b.getUint32(p + Packet.capLen, true),
    tcpFlags: b.getUint16(p + Packet.tcpFlags, true),
    seq: b.getUint32(p + Packet.seq, true),
    ack: b.getUint32(p + Packet.ack, true),
    rawSeq: b.getUint32(p + Packet.rawSeq, true),
    rawAck: b.getUint32(p + Packet.rawAck, true),
    len: b.getUint32(p + Packet.len, true),
    window: b.getUint32(p + Packet.window, true),
    analysis: b.getUint32(p + Packet.analysis, true),
    dupAckNum: b.getUint32(p + Packet.dupAckNum, true),
    dupAckFrame: b.getUint32(p + Packet.dupAckFrame, true),
    acksFrame: b.getUint32(p + Packet.acksFrame, true),
    ackRtt: Number(b.getBigInt64(p + Packet.ackRtt, true)) / 1e9,
    bytesInFlight: b.getUint32(p + Packet.bytesInFlight, true),
    stateA: b.getUint8(p + Packet.stateA),
    stateB: b.getUint8(p + Packet.stateB),
  };
}

const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];

/** "SYN, ACK": lowest bit first, as Wireshark's Info column lists them (packet-tcp.c, tcp_flags_to_str). */
export function tcpFlagNames(flags: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < FLAG_NAMES.length; i++) if (flags & (1 << i)) out.push(FLAG_NAMES[i]);
  return out;
}

import { ANALYSIS_FLAGS } from './layout.js';
import type { FlowSummary } from './engine.js';

/** The names of the Wireshark tcp.analysis flags set in a record's analysis bits. */
export function analysisNames(bits: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < ANALYSIS_FLAGS.length; i++) if (bits & (1 << i)) out.push(ANALYSIS_FLAGS[i]);
  return out;
}

export interface PacketJson {
  frame: number;
  time: number;
  proto: string;
  stream: number | null;
  /** Who sent it: the flow's client or server. */
  dir: 'client' | 'server' | null;
  flags: string[];
  seq: number;
  ack: number;
  len: number;
  analysis: string[];
  dupAckNum?: number;
  acksFrame?: number;
  ackRtt?: number;
  bytesInFlight?: number;
}

/** A packet as the JSON document lists it, given the flows it belongs to. */
export function packetJson(r: PacketRecord, flowKey: (flow: number) => { proto: string; stream: number; clientIsB: boolean }): PacketJson {
  const f = r.flow >= 0 ? flowKey(r.flow) : null;
  const j: PacketJson = {
    frame: r.frame,
    time: r.time,
    proto: f ? f.proto : 'other',
    stream: f ? f.stream : null,
    dir: f ? ((r.dir === 1) === f.clientIsB ? 'client' : 'server') : null,
    flags: r.proto === 6 ? tcpFlagNames(r.tcpFlags) : [],
    seq: r.seq,
    ack: r.ack,
    len: r.len,
    analysis: analysisNames(r.analysis),
  };
  if (r.dupAckNum) j.dupAckNum = r.dupAckNum;
  if (r.acksFrame) { j.acksFrame = r.acksFrame; j.ackRtt = r.ackRtt; }
  if (r.bytesInFlight) j.bytesInFlight = r.bytesInFlight;
  return j;
}
