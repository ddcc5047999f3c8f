// The packet index packs each record into about 30 bytes: every value must still read back exactly as
// the core wrote it, the rare ones that do not fit a narrow column included (offsets past 4 GiB, time
// gaps past 2^32 ns, lengths past 65535, reserved TCP flag bits), and a realistic capture must cost
// at most 32 bytes a packet.

import { describe, it, expect } from 'vitest';
import { readFile } from 'node:fs/promises';
import { instantiate } from '../../src/core/wasm.js';
import { Engine } from '../../src/core/engine.js';
import { feed, streamGunzip } from '../../src/core/feed.js';
import { wasmPath } from '../../src/core/node.js';
import { Packet, NONE } from '../../src/core/layout.js';
import { PacketIndex, indexLimit } from '../../src/worker/packet-index.js';
import { blobChunks } from '../../src/worker/blob-chunks.js';
import { generate, type GenerateOptions } from '../../bench/generate.js';
import { concat } from '../helpers/capture-writer.js';

/** A packet record's fields as the core writes them. */
interface Rec {
  ns: bigint; offset: bigint; dataAt: number; frame: number; flow: number; wireLen: number; capLen: number;
  seq: number; ack: number; len: number; flags: number; dir: number; analysis: number; window: number;
  stateA: number; stateB: number; linkType: number;
}

function write(v: DataView, at: number, r: Rec): void {
  v.setBigInt64(at + Packet.time, r.ns, true);
  v.setBigUint64(at + Packet.offset, r.offset, true);
  v.setUint32(at + Packet.frame, r.frame, true);
  v.setUint32(at + Packet.flow, r.flow, true);
  v.setUint32(at + Packet.wireLen, r.wireLen, true);
  v.setUint32(at + Packet.capLen, r.capLen, true);
  v.setUint32(at + Packet.seq, r.seq, true);
  v.setUint32(at + Packet.ack, r.ack, true);
  v.setUint32(at + Packet.len, r.len, true);
  v.setUint16(at + Packet.tcpFlags, r.flags, true);
  v.setUint8(at + Packet.dir, r.dir);
  v.setUint8(at + Packet.proto, 6);
  v.setUint32(at + Packet.analysis, r.analysis, true);
  v.setUint32(at + Packet.window, r.window, true);
  v.setUint8(at + Packet.stateA, r.stateA);
  v.setUint8(at + Packet.stateB, r.stateB);
  v.setUint16(at + Packet.dataAt, r.dataAt, true);
  v.setUint32(at + Packet.linkType, r.linkType, true);
}

function read(v: DataView, i: number): Rec {
  const at = v.byteOffset + i * Packet.size, b = new DataView(v.buffer);
  return {
    ns: b.getBigInt64(at + Packet.time, true), offset: b.getBigUint64(at + Packet.offset, true),
    dataAt: b.getUint16(at + Packet.dataAt, true), frame: b.getUint32(at + Packet.frame, true),
    flow: b.getUint32(at + Packet.flow, true), wireLen: b.getUint32(at + Packet.wireLen, true),
    capLen: b.getUint32(at + Packet.capLen, true), seq: b.getUint32(at + Packet.seq, true),
    ack: b.getUint32(at + Packet.ack, true), len: b.getUint32(at + Packet.len, true),
    flags: b.getUint16(at + Packet.tcpFlags, true), dir: b.getUint8(at + Packet.dir),
    analysis: b.getUint32(at + Packet.analysis, true), window: b.getUint32(at + Packet.window, true),
    stateA: b.getUint8(at + Packet.stateA), stateB: b.getUint8(at + Packet.stateB),
    linkType: b.getUint32(at + Packet.linkType, true),
  };
}

/** Seconds since the first packet, as the index has always given them: from the time's two words. */
function seconds(r: Rec, first: Rec): number {
  const words = (ns: bigint) => [Number(BigInt.asUintN(64, ns) >> 32n), Number(BigInt.asUintN(32, ns))];
  const [hi, lo] = words(r.ns), [bHi, bLo] = words(first.ns);
  return ((hi - bHi) * 4294967296 + (lo - bLo)) / 1e9;
}

