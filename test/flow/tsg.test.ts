// The time-sequence graph's data and the state bands, on made-up packet columns: sequence numbers
// that wrap, window scaling only after the handshake, bad-TCP marks, and decimation that never
// yields more than one bar per pixel column however many packets there are.

import { describe, it, expect } from 'vitest';
import type { FlowPackets } from '../../src/worker/analyzer.js';
import { decimate, allocColumns, ticks, seqLabels, timeLabels } from '../../src/app/flow/tsg.js';
import { buildSeries, KIND_BAD, KIND_SYN } from '../../src/worker/flow-series.js';
import { stateBands } from '../../src/app/flow/states.js';

const SYN = 2, ACK = 16, FIN = 1;

/** Columns for `rows` of [time, dir, flags, seq, ack, len, window, analysis, clientState, serverState]. */
function packets(rows: number[][]): FlowPackets {
  const n = rows.length;
  const col = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(C: new (n: number) => T, i: number): T => {
    const a = new C(n);
    rows.forEach((r, k) => { a[k] = r[i] ?? 0; });
    return a;
  };
  return {
    count: n, packet: Uint32Array.from(rows.map((_, k) => k)), frame: Uint32Array.from(rows.map((_, k) => k + 1)),
    time: col(Float64Array, 0), dir: col(Uint8Array, 1), flags: col(Uint16Array, 2), seq: col(Uint32Array, 3),
    ack: col(Uint32Array, 4), len: col(Uint32Array, 5), window: col(Uint32Array, 6), analysis: col(Uint32Array, 7),
    wireLen: col(Uint32Array, 5), clientState: col(Uint8Array, 8), serverState: col(Uint8Array, 9),
  };
}

