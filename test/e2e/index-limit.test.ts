// The packet index at its limit (?index-limit=N here; by default a quarter of the device's memory):
// past it the core still reads and analyses every packet, so the table's flows and their counts are
// the whole capture's, a warning names the first packet left out of the index, and a flow that goes
// on past it shows the packets before it and says how many there are in all.

import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { analyzeFile } from '../../src/core/node.js';
import { readPacket } from '../../src/core/packets.js';
import { openCapture, screenshot, CORPUS } from './harness.js';
import { useApp } from './app-page.js';

const CAPTURE = join(CORPUS, 'tcpreplay/test.pcap');

const app = useApp();

describe('the packet index at its limit', () => {
  it('keeps every flow whole and says where the per-packet views end', async () => {
    const frames: number[] = [];
    const flowOf: number[] = [];
    const engine = await analyzeFile(CAPTURE, {
      onPackets: (v, n) => {
        for (let i = 0; i < n; i++) { const r = readPacket(v, i); frames.push(r.frame); flowOf.push(r.flow); }
      },
    });
    const flows = engine.flows();
    const limit = Math.floor(frames.length / 2);
    // the flow with the most packets on both sides of the limit
    const before = new Map<number, number>(), after = new Map<number, number>();
    flowOf.forEach((f, i) => { const m = i < limit ? before : after; m.set(f, (m.get(f) ?? 0) + 1); });
    const cut = [...before.keys()].filter((f) => after.has(f) && f >= 0)
      .sort((a, b) => Math.min(before.get(b)!, after.get(b)!) - Math.min(before.get(a)!, after.get(a)!))[0];
    expect(cut).toBeDefined();

    const { page, errors } = await app.start(undefined, `?index-limit=${limit}`);
    await openCapture(page, CAPTURE);
    expect(await page.getByTestId('flow-table').getAttribute('aria-rowcount')).toBe(String(flows.length));
    const warnings = page.getByTestId('warnings');
    await warnings.locator('summary').click();
    await expect.poll(() => warnings.textContent()).toContain(`packet ${frames[limit]}`);
    expect(await warnings.textContent()).toContain(`the packet index is full: it holds the first ${limit} packets`);

    const grid = page.getByTestId('flow-table');
    await grid.focus();
    await grid.press('Home');
    for (let i = 0; i < cut; i++) await grid.press('ArrowDown');
    await grid.press('Enter');
    const note = page.getByTestId('flow-cut');
    await note.waitFor();
    const total = flows[cut].packets.client + flows[cut].packets.server;
    expect(total).toBe(before.get(cut)! + after.get(cut)!);
    expect(await note.textContent()).toContain(`Showing the first ${before.get(cut)} of this flow's ${total} packets`);
    expect(await page.getByTestId('packet-list').getAttribute('aria-rowcount')).toBe(String(before.get(cut)));
    await screenshot(page, 'index-limit');
    expect(errors).toEqual([]);
  });
});
