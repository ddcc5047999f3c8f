// The fuzzer's parts, shared by the suite's short run (fuzz.test.ts) and the long one (`npm run fuzz`,
// fuzz-main.ts): seeded mutations of captures that know where record lengths are, and the rules every
// input must keep, whatever its bytes.

import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { analyzeBytes, wasmPath } from '../../src/core/node.js';
import { Packet } from '../../src/core/layout.js';
import { streamGunzip, type Gunzip } from '../../src/core/feed.js';
import type { CaptureSummary } from '../../src/core/engine.js';

/** test/fixtures of the checkout whose build/seqack.wasm runs, from test/hostile or compiled under build/. */
export const FIXTURES = join(dirname(dirname(wasmPath())), 'test', 'fixtures');
/** Inputs that once broke a rule, named for what broke; the suite replays every one. */
export const FUZZ_FIXTURES = join(FIXTURES, 'fuzz');

// ---------------------------------------------------------------------------------------------
// Seeded randomness

export type Rng = () => number;

/** mulberry32: a small, fast generator; the same seed gives the same mutants on every machine. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const below = (r: Rng, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[below(r, xs.length)];

// ---------------------------------------------------------------------------------------------
// Where the records are

/** A record or block: where it starts, where its data starts, and where its length fields are. */
interface Record { start: number; data: number; lengths: number[] }

export interface Layout { littleEndian: boolean; records: Record[] }

/** Walks a pcap or pcapng file as far as it holds together; anything else has no records. */
export function layout(b: Uint8Array): Layout {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const records: Record[] = [];
  if (b.length < 24) return { littleEndian: true, records };
  const magic = v.getUint32(0, true);
  if (magic === 0x0a0d0d0a) return pcapngLayout(v);
  const pcapMagics = [0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34];
  const le = pcapMagics.includes(magic);
  if (!le && !pcapMagics.includes(v.getUint32(0, false))) return { littleEndian: true, records };
  const header = v.getUint32(0, le) === 0xa1b2cd34 ? 24 : 16;
  const oldOrder = v.getUint16(6, le) < 3; // before 2.3 the wire length comes first
  records.push({ start: 0, data: 24, lengths: [16] }); // the snaplen
  for (let at = 24; at + header <= b.length;) {
    const cap = v.getUint32(at + (oldOrder ? 12 : 8), le);
    records.push({ start: at, data: at + header, lengths: [at + 8, at + 12] });
    at += header + cap;
  }
  return { littleEndian: le, records };
}

function pcapngLayout(v: DataView): Layout {
  const records: Record[] = [];
  let le = true;
  for (let at = 0; at + 12 <= v.byteLength;) {
    if (v.getUint32(at, true) === 0x0a0d0d0a) le = v.getUint32(at + 8, true) === 0x1a2b3c4d;
    const type = v.getUint32(at, le), len = v.getUint32(at + 4, le);
    if (len < 12 || at + len > v.byteLength) break;
    const lengths = [at + 4, at + len - 4];
    let data = at + 8;
    if (type === 2 || type === 6) { lengths.push(at + 20, at + 24); data = at + 28; } // captured, original
    if (type === 3) { lengths.push(at + 8); data = at + 12; }                          // original
    if (type === 1) lengths.push(at + 12);                                             // snaplen
    records.push({ start: at, data, lengths });
    at += len;
  }
  return { littleEndian: le, records };
}

// ---------------------------------------------------------------------------------------------
// Mutations

export interface Mutant {
  bytes: Uint8Array;
  /** What was done, for the name of a saved fixture and the log. */
  how: string;
  /** The first byte that differs from the original (its length, when nothing does). */
  firstChange: number;
}

// 0, 1, the largest signed and unsigned values, and just past the core's window and record limits
const BOUNDARIES32 = [0, 1, 0x7fffffff, 0xffffffff, (1 << 20) + 1, (64 << 20) - 16];
const BOUNDARIES16 = [0, 1, 0x7fff, 0x8000, 0xffff];

type Mutation = (b: Uint8Array, l: Layout, r: Rng) => Mutant;

