// What the hostile-capture tests share: the small conversation of traffic.ts over Ethernet, with a
// hostile frame put among its packets, and the read every hostile file gets: however it arrives
// (whole, in chunks, split anywhere when small), with the core's memory bounded by the input.

import { expect } from 'vitest';
import { LinkType, PcapWriter, ethernet, type PcapOptions } from '../helpers/capture-writer.js';
import { analyze, analyzeAtChunkSizes, analyzeEveryWay, type Analysis } from '../helpers/analyze.js';
import { conversation, encapsulate, etherTypeOf, type Trace } from '../helpers/traffic.js';
import { analyzeBytes } from '../../src/core/node.js';
import { memoryLimit } from './fuzz.js';

/** 13 packets in 3 flows (TCP, UDP, ICMP) over Ethernet. */
export const trace = encapsulate(conversation(4), (ip, f) => ethernet(etherTypeOf(f), ip));
export const ethernetLink = (n: number) => [{ linkType: LinkType.ETHERNET, packets: n }];

/** The trace with `data` as its frame `at + 1`, in trace flow `flow` (-1: none) from its client. */
export function withFrame(t: Trace, at: number, data: Uint8Array, flow = -1): Trace {
  const before = t.packets[Math.max(at - 1, 0)];
  const frame = { ...before, data, flow, fromClient: true, wireLen: undefined };
  return { flows: t.flows, packets: [...t.packets.slice(0, at), frame, ...t.packets.slice(at)] };
}

/** The trace as a pcap, with the file offset of each record. */
export function pcapOf(t: Trace, o: PcapOptions = {}): { bytes: Uint8Array; offsets: number[] } {
  const w = new PcapWriter(o);
  for (const p of t.packets) w.packet(p.time, p.data, { wireLen: p.wireLen });
  return { bytes: w.bytes(), offsets: w.offsets };
}

/**
 * Reads a hostile file every way its size allows (each must agree: see analyze.ts) and checks that
 * the core's memory stayed within what the input can account for. Returns the whole read.
 */
export async function readHostile(bytes: Uint8Array): Promise<Analysis> {
  const engine = await analyzeBytes(bytes, 1 << 16);
  expect(engine.memoryBytes).toBeLessThanOrEqual(memoryLimit(bytes.length));
  if (bytes.length <= 4096) return analyzeEveryWay(bytes);
  if (bytes.length <= 256 << 10) return analyzeAtChunkSizes(bytes);
  const whole = await analyze(bytes);
  expect(await analyze(bytes, 4093)).toEqual(whole);
  return whole;
}
