// The packet being decoded. Each stage fills its part and hands the payload on; nothing here is
// allocated per packet, and addresses point into the input window while the packet is decoded.

export let frame: u32 = 0;       // Wireshark's frame number: 1 is the first record
export let offset: u64 = 0;      // file offset of the record
export let dataAt: u32 = 0;      // ... and how far after it the packet data begins
export let linkType: u32 = 0;    // LINKTYPE_* of the record's interface
export let time: i64 = 0;        // nanoseconds since the epoch
export let wireLen: u32 = 0;     // frame length on the wire
export let capLen: u32 = 0;      // bytes captured
export let data: usize = 0;      // the frame's first byte
let reportedEnd: usize = 0;      // where the packet ends as far as its outer headers say

// network layer (innermost IP header)
export let family: u8 = 0;       // 0: none, 4, 6
export let src: usize = 0;       // 4 or 16 bytes
export let dst: usize = 0;
export let ipProto: u8 = 0;
export let laterFragment: bool = false;
export let ttl: u8 = 0;
export let ipClaim: i32 = 0;     // what the innermost IP header alone says follows it (tcptrace's payload length)

// transport layer
export let sport: u32 = 0;
export let dport: u32 = 0;
export let hasTransport: bool = false;
export let payloadLen: u32 = 0;  // from the IP length, even where the capture was cut short
export let payload: usize = 0;   // the payload's first byte, and how much of it was captured
export let payloadCaptured: u32 = 0;

// TCP
export let seq: u32 = 0;
export let ack: u32 = 0;
export let tcpFlags: u32 = 0;    // the 12 header bits: FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32, ECE 64, CWR 128, AE 256
export let window: u32 = 0;      // raw, unscaled
export let tcpHeaderLen: u32 = 0;
export let optMss: i32 = -1;
export let optWscale: i32 = -1;
export let optSackPerm: bool = false;
export let optTs: bool = false;
export let tsVal: u32 = 0;
export let tsEcr: u32 = 0;
export let optTfo: bool = false;
export let sackCount: u32 = 0;   // SACK blocks in sackBuf: left, right pairs of u32
export const sackBuf: usize = heap.alloc(4 * 8);

// ICMP
export let icmpType: u32 = 0;
export let icmpCode: u32 = 0;

export function setFrame(f: u32, off: u64, t: i64, wire: u32, cap: u32, start: usize, at: u32, link: u32): void {
  frame = f; offset = off; dataAt = at; linkType = link; time = t; wireLen = wire; capLen = cap; data = start;
  // a record that holds more than its wire length (the reader warned) is decoded as far as it goes
  reportedEnd = start + (wire > cap ? wire : cap);
  family = 0; ipProto = 0; laterFragment = false; hasTransport = false; payloadLen = 0;
  sport = 0; dport = 0; tcpFlags = 0; seq = 0; ack = 0; window = 0; payloadCaptured = 0;
}

// A new IP header, a tunnel's inner one too: the transport fields of an outer header (the UDP ports
// of VXLAN or Teredo) are not this packet's, whether or not its own transport header decodes.
export function setIp(fam: u8, s: usize, d: usize, proto: u8, hopLimit: u8): void {
  family = fam; src = s; dst = d; ipProto = proto; ttl = hopLimit;
  hasTransport = false; sport = 0; dport = 0; payloadLen = 0; payloadCaptured = 0; tcpFlags = 0;
}

export function setTransport(s: u32, d: u32, payload: u32): void {
  sport = s; dport = d; payloadLen = payload; hasTransport = true;
}

export function setLaterFragment(v: bool): void { laterFragment = v; }
export function setIpClaim(v: i32): void { ipClaim = v; }

export function setPayload(p: usize, captured: u32): void { payload = p; payloadCaptured = captured; }

export function setTcp(sq: u32, ak: u32, flags: u32, win: u32, hlen: u32): void {
  seq = sq; ack = ak; tcpFlags = flags; window = win; tcpHeaderLen = hlen;
  optMss = -1; optWscale = -1; optSackPerm = false; optTs = false; optTfo = false; sackCount = 0;
}

export function setTcpFlags(f: u32): void { tcpFlags = f; }
export function setMss(v: i32): void { optMss = v; }
export function setWscale(v: i32): void { optWscale = v; }
export function setSackPerm(): void { optSackPerm = true; }
export function setTfo(): void { optTfo = true; }
export function setTimestamps(val: u32, ecr: u32): void { optTs = true; tsVal = val; tsEcr = ecr; }
export function addSack(left: u32, right: u32): void {
  if (sackCount >= 4) return;
  store<u32>(sackBuf + <usize>(sackCount * 8), left);
  store<u32>(sackBuf + <usize>(sackCount * 8), right, 4);
  sackCount++;
}

export function setIcmp(t: u32, c: u32): void { icmpType = t; icmpCode = c; }

// Bytes from `p` to the end of the packet as the wire and the outer headers report it (Wireshark's
// reported length of a tvb): an inner header's length field cannot claim more.
export function wireRoom(p: usize): u32 {
  return p < reportedEnd ? <u32>(reportedEnd - p) : 0;
}

// An outer header (PPPoE) says its payload ends at `end`.
export function limitReported(end: usize): void {
  if (end < reportedEnd) reportedEnd = end;
}

// An ICMP error's quoted header is decoded over the outer packet's fields; these keep them meanwhile.
let sFamily: u8 = 0, sSrc: usize = 0, sDst: usize = 0, sProto: u8 = 0, sSport: u32 = 0, sDport: u32 = 0;
let sHas = false, sPayloadLen: u32 = 0, sFlags: u32 = 0, sLater = false;

export function save(): void {
  sFamily = family; sSrc = src; sDst = dst; sProto = ipProto; sSport = sport; sDport = dport;
  sHas = hasTransport; sPayloadLen = payloadLen; sFlags = tcpFlags; sLater = laterFragment;
}

export function restore(): void {
  family = sFamily; src = sSrc; dst = sDst; ipProto = sProto; sport = sSport; dport = sDport;
  hasTransport = sHas; payloadLen = sPayloadLen; tcpFlags = sFlags; laterFragment = sLater;
}
