import { Flow, NONE, REUSED, BASE_A, BASE_B } from "./flow";
import { lookup, create, dir, flowAt } from "./table";
import { analyze, Syn, newTcp, tcpAt, bits, dupAckNum, dupAckFrame, acksFrame, ackRtt, bytesInFlight } from "../analysis/tcp";
import { TcpFlow, TcpSide } from "../analysis/tcp-flow";
import * as pkt from "../packet";
import { depth } from "../capture/frame";
import { ftpControl, ftpPredicted } from "../analysis/ftp";

// The last stage for every packet: find or create its flow, count it, and write its record to the
// packet output for the host.

// Packet record, 96 bytes:
//  0 time i64 | 8 file offset u64 | 16 frame u32 | 20 flow u32 (NONE: not IP) | 24 wire length u32 |
// 28 captured length u32 | 32 relative seq u32 | 36 relative ack u32 | 40 payload length u32 |
// 44 TCP flags u16 | 46 direction u8 | 47 IP protocol u8 | 48 analysis u32 | 52 window u32 (raw) |
// 56 seq u32 | 60 ack u32 (as on the wire) | 64 duplicate ACK number u32 | 68 duplicate ACK frame u32 |
// 72 frame this ACKs u32 | 76 bytes in flight u32 | 80 ACK RTT i64 | 88 state of side A u8 |
// 89 state of side B u8 | 90 data offset u16 (from the record's start) | 92 link type u32
// @ts-ignore: decorator
@inline export const PKT_SIZE: u32 = 96;
// @ts-ignore: decorator
@inline const OUT_CAP: u32 = 16384;

export const outBuf: usize = heap.alloc(<usize>(OUT_CAP * PKT_SIZE));
export let outLen: u32 = 0;
let emit = false;

export function setEmit(on: bool): void { emit = on; }
export function outFull(): bool { return emit && outLen == OUT_CAP; }
export function drained(): void { outLen = 0; }

// @ts-ignore: decorator
@inline const SYN: u32 = 2;
// @ts-ignore: decorator
@inline const ACK: u32 = 16;

// Second results of findFlow(): the packet's direction, what the SYN logic found, and whether the
// flow is a new conversation as Wireshark's completeness counts it.
let foundDir: u32 = 0;
let foundSyn = Syn.none;
let foundFirst = false;

// Finds the flow of the packet as decoded so far, creating it when it is new. NONE: no flow.
function findFlow(): u32 {
  foundDir = 0; foundSyn = Syn.none; foundFirst = false;
  // TCP and UDP without a whole header have no ports to key a flow by; Wireshark makes none either.
  let keyed = pkt.hasTransport || (pkt.ipProto != 6 && pkt.ipProto != 17);
  if (pkt.family == 0 || pkt.laterFragment || !keyed) return NONE;
  let idx = lookup();
  foundDir = dir;
  let created = false;
  if (idx != NONE && pkt.ipProto == 6 && (pkt.tcpFlags & (SYN | ACK)) == SYN) {
    let f = flowAt(idx);
    let set = (f.flags & (dir == 0 ? BASE_A : BASE_B)) != 0;
    if (set && (dir == 0 ? f.baseSeqA : f.baseSeqB) != pkt.seq) {
      // Wireshark 4.0: a pure SYN with a new ISN starts a new conversation on the same ports
      idx = create();
      if (idx != NONE) { flowAt(idx).flags |= REUSED; foundSyn = Syn.reusedFlow; foundFirst = created = true; }
      foundDir = 0;
    } else if (set) {
      foundSyn = Syn.repeated;
    }
  } else if (idx == NONE) {
    idx = create();
    // a data connection an FTP control connection announced is not new to Wireshark
    foundFirst = idx != NONE && !(pkt.ipProto == 6 && ftpPredicted());
    created = idx != NONE;
    foundDir = 0;
  }
  if (created) flowAt(idx).tcp = pkt.ipProto == 6 ? newTcp() : NONE;
  return idx;
}

export function track(): void {
  let idx = findFlow();
  let d = foundDir;
  let analysed = false;
  if (idx != NONE) {
    let f = flowAt(idx);
    let syn = foundSyn;
    if (count(f, d)) syn = Syn.rebased;
    if (f.tcp != NONE && depth == 2) {
      if ((pkt.sport == 21 || pkt.dport == 21) && pkt.payloadLen > 0) ftpControl();
      analyze(tcpAt(f.tcp), d, foundFirst, syn, d == 0 ? f.baseSeqA : f.baseSeqB);
      analysed = true;
    }
  }
  if (emit) record(idx, d, analysed);
}