describe('time-sequence series', () => {
  const p = packets([
    [0.0, 0, SYN, 0, 0, 0, 65535, 0, 2, 1],
    [0.1, 1, SYN | ACK, 0, 1, 0, 14480, 0, 2, 3],
    [0.2, 0, ACK, 1, 1, 0, 502, 0, 4, 3],
    [0.3, 0, ACK, 1, 1, 1000, 502, 0, 4, 4],
    [0.4, 1, ACK, 1, 1001, 0, 100, 0, 4, 4],
    [0.5, 0, ACK, 1, 1, 1000, 502, 1, 4, 4], // a retransmission
    [0.6, 0, FIN | ACK, 1001, 1, 0, 502, 0, 5, 4],
  ]);

  it('takes the sender\'s segments and the receiver\'s ACKs, with the window scaled after the SYN', () => {
    const s = buildSeries(p, 0, [7, 4]);
    expect(Array.from(s.seg)).toEqual([0, 3, 5, 6]);
    expect(Array.from(s.segLo)).toEqual([0, 1, 1, 1001]);
    expect(Array.from(s.segHi)).toEqual([1, 1001, 1001, 1002]);
    expect(s.segKind[0] & KIND_SYN).toBeTruthy();
    expect(s.segKind[2] & KIND_BAD).toBeTruthy();
    expect(Array.from(s.ackPk)).toEqual([1, 4]);
    // The SYN+ACK's window is never scaled; the server's later ones by its shift, 4.
    expect(Array.from(s.winAt)).toEqual([1 + 14480, 1001 + 100 * 16]);
    expect(s.scale).toBe(4);
    // Without both SYNs' options, no scaling; without a handshake, unknown.
    expect(buildSeries(p, 0, [7, null]).scale).toBe(0);
    expect(buildSeries(p, 0, null).scale).toBeNull();
  });

  it('follows sequence numbers past 2^32', () => {
    const q = packets([[0, 0, ACK, 4294967000, 0, 1000], [1, 0, ACK, 704, 0, 1000], [2, 0, ACK, 4294967000, 0, 1000]]);
    const s = buildSeries(q, 0, null);
    expect(Array.from(s.segLo)).toEqual([4294967000, 4294968000, 4294967000]);
  });

  it('folds a million segments to one bar per pixel column', () => {
    const n = 1_000_000;
    const rows: number[][] = [];
    for (let k = 0; k < n; k++) rows.push([k * 1e-3, k & 1, ACK, (k >> 1) * 1448, (k >> 1) * 1448, k & 1 ? 0 : 1448, 1000, k % 997 === 0 ? 1 : 0]);
    const s = buildSeries(packets(rows), 0, [0, 0]);
    expect(s.seg.length).toBe(n / 2);
    const cols = decimate(s, { t0: 0, t1: n * 1e-3 }, 800, allocColumns(800));
    let bars = 0, count = 0;
    for (let x = 0; x < 800; x++) if (cols.segCount[x]) { bars++; count += cols.segCount[x]; }
    expect(bars).toBe(800);
    expect(count).toBe(n / 2);
    expect(cols.segMin[0]).toBe(0);
    expect(cols.segMax[799]).toBe(s.yMax);
    // Zoomed in on 10 ms: only those segments, found by binary search.
    const z = decimate(s, { t0: 100, t1: 100.01 }, 800, cols);
    let inView = 0;
    for (let x = 0; x < 800; x++) inView += z.segCount[x];
    expect(inView).toBe(5);
    expect(z.ackBefore).toBe(49999 * 1448);
  });

  it('folds whole blocks to the same columns as packet by packet', () => {
    let seed = 3;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const rows: number[][] = [];
    let t = 0, seq = 1, ack = 1;
    for (let k = 0; k < 200_000; k++) {
      t += rand() < 0.01 ? rand() * 0.5 : rand() * 1e-4; // bursts and pauses
      if (rand() < 0.6) { rows.push([t, 0, ACK, seq, 1, 1448, 500, rand() < 0.01 ? 1 : 0]); seq += 1448; }
      else { ack = Math.min(seq, ack + 2896); rows.push([t, 1, ACK, 1, ack, 0, 1000 + Math.floor(rand() * 100)]); }
    }
    const sacks: number[] = [];
    rows.forEach((r, k) => { if (r[1] === 1 && rand() < 0.2) sacks.push(k, r[4] + 1448, r[4] + 2896); });
    const s = buildSeries(packets(rows), 0, [2, 3], Float64Array.from(sacks));
    expect(s.blocks).not.toBeNull();
    const end = rows[rows.length - 1][0];
    for (const [t0, t1, w] of [[-1, end + 1, 800], [end * 0.3, end * 0.31, 640], [end * 0.5, end * 0.5001, 1000], [0, end, 37]]) {
      const a = decimate(s, { t0, t1 }, w, allocColumns(w), true);
      const b = decimate(s, { t0, t1 }, w, allocColumns(w), false);
      for (const key of ['segMin', 'segMax', 'segCount', 'segOnly', 'badMin', 'badMax', 'synFin', 'sackMin', 'sackMax'] as const) {
        expect(Array.from(a[key]), key).toEqual(Array.from(b[key]));
      }
      for (const line of ['ack', 'win'] as const) {
        for (const key of ['first', 'min', 'max', 'last'] as const) expect(Array.from(a[line][key]), `${line}.${key}`).toEqual(Array.from(b[line][key]));
      }
      expect([a.visible, a.ackBefore, a.winBefore]).toEqual([b.visible, b.ackBefore, b.winBefore]);
    }
  });

  it('picks round ticks, labelled in one unit that tells them apart', () => {
    expect(ticks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]);
    expect(ticks(-3, 1048, 4)).toEqual([0, 500, 1000]);
    expect(seqLabels(ticks(0, 5000, 5))).toEqual(['0', '1000', '2000', '3000', '4000', '5000']);
    expect(seqLabels(ticks(0, 1e9, 5))).toEqual(['0 M', '200 M', '400 M', '600 M', '800 M', '1000 M']);
    expect(seqLabels(ticks(470490000, 470490010, 2))).toEqual(['470,490,000', '470,490,005', '470,490,010']);
    expect(timeLabels(ticks(0, 0.2, 4))).toEqual(['0 ms', '50 ms', '100 ms', '150 ms', '200 ms']);
    expect(timeLabels(ticks(0.07, 0.0702, 4))).toEqual(['70.05 ms', '70.10 ms', '70.15 ms', '70.20 ms']);
    expect(timeLabels(ticks(4.555836, 4.555844, 4))).toEqual(['4.555836 s', '4.555838 s', '4.555840 s', '4.555842 s', '4.555844 s']);
  });
});

describe('state bands', () => {
  it('start where the state changes, with the frame that changed it', () => {
    const p = packets([[0, 0, SYN, 0, 0, 0, 0, 0, 2, 1], [0.1, 1, SYN | ACK, 0, 1, 0, 0, 0, 4, 3], [0.2, 0, ACK, 1, 1, 0, 0, 0, 4, 4]]);
    expect(stateBands(p, 0)).toEqual([
      { state: 'SYN_SENT', k: 0, frame: 1, from: 0, to: 0.1 },
      { state: 'ESTABLISHED', k: 1, frame: 2, from: 0.1, to: Infinity },
    ]);
    expect(stateBands(p, 1).map((b) => b.state)).toEqual(['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED']);
  });
});
