// A million flows: the table must stay a window onto them (a few dozen rows in the DOM), and sort,
// filter and jump to the end without freezing the page.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { serveDist, launch, newPage, openCapture, screenshot, OUTPUT } from './harness.js';
import { manyUdpFlows } from './synthetic.js';

const N = 1_000_000;
let server: Awaited<ReturnType<typeof serveDist>>;
let browser: Browser;
let file: string;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  file = join(OUTPUT, 'million-flows.pcap'); // a path, not a buffer: 58 MB is past what the protocol carries
  writeFileSync(file, manyUdpFlows(N));
  server = await serveDist();
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a million flows', () => {
  it('loads, scrolls, filters and sorts', async () => {
    const { page, errors } = await newPage(browser);
    await page.goto(server.url);
    const started = Date.now();
    await openCapture(page, file);
    const loadMs = Date.now() - started;
    const grid = page.getByTestId('flow-table');
    const status = () => page.getByTestId('filter-status').textContent();
    expect(await grid.getAttribute('aria-rowcount')).toBe(String(N));
    expect(await status()).toContain('1,000,000 of 1,000,000 flows');
    const drawn = () => page.locator('[data-testid="flow-table"] [role="row"][aria-rowindex]').count();
    expect(await drawn()).toBeLessThan(80);

    // Jump to the end: the last flow is drawn, and still only a window of rows exists.
    let t = Date.now();
    await grid.focus();
    await grid.press('End');
    await expect.poll(() => page.locator(`#flow-row-${N - 1} .c-stream`).textContent()).toBe(String(N - 1));
    const endMs = Date.now() - t;
    expect(await drawn()).toBeLessThan(80);
    await screenshot(page, 'million-end');

    // Scrolling by the scrollbar to the middle shows the middle flows.
    await grid.evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
    await expect.poll(async () => Number(await page.locator('[data-testid="flow-table"] [role="row"][aria-rowindex] .c-stream').first().textContent()))
      .toBeGreaterThan(N / 2 - 100);

    t = Date.now();
    await page.getByTestId('filter').fill('ip.src == 10.0.0.0/24');
    await page.getByTestId('filter').press('Enter');
    await expect.poll(status, { timeout: 20_000 }).toContain('65,536 of 1,000,000 flows');
    const filterMs = Date.now() - t;

    t = Date.now();
    await page.getByRole('columnheader', { name: 'Client' }).getByRole('button').click();
    await page.getByRole('columnheader', { name: 'Client' }).getByRole('button').click();
    await expect.poll(() => page.locator('#flow-row-0 .c-client').textContent(), { timeout: 20_000 }).toBe('10.0.0.255:1279');
    const sortMs = Date.now() - t;

    await page.getByTestId('filter').fill('');
    await page.getByTestId('filter').press('Enter');
    await expect.poll(() => page.locator('#flow-row-0 .c-client').textContent(), { timeout: 20_000 }).toBe('10.0.15.66:1087');
    await screenshot(page, 'million-sorted');
    console.log(`a million flows: load ${loadMs} ms, end ${endMs} ms, filter ${filterMs} ms, sort ${sortMs} ms`);
    expect(errors).toEqual([]);
  }, 180_000);
});
