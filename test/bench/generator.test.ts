// The benchmark's capture generator (bench/generate.ts): a seed always gives the same bytes, and
// what the generator says it sent is what the engine finds in the capture: its packets, its flows,
// and the retransmissions, duplicate ACKs and zero windows that its loss model makes.

import { describe, expect, test } from 'vitest';
import { generate, type GenerateOptions, type GenerateStats } from '../../bench/generate.js';
import { analyzeBytes } from '../../src/core/node.js';
import { concat } from '../helpers/capture-writer.js';
import type { AnalysisFlag } from '../../src/core/tcp-summary.js';

function capture(o: GenerateOptions): { bytes: Uint8Array; stats: GenerateStats } {
  const parts: Uint8Array[] = [];
  const stats = generate(o, (slice) => parts.push(slice.slice()));
  return { bytes: concat(...parts), stats };
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);

describe('the same seed, the same capture', () => {
  for (const format of ['pcap', 'pcapng'] as const) {
    for (const payload of ['headers', 'full'] as const) {
      test(`${format}, ${payload}`, () => {
        const o: GenerateOptions = { packets: 3000, seed: 7, payload, format };
        const a = capture(o), b = capture(o);
        expect(a.bytes.length).toBe(a.stats.bytes);
        expect(a.stats.packets).toBe(3000);
        expect(same(a.bytes, b.bytes)).toBe(true);
        expect(b.stats).toEqual(a.stats);
        expect(same(a.bytes, capture({ ...o, seed: 8 }).bytes)).toBe(false);
      });
    }
  }

  test('a size stops it after the record that reaches it', () => {
    const { bytes, stats } = capture({ size: 2_000_000, seed: 1, payload: 'full', format: 'pcap' });
    expect(bytes.length).toBe(stats.bytes);
    expect(stats.bytes).toBeGreaterThanOrEqual(2_000_000);
    expect(stats.bytes).toBeLessThan(2_000_000 + 16 + 1514);
  });
});

describe('read back by the engine', () => {
  // few conversations at once, so that 40 000 packets span seconds: long enough for persist timers
  const o: GenerateOptions = { packets: 40_000, seed: 3, payload: 'headers', format: 'pcap', concurrency: 50 };
  const { bytes, stats } = capture(o);
  const read = analyzeBytes(bytes).then((engine) => ({ summary: engine.summary(), flows: engine.flows() }));

  test('every packet and every flow, headers only on the wire lengths', async () => {
    const { summary, flows } = await read;
    expect(summary.warnings).toEqual([]);
    expect(summary.packets).toBe(o.packets);
    expect(summary.bytes).toBe(stats.wireBytes);
    expect(summary.capturedBytes).toBeLessThan(summary.bytes / 5);
    expect(summary.flows).toBe(stats.flows.tcp + stats.flows.udp);
    expect(flows.filter((f) => f.proto === 'tcp')).toHaveLength(stats.flows.tcp);
    expect(flows.filter((f) => f.proto === 'udp')).toHaveLength(stats.flows.udp);
  });

  test('the loss model: retransmissions, duplicate ACKs, zero windows and their probes', async () => {
    const { flows } = await read;
    const total = (flag: AnalysisFlag) => flows.reduce((n, f) => n + (f.tcp?.analysis[flag] ?? 0), 0);
    const sent = stats.sent;
    const retransmitted = sent.FAST_RETRANSMISSION + sent.SACK_RETRANSMISSION + sent.TIMEOUT_RETRANSMISSION + sent.SYN_RETRANSMISSION;
    expect(sent.FAST_RETRANSMISSION).toBeGreaterThan(0);
    expect(sent.TIMEOUT_RETRANSMISSION).toBeGreaterThan(0);
    // a retransmission of a segment the capture saw is one; of a segment lost before it, out of order
    const found = total('retransmission') + total('out_of_order');
    expect(found).toBeLessThanOrEqual(retransmitted);
    expect(found).toBeGreaterThan(0.9 * retransmitted);
    expect(total('fast_retransmission')).toBeGreaterThan(0);
    // the first ACK to report a hole can still move the ACK on: it is not a duplicate
    expect(total('duplicate_ack')).toBeLessThanOrEqual(sent.DUPLICATE_ACK);
    expect(total('duplicate_ack')).toBeGreaterThan(0.9 * sent.DUPLICATE_ACK);
    expect(sent.ZERO_WINDOW_ACK).toBeGreaterThan(0);
    expect(total('zero_window')).toBe(sent.ZERO_WINDOW_ACK);
    expect(sent.ZERO_WINDOW_PROBE).toBeGreaterThan(0);
    expect(total('zero_window_probe')).toBe(sent.ZERO_WINDOW_PROBE);
    expect(total('window_update')).toBe(sent.WINDOW_UPDATE);
  });

  test('handshakes and every kind of teardown', async () => {
    const { flows } = await read;
    const tcp = flows.filter((f) => f.tcp).map((f) => f.tcp!);
    const seen = (f: (t: (typeof tcp)[number]) => string | boolean | null) => new Set(tcp.map(f));
    for (const outcome of ['complete', 'refused', 'unanswered']) expect(seen((t) => t.handshake.outcome)).toContain(outcome);
    for (const outcome of ['fin', 'reset']) expect(seen((t) => t.teardown.outcome)).toContain(outcome);
    for (const closer of ['client', 'server']) expect(seen((t) => t.teardown.activeCloser)).toContain(closer);
    for (const finAck of ['combined', 'separate']) expect(seen((t) => t.teardown.finAck)).toContain(finAck);
    expect(seen((t) => t.teardown.simultaneous)).toContain(true);
    // Linux's SYN options and Windows's, which have no timestamps
    expect(seen((t) => t.client.options?.timestamps ?? null)).toEqual(new Set([true, false]));
    expect(tcp.every((t) => !t.client.options || (t.client.options.sackPermitted && t.client.options.windowScale !== null))).toBe(true);
  });
});
