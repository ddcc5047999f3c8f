// Runs the engine over bytes in memory, and checks that how the bytes are cut into chunks changes
// nothing: the same capture fed 1 byte at a time, 7 at a time, 4096 at a time, whole, or split in two
// at any offset gives the same summary, flows and packet records (with their file offsets).

import { expect } from 'vitest';
import { analyzeBytes, createEngine, zlibGunzip } from '../../src/core/node.js';
import { feed } from '../../src/core/feed.js';
import { readPacket, type PacketRecord } from '../../src/core/packets.js';
import type { CaptureSummary, Engine, FlowSummary } from '../../src/core/engine.js';

export interface Analysis {
  summary: CaptureSummary;
  flows: FlowSummary[];
  packets: PacketRecord[];
}

export const CHUNK_SIZES = [1, 7, 4096];

function collector(): { packets: PacketRecord[]; onPackets: (v: DataView, n: number) => void } {
  const packets: PacketRecord[] = [];
  return { packets, onPackets: (v, n) => { for (let i = 0; i < n; i++) packets.push(readPacket(v, i)); } };
}

/** The capture fed in chunks of `chunkSize` bytes through analyzeBytes (src/core/node.ts). */
export async function analyze(bytes: Uint8Array, chunkSize = bytes.length || 1): Promise<Analysis> {
  const { packets, onPackets } = collector();
  const engine = await analyzeBytes(bytes, chunkSize, { onPackets });
  return { summary: engine.summary(), flows: engine.flows(), packets };
}

let shared: Engine | null = null;

/** The capture fed as the given chunks, through one engine reused from call to call. */
export async function analyzeChunks(chunks: Uint8Array[]): Promise<Analysis> {
  shared ??= await createEngine();
  const engine = shared;
  const { packets, onPackets } = collector();
  engine.begin({ onPackets });
  await feed(engine, (async function* () { yield* chunks; })(), zlibGunzip);
  return { summary: engine.summary(), flows: engine.flows(), packets };
}

/** Analyses whole and at every size of CHUNK_SIZES; all must agree. Returns the whole run. */
export async function analyzeAtChunkSizes(bytes: Uint8Array): Promise<Analysis> {
  const whole = await analyze(bytes);
  for (const size of CHUNK_SIZES) expect(await analyze(bytes, size), `chunk size ${size}`).toEqual(whole);
  return whole;
}

/** Files up to this size are also read split in two at every offset. */
export const SPLIT_LIMIT = 4096;

/**
 * Reads the capture whole, at every chunk size of CHUNK_SIZES and, when it is small, split in two at
 * every offset (fed as [0, k) and [k, n)): every read must agree. Returns the whole read.
 */
export async function analyzeEveryWay(bytes: Uint8Array): Promise<Analysis> {
  const whole = await analyzeAtChunkSizes(bytes);
  if (bytes.length > SPLIT_LIMIT) return whole;
  const expected = JSON.stringify(whole);
  for (let k = 0; k <= bytes.length; k++) {
    const split = await analyzeChunks([bytes.subarray(0, k), bytes.subarray(k)]);
    if (JSON.stringify(split) !== expected) expect(split, `split at offset ${k}`).toEqual(whole);
  }
  return whole;
}

/** Nanoseconds since the epoch as the double nearest the exact decimal, as summaries give times. */
export function secondsOf(ns: bigint): number {
  return Number(`${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`);
}
