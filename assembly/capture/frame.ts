import { decodeLink } from "../link/index";
import { track } from "../flow/track";
import * as pkt from "../packet";

// Totals over the whole capture, read by the host through summary().
export let frames: u32 = 0;
export let wireBytes: u64 = 0;
export let capturedBytes: u64 = 0;
export let truncated: u64 = 0;     // records captured shorter than on the wire
export let firstTime: i64 = 0;
export let lastTime: i64 = 0;

// How far each record goes: 0 read only (the records are counted), 1 decoded and tracked as flows,
// 2 with the TCP analysis too. Benchmarks compare them; everything else uses 2.
export let depth: u32 = 2;
export function setDepth(d: u32): void { depth = d; }

export function resetFrames(): void {
  frames = 0; wireBytes = 0; capturedBytes = 0; truncated = 0; firstTime = 0; lastTime = 0;
}

// Every reader hands each record here: count it, decode it layer by layer, then track its flow.
// `dataAt`: bytes from the record's start to the packet data (its header, in the file).
export function frame(data: usize, capLen: u32, wireLen: u32, time: i64, linkType: u32, linkSlot: usize, offset: u64, dataAt: u32): void {
  frames++;
  wireBytes += wireLen;
  capturedBytes += capLen;
  if (capLen < wireLen) truncated++;
  if (frames == 1) firstTime = time;
  if (time > lastTime || frames == 1) lastTime = time;
  store<u64>(linkSlot, load<u64>(linkSlot, 8) + 1, 8);
  if (depth == 0) return;
  pkt.setFrame(frames, offset, time, wireLen, capLen, data, dataAt, linkType);
  decodeLink(linkType, data, capLen);
  track();
}
