// seqack's core: the host streams a capture in, the core reads it record by record, decodes each
// packet layer by layer and tracks its flow. Everything crosses as plain numbers and pointers into
// linear memory; the layouts are drawn beside the code that writes them and mirrored in
// src/core/layout.ts.

import { resetInput, inputPtr as _inputPtr, inputSpace as _inputSpace, push as _push, finishInput,
  format, stopped, ignoredBytes, fileOffset } from "./capture/input";
import { resetFrames, setDepth, frames, wireBytes, capturedBytes, firstTime, lastTime, truncated } from "./capture/frame";
import { formatFlags } from "./capture/pcap";
import { resetPcapng, sections } from "./capture/pcapng";
import { resetFlows, arena, flowCount } from "./flow/table";
import { resetTcp, tcpArena, tcpSize as _tcpSize } from "./analysis/tcp";
import { resetFtp } from "./analysis/ftp";
import { resetZeek, zeekDone } from "./analysis/zeek";
import { tcpExtras, TCP_EXTRA_SIZE } from "./analysis/tcp-flow";
import { FLOW_SIZE } from "./flow/flow";
import { setEmit, outBuf, outLen, drained, PKT_SIZE } from "./flow/track";
import { warnBuf, warnLen, warnDropped, warningText as text, resetWarnings } from "./util/warnings";
import { resetCounts, resetLinks, countsBuf, countsLen, linksBuf, linksLen } from "./util/counts";

// Starts a new capture. With `packets`, every packet's record is written to the packet output.
// `depth`: 0 read records only, 1 decode and track flows, 2 analyse TCP as well (the default).
export function begin(packets: bool, depth: u32): void {
  setDepth(depth);
  resetInput(); resetFrames(); resetPcapng(); resetFlows(); resetTcp(); resetZeek(); resetFtp(); resetCounts(); resetLinks();
  setEmit(packets);
  drained();
  resetWarnings();
}

export function inputPtr(): usize { return _inputPtr(); }
export function inputSpace(): u32 { return _inputSpace(); }

// Parses after `n` bytes were written at inputPtr(). Returns 1 when the packet output filled up:
// drain it, then call push(0) again.
export function push(n: u32): u32 { return _push(n) ? 1 : 0; }

export function end(): void { finishInput(); }

// Outputs of the last push, to be drained before the next one.
export function packetsPtr(): usize { return outBuf; }
export function packetsLen(): u32 { return outLen; }
export function warningsPtr(): usize { return warnBuf; }
export function warningsLen(): u32 { return warnLen; }
export function warningsDropped(): u32 { return warnDropped; }
export function drain(): void { drained(); resetWarnings(); }

// Capture summary, 80 bytes:
//  0 frames u32 | 4 format u32 | 8 wire bytes u64 | 16 captured bytes u64 | 24 first i64 | 32 last i64 |
// 40 truncated u64 | 48 ignored bytes u64 | 56 flows u32 | 60 format flags u32 | 64 sections u32 |
// 68 stopped u32 | 72 file offset reached u64
const summaryBuf: usize = heap.alloc(80);
export function summary(): usize {
  let p = summaryBuf;
  store<u32>(p, frames);
  store<u32>(p, <u32>format, 4);
  store<u64>(p, wireBytes, 8);
  store<u64>(p, capturedBytes, 16);
  store<i64>(p, firstTime, 24);
  store<i64>(p, lastTime, 32);
  store<u64>(p, truncated, 40);
  store<u64>(p, ignoredBytes, 48);
  store<u32>(p, flowCount, 56);
  store<u32>(p, formatFlags, 60);
  store<u32>(p, sections, 64);
  store<u32>(p, stopped ? 1 : 0, 68);
  store<u64>(p, fileOffset(), 72);
  return p;
}

export function flowsPtr(): usize { return arena; }
export function flowsLen(): u32 { return flowCount; }
export function flowSize(): u32 { return FLOW_SIZE; }
export function tcpPtr(): usize { return tcpArena(); }
export function tcpSize(): u32 { return _tcpSize(); }
export function zeekDonePtr(): usize { return zeekDone(); }
export function tcpExtrasPtr(): usize { return tcpExtras(); }
export function tcpExtraSize(): u32 { return <u32>TCP_EXTRA_SIZE; }
export function packetSize(): u32 { return PKT_SIZE; }
export function countsPtr(): usize { return countsBuf; }
export function countsLength(): u32 { return countsLen; }
export function linksPtr(): usize { return linksBuf; }
export function linksLength(): u32 { return linksLen; }

// The name and message of a warning code, as a UTF-16 string: the pointer, and its byte length at ptr - 4.
export function warningText(code: u32): usize { return changetype<usize>(text(code)); }