const MUTATIONS: Mutation[] = [
  function bitFlips(b, _l, r) {
    const out = b.slice();
    let first = b.length;
    for (let n = 1 + below(r, 8); n > 0; n--) {
      const at = below(r, out.length);
      out[at] ^= 1 << below(r, 8);
      first = Math.min(first, at);
    }
    return { bytes: out, how: 'bit-flips', firstChange: first };
  },
  function byteSets(b, _l, r) {
    const out = b.slice();
    let first = b.length;
    for (let n = 1 + below(r, 4); n > 0; n--) {
      const at = below(r, out.length);
      out[at] = pick(r, [0x00, 0xff, 0x80]);
      first = Math.min(first, at);
    }
    return { bytes: out, how: 'byte-sets', firstChange: first };
  },
  function insertRange(b, _l, r) {
    const at = below(r, b.length + 1);
    const junk = Uint8Array.from({ length: 1 + below(r, 64) }, () => below(r, 256));
    return { bytes: splice(b, at, 0, junk), how: 'insert', firstChange: at };
  },
  function deleteRange(b, _l, r) {
    const at = below(r, b.length);
    return { bytes: splice(b, at, 1 + below(r, 64), new Uint8Array(0)), how: 'delete', firstChange: at };
  },
  function duplicateRange(b, _l, r) {
    const from = below(r, b.length), at = below(r, b.length + 1);
    const range = b.slice(from, from + 1 + below(r, 256));
    return { bytes: splice(b, at, 0, range), how: 'duplicate', firstChange: at };
  },
  function truncate(b, _l, r) {
    const at = below(r, b.length);
    return { bytes: b.slice(0, at), how: 'truncate', firstChange: at };
  },
  function lengthField(b, l, r) {
    const fields = l.records.flatMap((rec) => rec.lengths).filter((at) => at + 4 <= b.length);
    if (fields.length === 0) return MUTATIONS[0](b, l, r);
    const at = pick(r, fields);
    const out = b.slice();
    const value = pick(r, BOUNDARIES32);
    new DataView(out.buffer).setUint32(at, value, l.littleEndian);
    return { bytes: out, how: `length-${value.toString(16)}`, firstChange: at };
  },
  function headerField(b, l, r) {
    // inside the first 64 bytes of a packet: link, IP and transport headers, their lengths and types
    const recs = l.records.filter((rec) => rec.data + 2 <= b.length);
    if (recs.length === 0) return MUTATIONS[1](b, l, r);
    const rec = pick(r, recs);
    const at = Math.min(rec.data + below(r, 64), b.length - 2);
    const out = b.slice();
    const value = pick(r, BOUNDARIES16);
    if (r() < 0.5) out[at] = value & 0xff; else new DataView(out.buffer).setUint16(at, value);
    return { bytes: out, how: 'header-field', firstChange: at };
  },
];

function splice(b: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length - Math.min(remove, b.length - at) + insert.length);
  out.set(b.subarray(0, at));
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
}

/** One to three mutations of `b`; the layout is the original's, where lengths are worth hitting. */
export function mutate(b: Uint8Array, l: Layout, r: Rng): Mutant {
  if (b.length === 0) return { bytes: Uint8Array.of(below(r, 256)), how: 'insert', firstChange: 0 };
  let m = pick(r, MUTATIONS)(b, l, r);
  for (let n = below(r, 3); n > 0 && m.bytes.length > 0; n--) {
    const next = pick(r, MUTATIONS)(m.bytes, l, r);
    m = { bytes: next.bytes, how: `${m.how}+${next.how}`, firstChange: Math.min(m.firstChange, next.firstChange) };
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// The rules

/** The core starts at 8 MiB; beyond what a few times the input may take, memory was claimed, not used. */
export function memoryLimit(inputBytes: number): number {
  return (16 << 20) + 8 * inputBytes;
}

/** Small inputs are also read 7 bytes at a time; big ones in odd chunks of 1021, to stay quick. */
export const chunkSizeFor = (n: number) => (n <= 256 << 10 ? 7 : 1021);

/** One read: the summary, the flows and every packet record as the core wrote it. */
export interface Read {
  summary: CaptureSummary;
  flows: unknown[];
  records: Uint8Array;
  memory: number;
  ms: number;
}

export async function read(bytes: Uint8Array, chunkSize = bytes.length || 1, gunzip?: Gunzip): Promise<Read> {
  const parts: Uint8Array[] = [];
  const t0 = performance.now();
  const engine = await analyzeBytes(bytes, chunkSize, {
    onPackets: (v) => { parts.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice()); },
    gunzip,
  });
  const ms = performance.now() - t0;
  const records = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) { records.set(p, at); at += p.length; }
  return { summary: engine.summary(), flows: engine.flows(), records, memory: engine.memoryBytes, ms };
}

/** File offset of each packet record. */
function offsets(records: Uint8Array): number[] {
  const v = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const out: number[] = [];
  for (let p = 0; p < records.length; p += Packet.size) out.push(Number(v.getBigUint64(p + Packet.offset, true)));
  return out;
}

/**
 * How many packets of `original` lie wholly before `firstChange` (the next packet's offset, or the end
 * of the file, bounds each): a mutant must read these exactly as the original did.
 */
