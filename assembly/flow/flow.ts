// One conversation. Endpoint A is the sender of the flow's first packet; `clientIsB` says when the
// client turned out to be the other side. Laid over the flow arena, 128 bytes each:
//
//   0 first i64     8 last i64      16 bytesA u64   24 bytesB u64
//  32 payA u64     40 payB u64      48 addrA 16 bytes               64 addrB 16 bytes
//  80 pktsA u32    84 pktsB u32     88 portA u16    90 portB u16    92 proto u8   93 family u8  94 flags u16
//  96 stream u32  100 firstFrame u32 104 lastFrame u32 108 prev u32 (older flow with this key, or NONE)
// 112 tcpFlagsA u16 114 tcpFlagsB u16 116 baseSeqA u32 120 baseSeqB u32 124 tcp u32 (TCP state index, NONE)
@unmanaged
export class Flow {
  first: i64;
  last: i64;
  bytesA: u64;
  bytesB: u64;
  payA: u64;
  payB: u64;
  a0: u64; a1: u64;
  b0: u64; b1: u64;
  pktsA: u32;
  pktsB: u32;
  portA: u16;
  portB: u16;
  proto: u8;
  family: u8;
  flags: u16;
  stream: u32;
  firstFrame: u32;
  lastFrame: u32;
  prev: u32;
  tcpFlagsA: u16;   // every TCP flag bit each side has sent
  tcpFlagsB: u16;
  baseSeqA: u32;    // Wireshark's base_seq per direction: the ISN, or the first seq - 1
  baseSeqB: u32;
  tcp: u32;         // index of the flow's TcpFlow, or NONE
}

// @ts-ignore: decorator
@inline export const FLOW_SIZE: u32 = 128;
// @ts-ignore: decorator
@inline export const NONE: u32 = 0xFFFFFFFF;

// Flow.flags
// @ts-ignore: decorator
@inline export const CLIENT_IS_B: u16 = 1;   // the client is endpoint B
// @ts-ignore: decorator
@inline export const MIDSTREAM: u16 = 2;     // no handshake at the start: the client was guessed
// @ts-ignore: decorator
@inline export const REUSED: u16 = 4;        // a SYN with a new ISN reused an older flow's ports
// @ts-ignore: decorator
@inline export const BASE_A: u16 = 8;        // baseSeqA is set
// @ts-ignore: decorator
@inline export const BASE_B: u16 = 16;