/** Every value the index gives of each packet, and each flow's packets, against the records. */
function expectSame(ix: PacketIndex, recs: Rec[]): void {
  expect(ix.count).toBe(recs.length);
  // rows compared as text: toEqual over a few hundred thousand rows takes seconds
  const wrong: string[] = [];
  recs.forEach((r, i) => {
    const got = JSON.stringify([ix.time(i), ix.offset(i), ix.frame(i), ix.inFlow(i), ix.wireLen(i), ix.capLen(i), ix.seq(i),
      ix.ack(i), ix.len(i), ix.flags(i), ix.dir(i), ix.analysis(i), ix.window(i), ix.stateA(i), ix.stateB(i), ix.linkType(i)]);
    const want = JSON.stringify([seconds(r, recs[0]), Number(r.offset) + r.dataAt, r.frame, r.flow !== NONE, r.wireLen, r.capLen,
      r.seq, r.ack, r.len, r.flags, r.dir, r.analysis, r.window, r.stateA, r.stateB, r.linkType]);
    if (got !== want && wrong.length < 5) wrong.push(`packet ${i}: ${got}, not ${want}`);
  });
  expect(wrong).toEqual([]);
  const flows = new Map<number, number[]>();
  recs.forEach((r, i) => { if (r.flow !== NONE) flows.set(r.flow, flows.get(r.flow) ?? []).get(r.flow)!.push(i); });
  for (const [f, list] of flows) expect([f, Array.from(ix.packetsOf(f))]).toEqual([f, list]);
  // what the flow views are sent, gathered in one pass: every packet, those without a flow too
  const c = ix.gather(Uint32Array.from(recs, (_, i) => i));
  const one = (i: number) => [ix.frame(i), ix.time(i), ix.dir(i), ix.flags(i), ix.seq(i), ix.ack(i), ix.len(i), ix.window(i),
    ix.analysis(i), ix.wireLen(i), ix.stateA(i), ix.stateB(i)];
  const row = (k: number) => [c.frame[k], c.time[k], c.dir[k], c.flags[k], c.seq[k], c.ack[k], c.len[k], c.window[k],
    c.analysis[k], c.wireLen[k], c.stateA[k], c.stateB[k]];
  expect(JSON.stringify(recs.map((_, k) => row(k)))).toBe(JSON.stringify(recs.map((_, i) => one(i))));
  expect(ix.packetsOf(1 << 30).length).toBe(0);
}