export function intactPackets(original: Read, fileLength: number, firstChange: number): number {
  if (original.summary.compression) return 0; // offsets are of the inflated bytes
  const starts = offsets(original.records);
  let n = 0;
  while (n < starts.length && (n + 1 < starts.length ? starts[n + 1] : fileLength) <= firstChange) n++;
  return n;
}

/** What broke, as a short name for a fixture ('throws', 'memory', ...), or null. */
export interface Broken { rule: string; detail: string }

const KNOWN_CODES = new Set<string>();

/**
 * Reads `bytes` whole and in small chunks and checks the rules: no exception (a wasm trap surfaces as
 * one), the same result however the bytes arrive (and whichever decompressor, for gzip), every warning
 * named, memory bounded by the input, and, given the original read, its first `intact` packets read
 * exactly as before.
 */
export async function check(bytes: Uint8Array, expect?: { original: Read; intact: number }): Promise<Broken | null> {
  let whole: Read, chunked: Read;
  try {
    whole = await read(bytes);
    chunked = await read(bytes, chunkSizeFor(bytes.length));
  } catch (e) {
    return { rule: `throws-${(e as Error).name}`, detail: (e as Error).message };
  }
  const limit = memoryLimit(bytes.length);
  const memory = Math.max(whole.memory, chunked.memory);
  if (memory > limit) return { rule: 'memory', detail: `${memory} bytes of memory for ${bytes.length} bytes of input (limit ${limit})` };
  const unnamed = whole.summary.warnings.find((w) => !w.code || !w.message || w.message.includes('%'));
  if (unnamed) return { rule: 'unnamed-warning', detail: JSON.stringify(unnamed) };
  for (const w of whole.summary.warnings) KNOWN_CODES.add(w.code);
  if (!sameRead(whole, chunked)) return { rule: 'chunking-differs', detail: `whole ${describe(whole)}; in chunks ${describe(chunked)}` };
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) { // the browser's decompressor must give what zlib gives
    const browser = await read(bytes, chunkSizeFor(bytes.length), streamGunzip);
    if (!sameRead(whole, browser)) return { rule: 'gunzips-differ', detail: `zlib ${describe(whole)}; DecompressionStream ${describe(browser)}` };
  }
  if (expect) {
    const n = expect.intact * Packet.size;
    const mine = whole.records.subarray(0, n), theirs = expect.original.records.subarray(0, n);
    if (mine.length < n) return { rule: 'lost-packets', detail: `${whole.summary.packets} packets read, ${expect.intact} lie before the damage` };
    if (!mine.every((x, i) => x === theirs[i])) return { rule: 'changed-before-damage', detail: `the first ${expect.intact} packets read differently` };
  }
  return null;
}

/** The warning codes seen so far (for the log). */
export const warningCodesSeen = (): string[] => [...KNOWN_CODES].sort();

function describe(r: Read): string {
  return `${r.summary.packets} packets, ${r.summary.flows} flows, ${r.summary.warnings.map((w) => `${w.code}@${w.packet}/${w.offset}`).slice(0, 4).join(' ')}`;
}

// Warnings past the core's per-push cap are only counted, and how many pushes there were differs
// with the chunk size: compare the warnings themselves only when none were dropped.
function sameRead(a: Read, b: Read): boolean {
  const strip = (r: Read) => JSON.stringify({ ...r.summary, warnings: null, warningCounts: null, flows: r.flows });
  if (strip(a) !== strip(b)) return false;
  if (!a.records.every((x, i) => x === b.records[i]) || a.records.length !== b.records.length) return false;
  const dropped = 'more' in a.summary.warningCounts || 'more' in b.summary.warningCounts;
  return dropped || JSON.stringify(a.summary.warnings) === JSON.stringify(b.summary.warnings);
}

// ---------------------------------------------------------------------------------------------
// Inputs

export interface Input { name: string; bytes: Uint8Array }

/** Every capture of test/fixtures/corpus. */
export function corpusInputs(): Input[] {
  const root = join(FIXTURES, 'corpus');
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort()
    .map((path) => ({ name: relative(root, path), bytes: new Uint8Array(readFileSync(path)) }));
}

/** Every saved input of test/fixtures/fuzz: each once broke the rule its name starts with. */
export function savedInputs(): Input[] {
  let names: string[] = [];
  try { names = readdirSync(FUZZ_FIXTURES).filter((n) => !n.startsWith('.') && n !== 'README.md'); } catch { /* none yet */ }
  return names.sort().map((n) => ({ name: basename(n), bytes: new Uint8Array(readFileSync(join(FUZZ_FIXTURES, n))) }));
}
