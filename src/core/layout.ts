// Byte layouts of what the wasm core writes, mirrored from assembly/. The core reports its record
// sizes, and the engine refuses to run when they differ from these.

/** Capture summary (assembly/index.ts summary()). */
export const Summary = {
  frames: 0, format: 4, wireBytes: 8, capturedBytes: 16, first: 24, last: 32, truncated: 40,
  ignoredBytes: 48, flows: 56, formatFlags: 60, sections: 64, stopped: 68, fileOffset: 72,
} as const;

/** One flow (assembly/flow/flow.ts), 128 bytes. */
export const Flow = {
  size: 128,
  first: 0, last: 8, bytesA: 16, bytesB: 24, payA: 32, payB: 40, addrA: 48, addrB: 64,
  pktsA: 80, pktsB: 84, portA: 88, portB: 90, proto: 92, family: 93, flags: 94, stream: 96,
  firstFrame: 100, lastFrame: 104, prev: 108, tcpFlagsA: 112, tcpFlagsB: 114, baseSeqA: 116, baseSeqB: 120,
} as const;

/** Flow.flags bits. */
export const FlowFlag = { clientIsB: 1, midstream: 2, reused: 4 } as const;

/** One packet record (assembly/flow/track.ts), 64 bytes. */
export const Packet = {
  size: 64,
  time: 0, offset: 8, frame: 16, flow: 20, wireLen: 24, capLen: 28, seq: 32, ack: 36, len: 40,
  tcpFlags: 44, dir: 46, proto: 47, analysis: 48, window: 52, rawSeq: 56, rawAck: 60,
} as const;

/** One warning (assembly/util/warnings.ts), 24 bytes. */
export const Warning = { size: 24, code: 0, packet: 4, offset: 8, detail: 16 } as const;

/** One count of undecoded things (assembly/util/counts.ts), 16 bytes. */
export const Count = { size: 16, kind: 0, value: 4, count: 8 } as const;

export const NONE = 0xffffffff;