describe('packet index', () => {
  it('gives back every value exactly, the ones past its narrow columns included', () => {
    // 140,000 packets: past two pages of 65,536, ordinary ones among the odd ones below
    const N = 140_000;
    let seed = 12345;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
    const T0 = 1_700_000_000_123_456_789n;
    const recs: Rec[] = [];
    let offset = 24n, frame = 0;
    for (let i = 0; i < N; i++) {
      frame++;
      const wireLen = 54 + rand(1460);
      recs.push({
        ns: BigInt(rand(2_000_000)), offset, dataAt: 16, frame, flow: 10 + rand(500), wireLen, capLen: wireLen,
        seq: rand(2 ** 31) * 2, ack: rand(2 ** 31), len: wireLen - 54, flags: 0x10 | rand(2) * 8, dir: rand(2),
        analysis: rand(50) ? 0 : 1 << rand(15), window: rand(65536), stateA: 4, stateB: 4, linkType: 1,
      });
      offset += BigInt(16 + wireLen);
    }
    // Times: each packet's gap after the one before, but for these (given the time before). A time
    // block starts where time goes back; a gap of 2^32 - 1 ns from a block's start still fits its u32,
    // 2^32 does not; the low word carries into the high one within a block.
    const S = 1_000_000_000n, BLOCK = 1n << 32n;
    const times = new Map<number, (t: bigint) => bigint>([
      [10, (t) => t - S],
      [11, (t) => t + BLOCK - 1n],
      [12, (t) => t + 1n],
      [13, (t) => t + 3600n * S],
      [14, (t) => t - 5n * S],
      [15, (t) => t - 1n],
      [16, (t) => ((t >> 32n) << 32n) - 16n],
      [17, (t) => t + 32n],
      [30_000, (t) => t + 80n * 86_400n * S], // 80 days on: still under 2^53 ns from the first
    ]);
    let ns = T0;
    recs.forEach((r, i) => { ns = i === 0 ? T0 : times.get(i)?.(ns) ?? ns + r.ns; r.ns = ns; });
    const at = (i: number, change: Partial<Rec>) => Object.assign(recs[i], change);
    // offsets past 4 GiB: the data offset crossing 2^32 by its header alone, then far beyond
    const far = (i: number, o: bigint) => { for (let j = i; j < N; j++) recs[j].offset += o; };
    far(1000, 0x1_0000_0000n - recs[1000].offset - 8n); // offset 2^32 - 8, data at 2^32 + 8
    at(1001, { dataAt: 0 });
    far(50_000, 5n << 30n);
    far(100_000, (1n << 44n) + 3n);
    far(139_999, (1n << 53n) - recs[139_999].offset - 16n - 1n); // the data's offset is 2^53 - 1
    // lengths past 65535: jumbo frames, TSO/LRO segments up to 256 KiB, a cut capture, the edges of the u16
    at(40, { wireLen: 65534, capLen: 65534, len: 65534 - 54 });
    at(41, { wireLen: 65535, capLen: 65535, len: 65535 - 54 });
    at(42, { wireLen: 65536, capLen: 96, len: 65536 - 66 });
    at(43, { wireLen: 262_144, capLen: 262_144, len: 262_144 - 54 });
    at(44, { wireLen: 9000, capLen: 70_000, len: 9000 });
    at(45, { wireLen: 60, capLen: 60, len: 200_000 }); // an IP length claiming more than the frame
    at(46, { wireLen: 70_000, capLen: 54, len: 0 }); // headers of 70,000 bytes
    at(47, { wireLen: 65_589, capLen: 54, len: 54 }); // wire length - len = 65,535
    at(48, { wireLen: 0, capLen: 0, len: 0 });
    // flags: reserved bits, all nine, none; direction, analysis and states at their limits and past
    at(50, { flags: 0xfff });
    at(51, { flags: 0x1ff, dir: 1, analysis: 0x7fff, stateA: 10, stateB: 10 });
    at(52, { analysis: 0x8000 | 1 });
    at(53, { stateA: 11, stateB: 0 });
    at(54, { stateA: 0, stateB: 255, dir: 1 });
    at(55, { dir: 2 });
    for (let a = 0; a < 11; a++) for (let b = 0; b < 11; b++) at(100 + a * 11 + b, { stateA: a, stateB: b });
    // packets without a flow: plain, and with states (the odd list keeps that it has no flow)
    at(300, { flow: NONE, flags: 0, dir: 0, analysis: 0, stateA: 0, stateB: 0, seq: 0, ack: 0 });
    at(301, { flow: NONE, flags: 0x12, seq: 0xffff_ffff, ack: 0xffff_ffff });
    at(302, { flow: NONE, stateA: 1 });
    at(303, { flow: NONE, analysis: 4 });
    at(304, { flow: NONE, dir: 1 });
    // flows whose packets are further apart than a u16 counts, and just within
    at(1000, { flow: 4 });
    at(1000 + 65_535, { flow: 4 });
    at(2000, { flow: 5 });
    at(2000 + 65_534, { flow: 5 });
    at(5, { flow: 3 });
    at(70_000, { flow: 3 });
    at(70_001, { flow: 3 });
    at(139_999, { flow: 3 });
    // link types changing (to 0 as well); frames skipping (a record the core did not write)
    for (let i = 60_000; i < 60_010; i++) at(i, { linkType: 113 });
    at(60_020, { linkType: 0 });
    at(60_021, { linkType: 0xffff_ffff });
    for (let j = 90_000; j < N; j++) recs[j].frame += 5;
    at(N - 1, { frame: 0xffff_ffff });

    // In batches of the core's sizes and odd ones, one of them not 4-byte aligned.
    const ix = new PacketIndex();
    const sizes = [1, 16_384, 7, 40_000, 3, 16_384, 65_536];
    let done = 0;
    for (let b = 0; done < N; b++) {
      const n = Math.min(sizes[b % sizes.length], N - done);
      const pad = b === 2 ? 2 : 0;
      const v = new DataView(new ArrayBuffer(pad + n * Packet.size), pad);
      for (let k = 0; k < n; k++) write(v, k * Packet.size, recs[done + k]);
      expect(read(v, 0)).toEqual(recs[done]);
      ix.add(v, n);
      done += n;
      if (b === 5) expectSame(ix, recs.slice(0, done)); // while loading, with pages still filling
    }
    expect(ix.baseNs).toBe(recs[0].ns);
    expect(ix.packetsOf(0).length).toBe(0);
    expectSame(ix, recs);
    ix.finish();
    expectSame(ix, recs);
    expect(ix.bytes / N).toBeLessThanOrEqual(32);
  });

  it('keeps a realistic capture in at most 32 bytes a packet, every value exact', async () => {
    for (const o of [
      { packets: 200_000, seed: 5, payload: 'headers', format: 'pcapng' },
      { packets: 30_000, seed: 6, payload: 'full', format: 'pcap' },
    ] satisfies GenerateOptions[]) {
      const parts: Uint8Array[] = [];
      generate(o, (slice) => parts.push(slice.slice()));
      const engine = new Engine(await instantiate(await readFile(wasmPath())));
      const ix = new PacketIndex();
      const recs: Rec[] = [];
      engine.begin({ onPackets: (v, n) => { ix.add(v, n); for (let i = 0; i < n; i++) recs.push(read(v, i)); } });
      await feed(engine, blobChunks(new Blob([concat(...parts) as Uint8Array<ArrayBuffer>])), streamGunzip);
      ix.finish();
      expect(recs.length).toBe(o.packets);
      expectSame(ix, recs);
      const perPacket = ix.bytes / ix.count;
      expect(perPacket).toBeGreaterThanOrEqual(30);
      expect(perPacket).toBeLessThanOrEqual(32);
      expect(ix.flowBytes).toBeLessThanOrEqual(8 * engine.flowCount);
    }
  });

  it('holds at most its limit, the first packets, exactly as without one', async () => {
    const parts: Uint8Array[] = [];
    generate({ packets: 100_000, seed: 7, payload: 'headers', format: 'pcap' }, (slice) => parts.push(slice.slice()));
    const engine = new Engine(await instantiate(await readFile(wasmPath())));
    const limit = 70_001; // past a page of 65,536, in the middle of one of the core's batches
    const ix = new PacketIndex(limit);
    const recs: Rec[] = [];
    const kept: number[] = [];
    engine.begin({ onPackets: (v, n) => { kept.push(ix.add(v, n)); for (let i = 0; i < n; i++) recs.push(read(v, i)); } });
    await feed(engine, blobChunks(new Blob([concat(...parts) as Uint8Array<ArrayBuffer>])), streamGunzip);
    ix.finish();
    expect(recs.length).toBe(100_000);
    expect(kept.reduce((a, b) => a + b, 0)).toBe(limit);
    expect(kept.filter((k) => k === 0).length).toBeGreaterThan(0); // batches past the limit: none kept
    expectSame(ix, recs.slice(0, limit));
  });

  it('is budgeted a quarter of the memory the browser reports, at 32 bytes a packet', () => {
    expect(indexLimit(8)).toBe(2 ** 31 / 32);
    expect(indexLimit(4)).toBe(2 ** 30 / 32);
    expect(indexLimit(0.5)).toBe(2 ** 27 / 32);
    expect(indexLimit(undefined)).toBe(indexLimit(8)); // not reported: as for 8 GiB, what browsers report at most
  });
});
