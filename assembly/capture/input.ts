import { le32, be32 } from "../util/bytes";
import { warn, Warn } from "../util/warnings";
import { isPcapMagic, pcapHeader, pcapRecord } from "./pcap";
import { isPcapngMagic, pcapngBlock, sections } from "./pcapng";
import { notACapture, SNIFF } from "./detect";
import { frames } from "./frame";
import { outFull } from "../flow/track";

// The input window. The host copies the next bytes of the file to inputPtr(), at most inputSpace()
// of them, and calls push(). Every whole record is parsed in place; a record cut by the end of the
// bytes so far stays at the start of the window until the rest arrives.

// @ts-ignore: decorator
@inline const WINDOW: u32 = 1 << 20;
// Largest record or block held whole; larger packet records are damage, larger other blocks are skipped.
// @ts-ignore: decorator
@inline export const MAX_RECORD: u32 = 64 << 20;

export const enum Format { unknown = 0, pcap = 1, pcapng = 2 }

let win: usize = 0;
let winCap: u32 = 0;
let winLen: u32 = 0;      // bytes in the window
let winPos: u32 = 0;      // bytes of the window already parsed
let winOffset: u64 = 0;   // file offset of win[0]
export let format: Format = Format.unknown;
let headerDone = false;
export let stopped = false; // damage: the rest of the input is ignored
export let ignoredBytes: u64 = 0;

let need: u32 = 0;        // second result of a reader returning 0: the record's whole size
let skip: u64 = 0;        // bytes still to discard of a skipped block
let skipStart: u64 = 0;   // and the file offset where it started

export function setNeed(n: u32): void { need = n; }
export function setSkip(n: u64): void { skip = n; need = 0; skipStart = winOffset + winPos; }

export function resetInput(): void {
  if (win == 0) { winCap = WINDOW; win = heap.alloc(winCap); }
  winLen = 0; winPos = 0; winOffset = 0; format = Format.unknown; headerDone = false;
  stopped = false; ignoredBytes = 0; need = 0; skip = 0;
}

export function inputPtr(): usize { return win + winLen; }
export function inputSpace(): u32 { return stopped ? 0 : winCap - winLen; }
export function fileOffset(): u64 { return winOffset + winPos; }

// Parses what the window holds after `n` more bytes were written. Returns true when it stopped
// early because the packet output is full: drain it and call again with 0.
export function push(n: u32): bool {
  if (stopped) { ignoredBytes += n; return false; }
  winLen += n;
  while (true) {
    let avail = winLen - winPos;
    if (skip > 0) {
      let take = <u64>avail < skip ? avail : <u32>skip;
      winPos += take; skip -= take;
      if (skip > 0) break;
      continue;
    }
    if (outFull()) { compact(); return true; }
    let p = win + winPos;
    let off = winOffset + winPos;
    let r: i32;
    if (format == Format.unknown) {
      if (avail < 4) { need = 4; r = 0; }
      else r = detect(p, avail);
      if (r == 0 && format != Format.unknown) continue;
    } else if (format == Format.pcap) {
      r = headerDone ? pcapRecord(p, avail, off) : pcapHeader(p, avail, off);
      if (r > 0) headerDone = true;
    } else {
      r = pcapngBlock(p, avail, off);
    }
    if (r < 0) { stop(); return false; }
    if (r == 0) {
      if (skip > 0) continue;
      // A record larger than the window grows it only once the window is full of it: memory follows
      // the bytes that came, not what a length field claims.
      if (need > winCap && winPos == 0 && winLen == winCap) grow();
      break;
    }
    winPos += <u32>r;
  }
  compact();
  return false;
}

// A capture says what it is in its first 4 bytes; anything else is named from its first SNIFF.
function detect(p: usize, avail: u32): i32 {
  let m = le32(p);
  if (isPcapMagic(m)) { format = Format.pcap; return 0; }
  if (isPcapngMagic(m)) { format = Format.pcapng; return 0; }
  if (avail < SNIFF) { need = SNIFF; return 0; }
  notCapture(p, avail);
  return -1;
}

function notCapture(p: usize, n: u32): void {
  let w = notACapture(p, n);
  warn(w, 0, 0, w == Warn.too_short_for_magic ? n : n >= 4 ? be32(p) : 0);
}

function stop(): void {
  stopped = true;
  ignoredBytes += winLen - winPos;
  winOffset += winLen; winLen = 0; winPos = 0;
}

// Moves the unparsed tail to the start of the window.
function compact(): void {
  if (winPos == 0) return;
  let rest = winLen - winPos;
  if (rest > 0) memory.copy(win, win + winPos, rest);
  winOffset += winPos;
  winLen = rest; winPos = 0;
}

// Doubles the window; records are at most MAX_RECORD, a power of two like the window.
function grow(): void {
  winCap <<= 1;
  win = heap.realloc(win, winCap);
}

// End of input: whatever is left is a record cut short by the end of the file.
export function finishInput(): void {
  if (stopped) return;
  if (format == Format.unknown && winOffset == 0 && winLen == 0) { warn(Warn.empty_file, 0, 0, 0); return; }
  let rest = winLen - winPos;
  if (format == Format.unknown) {
    notCapture(win, rest);
  } else if (!headerDone && format == Format.pcap) {
    warn(Warn.truncated_file_header, 0, winOffset + winPos, 24);
  } else if (format == Format.pcapng && sections == 0) { // cut inside the first section header: 28 bytes at least
    warn(Warn.truncated_file_header, 0, winOffset + winPos, need > 28 ? need : 28);
  } else if (rest > 0 || skip > 0) {
    let missing = skip > 0 ? <u32>skip : (need > rest ? need - rest : 0);
    warn(Warn.truncated_record, frames + 1, skip > 0 ? skipStart : winOffset + winPos, missing);
  }
}