// A tunnel's outer UDP header (Teredo, VXLAN): the packet belongs to the outer conversation too, as
// Wireshark counts it, before its inner packet is decoded and tracked.
export function trackOuter(): void {
  let idx = findFlow();
  if (idx != NONE) count(flowAt(idx), foundDir);
}

// The IP header an ICMP error quotes finds or creates its conversation, as Wireshark's dissectors do
// (the conversation gets its stream number), without counting the error in it.
export function trackQuoted(): void {
  findFlow();
}

// Counts the packet. Returns true when a SYN+ACK with a new ISN moved its direction's base_seq
// (Wireshark 4.0 flags it reused_ports, issue 16944).
function count(f: Flow, d: u32): bool {
  f.last = pkt.time;
  f.lastFrame = pkt.frame;
  if (d == 0) {
    f.pktsA++; f.bytesA += pkt.wireLen; f.payA += pkt.payloadLen;
  } else {
    f.pktsB++; f.bytesB += pkt.wireLen; f.payB += pkt.payloadLen;
  }
  if (pkt.ipProto != 6 || !pkt.hasTransport) return false;
  let flags = <u16>pkt.tcpFlags;
  if (d == 0) f.tcpFlagsA |= flags; else f.tcpFlagsB |= flags;
  // Relative sequence numbers start from base_seq: the ISN of a SYN, else the first seq - 1; the
  // other direction's base comes from the first ACK as ack - 1.
  let mine = d == 0 ? BASE_A : BASE_B;
  let theirs = d == 0 ? BASE_B : BASE_A;
  let rebased = false;
  if ((flags & (SYN | ACK)) == (SYN | ACK) && (f.flags & mine) && (d == 0 ? f.baseSeqA : f.baseSeqB) != pkt.seq) {
    if (d == 0) f.baseSeqA = pkt.seq; else f.baseSeqB = pkt.seq;
    rebased = true;
  }
  if (!(f.flags & mine)) {
    let base = (flags & SYN) ? pkt.seq : pkt.seq - 1;
    if (d == 0) f.baseSeqA = base; else f.baseSeqB = base;
    f.flags |= mine;
  }
  if ((flags & ACK) && !(f.flags & theirs)) {
    if (d == 0) f.baseSeqB = pkt.ack - 1; else f.baseSeqA = pkt.ack - 1;
    f.flags |= theirs;
  }
  return rebased;
}

function record(idx: u32, d: u32, analysed: bool): void {
  let p = outBuf + <usize>(outLen++ * PKT_SIZE);
  store<i64>(p, pkt.time);
  store<u64>(p, pkt.offset, 8);
  store<u32>(p, pkt.frame, 16);
  store<u32>(p, idx, 20);
  store<u32>(p, pkt.wireLen, 24);
  store<u32>(p, pkt.capLen, 28);
  let relSeq = pkt.seq, relAck = pkt.ack;
  if (idx != NONE && pkt.ipProto == 6) {
    let f = flowAt(idx);
    relSeq -= d == 0 ? f.baseSeqA : f.baseSeqB;
    relAck = (pkt.tcpFlags & ACK) ? relAck - (d == 0 ? f.baseSeqB : f.baseSeqA) : 0;
  }
  store<u32>(p, relSeq, 32);
  store<u32>(p, relAck, 36);
  store<u32>(p, pkt.payloadLen, 40);
  store<u16>(p, <u16>pkt.tcpFlags, 44);
  store<u8>(p, <u8>d, 46);
  store<u8>(p, pkt.ipProto, 47);
  store<u32>(p, analysed ? bits : 0, 48);
  store<u32>(p, pkt.window, 52);
  store<u32>(p, pkt.seq, 56);
  store<u32>(p, pkt.ack, 60);
  if (analysed) {
    let t = tcpAt(flowAt(idx).tcp);
    store<u32>(p, dupAckNum, 64);
    store<u32>(p, dupAckFrame, 68);
    store<u32>(p, acksFrame, 72);
    store<u32>(p, bytesInFlight, 76);
    store<i64>(p, ackRtt, 80);
    let sides = changetype<usize>(t) + offsetof<TcpFlow>();
    store<u8>(p, <u8>changetype<TcpSide>(sides).state, 88);
    store<u8>(p, <u8>changetype<TcpSide>(sides + offsetof<TcpSide>()).state, 89);
  } else {
    memory.fill(p + 64, 0, 32);
  }
  store<u16>(p, <u16>pkt.dataAt, 90);
  store<u32>(p, pkt.linkType, 92);
}
