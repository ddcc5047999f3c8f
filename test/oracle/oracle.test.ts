import { describe, it, expect, beforeAll } from 'vitest';
import { compareAll, compareUdp, formatAgreement, f1, oracleCases, DETAILS, type Agreement } from './wireshark.js';
import { ANALYSIS_FLAGS } from '../../src/core/layout.js';

// The bar from the analysis issue: micro-F1 >= 0.99 over all flags, each flag >= 0.95 where tshark
// raises it five times or more, the same streams, per-stream totals, and initial RTT within 1 µs.
describe('agreement with tshark 4.0.17', () => {
  let g: Agreement;
  beforeAll(async () => {
    g = await compareAll();
    console.log(formatAgreement(g));
  }, 300_000);

  it('has every recorded capture to compare', () => {
    expect(oracleCases().length).toBeGreaterThanOrEqual(55);
  });
  it('raises the same tcp.analysis flags (micro-F1 >= 0.99)', () => {
    expect(g.microF1).toBeGreaterThanOrEqual(0.99);
  });
  it.each(ANALYSIS_FLAGS.map((f) => [f]))('agrees on %s (F1 >= 0.95 where frequent)', (flag) => {
    const c = g.flags[flag];
    if (c.tp + c.fn >= 5) expect(f1(c), JSON.stringify(c)).toBeGreaterThanOrEqual(0.95);
    else expect(c.fp, `${flag} raised where tshark raises it ${c.tp + c.fn} times`).toBeLessThanOrEqual(Math.max(2, c.tp + c.fn));
  });
  it('numbers TCP streams as tcp.stream does', () => {
    expect(g.streamsEqual).toBe(g.packets);
  });
  it('has the same packets and bytes per stream', () => {
    expect(g.streamTotalsEqual).toBe(g.streams);
  });
  it('has the same initial RTT, within 1 µs', () => {
    expect(g.rttsEqual).toBe(g.rtts);
  });
  it('has the same relative sequence and acknowledgement numbers', () => {
    expect(g.seqAckEqual).toBe(g.packets);
  });
  it('has the same tcp.completeness, FTP data connections included', () => {
    expect(g.completenessEqual).toBe(g.completeness);
  });
  it.each(DETAILS.map((d) => [d]))('has the same %s on every packet tshark gives it', (d) => {
    expect(g.details[d].total).toBeGreaterThan(0);
    expect(g.details[d].equal).toBe(g.details[d].total);
  });
});

describe('udp.stream', () => {
  it('names the same UDP conversation as tshark 4.0.17 for every packet it numbers', async () => {
    const results = await compareUdp();
    expect(results.length).toBeGreaterThanOrEqual(9);
    for (const r of results) expect(r.equal, `${r.capture}: ${r.mismatches.join('; ')}`).toBe(r.packets);
  });
});
