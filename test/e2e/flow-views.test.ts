// The open flow's views in a real browser, on real captures: the time-sequence graph is drawn and
// zooms, the state lanes show the transitions the core found, the account tells the flow's facts,
// and a picked packet's headers are decoded with their bytes lit in the hex dump.

import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { analyzeFile } from '../../src/core/node.js';
import type { FlowSummary } from '../../src/core/engine.js';
import { openCapture, screenshot, CORPUS } from './harness.js';
import { useApp } from './app-page.js';

const HTTP_GET = join(CORPUS, 'zeek/traces/http/get.pcap');
const TCPREPLAY = join(CORPUS, 'tcpreplay/test.pcap');
const DSACK = join(CORPUS, 'tcptrace/input/dsack.dmp');

const app = useApp();

/** Opens the flow at `row` of the table (capture order). */
async function openFlow(page: Page, row = 0): Promise<void> {
  const grid = page.getByTestId('flow-table');
  await grid.focus();
  await grid.press('Home');
  for (let i = 0; i < row; i++) await grid.press('ArrowDown');
  await grid.press('Enter');
  await page.getByTestId('flow-panel').waitFor();
  await page.getByTestId('account').waitFor();
}

/** A new page with `path` open at the flow at `row`; the engine's flows of the same file. */
async function openFlowOf(path: string, row = 0, options?: Parameters<typeof app.start>[0]) {
  const { page, errors } = await app.start(options);
  await openCapture(page, path);
  await openFlow(page, row);
  return { page, errors, flows: await flowsOf(path) };
}

/** Shows one side's data in the graph and waits for its series, which the worker builds. */
async function showSide(page: Page, side: 0 | 1): Promise<void> {
  await page.getByTestId(`tsg-side-${side}`).click();
  await page.locator('[data-testid="tsg"][aria-busy="false"]').waitFor();
}

async function openGraph(page: Page): Promise<void> {
  await page.getByTestId('tab-tsg').click();
  await page.getByTestId('tsg-canvas').waitFor();
  await expect.poll(() => inked(page)).toBeGreaterThan(500);
}

/** Pixels of the canvas that are not transparent, those in Wireshark's bad-TCP red and in tcptrace's SACK purple. */
async function pixels(page: Page): Promise<{ inked: number; bad: number; sack: number; hash: number }> {
  return page.getByTestId('tsg-canvas').evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let inked = 0, bad = 0, sack = 0, hash = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] === 0) continue;
      inked++;
      const near = (r: number, g: number, b: number) => d[i + 3] > 200 && Math.abs(d[i] - r) < 14 && Math.abs(d[i + 1] - g) < 14 && Math.abs(d[i + 2] - b) < 14;
      if (near(255, 92, 92)) bad++;
      if (near(0x9a, 0x5c, 0xd0)) sack++;
      hash = (hash * 31 + d[i] + d[i + 1] * 7 + d[i + 2] * 13 + i) >>> 0;
    }
    return { inked, bad, sack, hash };
  });
}
const inked = async (page: Page) => (await pixels(page)).inked;
const viewOf = (page: Page) => page.getByTestId('tsg-canvas').getAttribute('data-view');

async function lane(page: Page, side: 'client' | 'server'): Promise<{ state: string; frame: number }[]> {
  const bands = page.getByTestId('state-lanes').locator(`[data-side="${side}"] [data-state]`);
  const n = await bands.count();
  const out: { state: string; frame: number }[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ state: (await bands.nth(i).getAttribute('data-state'))!, frame: Number(await bands.nth(i).getAttribute('data-frame')) });
  }
  return out;
}

async function flowsOf(path: string): Promise<FlowSummary[]> {
  return (await analyzeFile(path)).flows();
}

describe('the flow views', () => {
  it('draws the time-sequence graph of a TCP flow, zooms, pans and resets', async () => {
    const { page, errors } = await openFlowOf(HTTP_GET);
    await openGraph(page);
    const canvas = page.getByTestId('tsg-canvas');
    // The backing store follows the screen's pixel ratio.
    const sizes = await canvas.evaluate((el) => [(el as HTMLCanvasElement).width, el.clientWidth, devicePixelRatio]);
    expect(sizes[0]).toBe(Math.round(sizes[1] * sizes[2]));
    await screenshot(page, 'tsg-client');

    // The server's data: 5007 bytes in four segments.
    await showSide(page, 1);
    expect(await page.getByTestId('tsg').locator('.legend').textContent()).toContain('segments (6)');
    const before = await pixels(page);
    const home = await viewOf(page);
    expect(await page.getByTestId('tsg-reset').isDisabled()).toBe(true);

    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4);
    await page.mouse.wheel(0, -400);
    await expect.poll(() => viewOf(page)).not.toBe(home);
    await expect.poll(async () => (await pixels(page)).hash).not.toBe(before.hash);
    expect(await page.getByTestId('tsg-reset').isDisabled()).toBe(false);
    await screenshot(page, 'tsg-zoomed');

    // Dragging pans: the time range moves, its length stays.
    const span = (v: string | null) => { const [a, b] = v!.split(' ').map(Number); return b - a; };
    const zoomed = await viewOf(page);
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5, { steps: 5 });
    await page.mouse.up();
    const panned = await viewOf(page);
    expect(panned).not.toBe(zoomed);
    expect(span(panned)).toBeCloseTo(span(zoomed), 9);

    // Reset, then shift-drag a box: the view becomes that box.
    await page.getByTestId('tsg-reset').click();
    await expect.poll(() => viewOf(page)).toBe(home);
    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.6, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    expect(span(await viewOf(page))).toBeLessThan(span(home) * 0.6);
    await page.getByTestId('tsg-reset').click();

    // A click on the SYN picks it: the packet tab shows frame 1.
    await showSide(page, 0);
    const [t0, t1, y0, y1] = (await viewOf(page))!.split(' ').map(Number);
    const x = 70 + ((0 - t0) / (t1 - t0)) * (box.width - 84), y = 10 + ((y1 - 0.5) / (y1 - y0)) * (box.height - 32);
    await page.mouse.click(box.x + x, box.y + y);
    await expect.poll(() => page.getByTestId('tab-packet').textContent()).toContain('Packet 1');
    expect(errors).toEqual([]);
  });

  it('is crisp on a HiDPI screen and answers the keyboard', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(app.url);
    await openCapture(page, HTTP_GET);
    await openFlow(page);
    await openGraph(page);
    const canvas = page.getByTestId('tsg-canvas');
    const [backing, css] = await canvas.evaluate((el) => [(el as HTMLCanvasElement).width, el.clientWidth]);
    expect(backing).toBe(css * 2);
    await screenshot(page, 'tsg-hidpi');
    const home = await viewOf(page);
    await canvas.focus();
    await page.keyboard.press('+');
    await expect.poll(() => viewOf(page)).not.toBe(home);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('0');
    await expect.poll(() => viewOf(page)).toBe(home);
    await context.close();
    expect(errors).toEqual([]);
  });

  it('shows each endpoint\'s states as the core found them, on the graph\'s time axis', async () => {
    const { page, errors, flows: [flow] } = await openFlowOf(HTTP_GET);
    await openGraph(page);
    const client = await lane(page, 'client'), server = await lane(page, 'server');
    expect(client).toEqual(flow.tcp!.client.states);
    expect(server).toEqual(flow.tcp!.server.states);
    expect(client.map((b) => b.state)).toEqual(['SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'TIME_WAIT']);
    expect(server.map((b) => b.state)).toEqual(['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSED']);
    // Bands line up with time: later transitions sit further right.
    const lefts = await page.getByTestId('state-lanes').locator('[data-side="client"] [data-state]')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().left));
    expect([...lefts].sort((a, b) => a - b)).toEqual(lefts);
    expect(await page.getByTestId('state-lanes').textContent()).toContain('TIME_WAIT');
    // A band picks the packet that caused it.
    await page.getByTestId('state-lanes').locator('[data-side="client"] [data-state="FIN_WAIT_1"]').click();
    await expect.poll(() => page.getByTestId('tab-packet').textContent()).toContain('Packet 12');
    expect(errors).toEqual([]);
  });

  it('tells the flow in words: ISNs, the handshake, the data, the closer', async () => {
    const { page, errors, flows: [flow] } = await openFlowOf(HTTP_GET);
    const tcp = flow.tcp!;
    const text = (await page.getByTestId('account').textContent())!;
    expect(text).toContain(`The client ${flow.client.ip}:${flow.client.port} chose ISN ${tcp.client.isn} and sent SYN (MSS 1460, window scale 4, SACK permitted, timestamps)`);
    expect(text).toContain(`The server answered with SYN+ACK after 69.7 ms in frame 2: ISN ${tcp.server.isn} (MSS 1460, window scale 7, SACK permitted, timestamps), relative Seq 0, Ack 1.`);
    expect(text).toContain('initial RTT 70.0 ms');
    expect(text).toContain('The client sent 136 bytes in one data segment, the server 5,007 bytes in 4 data segments.');
    expect(text).toContain('The client closed first, with a FIN at 143 ms (frame 12).');
    expect(text).toContain('carrying the ACK of the first FIN');
    expect(text).toContain('The client waited in TIME_WAIT');
    await screenshot(page, 'account');

    // The same in Korean.
    await page.getByTestId('language').selectOption('ko');
    await expect.poll(() => page.getByTestId('account').textContent()).toContain(`고른 ISN: ${tcp.client.isn}`);
    expect(await page.getByTestId('account').textContent()).toContain('클라이언트가 먼저 닫았습니다');
    expect(errors).toEqual([]);
  });

  it('decodes a picked packet\'s headers and lights their bytes', async () => {
    const { page, errors } = await openFlowOf(HTTP_GET);
    await page.getByTestId('packet-list').locator('#packet-row-0').click();
    const detail = page.getByTestId('packet-detail');
    await detail.waitFor();
    const field = (id: string) => detail.locator(`[data-field="${id}"]`).first();
    expect(await field('tcp.flags.syn').getAttribute('aria-checked')).toBe('true');
    expect(await field('tcp.flags.ack').getAttribute('aria-checked')).toBe('false');
    expect(await field('tcp.srcport').textContent()).toContain('59856');
    expect(await field('tcp.seq').textContent()).toContain('4263588410 · relative 0');
    expect(await field('tcp.options.mss').textContent()).toContain('MSS 1460');
    expect(await field('tcp.options.wscale').textContent()).toContain('WS 4');
    expect(await field('ip.src').textContent()).toContain('141.142.228.5');
    expect(await field('eth.type').textContent()).toContain('0x0800');

    // Pointing at the source port lights its two bytes (0xe9d0 = 59856), in hex and as text.
    await field('tcp.srcport').hover();
    const lit = page.getByTestId('hexdump').locator('span.lit');
    await expect.poll(() => lit.count()).toBe(4);
    expect(await lit.allTextContents()).toEqual(['e9', 'd0', expect.any(String), expect.any(String)]);
    await screenshot(page, 'packet-detail');

    // Pointing at a byte lights its field: byte 0x2f holds the flags.
    await page.getByTestId('hexdump').locator('span[data-i="47"]').first().hover();
    await expect.poll(() => detail.locator('.cell.on').getAttribute('data-field')).toMatch(/^tcp\.flags\./);
    // A click keeps it lit when the pointer leaves.
    await page.getByTestId('hexdump').locator('span[data-i="34"]').first().click();
    await page.mouse.move(0, 0);
    await expect.poll(() => detail.locator('.cell.on').getAttribute('data-field')).toBe('tcp.srcport');

    // A data segment: the payload and the scaled window.
    await page.getByTestId('packet-list').locator('#packet-row-5').click();
    await expect.poll(() => page.getByTestId('tab-packet').textContent()).toContain('Packet 6');
    await expect.poll(() => field('data').textContent()).toMatch(/Payload\d[\d,]* bytes/);
    expect(await field('tcp.window_size_value').textContent()).toMatch(/scaled \d+ × \d+ = \d+/);
    expect(errors).toEqual([]);
  });

  it('marks retransmissions in the bad-TCP colour and tells of them', async () => {
    const { page, errors, flows } = await openFlowOf(TCPREPLAY);
    const first = flows[0];
    expect(first.tcp!.analysis.retransmission).toBeGreaterThan(0);
    const text = (await page.getByTestId('account').textContent())!;
    expect(text).toContain('mid-stream');
    const re = first.tcp!.client.retransmittedPackets + first.tcp!.server.retransmittedPackets;
    expect(text).toContain(`${re} segments were retransmitted`);
    expect(text).toContain('both went through CLOSING');
    await openGraph(page);
    // The retransmitted segments are the client's: its graph shows them red.
    await expect.poll(async () => (await pixels(page)).bad).toBeGreaterThan(10);
    await screenshot(page, 'tsg-retransmissions');
    expect((await lane(page, 'client')).map((b) => b.state)).toEqual(first.tcp!.client.states.map((s) => s.state));

    // A half-closed flow: the server's FIN, the client's CLOSE_WAIT.
    const half = flows.findIndex((f) => f.tcp?.teardown.outcome === 'half-closed');
    await openFlow(page, half);
    expect(await page.getByTestId('account').textContent()).toContain('the connection stayed half-closed');
    await openGraph(page);
    expect((await lane(page, 'client')).map((b) => b.state)).toContain('CLOSE_WAIT');
    expect((await lane(page, 'server')).map((b) => b.state)).toContain('FIN_WAIT_2');
    expect(errors).toEqual([]);
  });

  it('draws the receiver\'s SACK blocks, read back from the file', async () => {
    const { page, errors, flows: [flow] } = await openFlowOf(DSACK);
    expect(flow.tcp!.server.sackPackets).toBeGreaterThan(100);
    await openGraph(page);
    await expect.poll(() => page.getByTestId('tsg-sack').textContent()).toMatch(/^SACK blocks \(\d[\d,]*\)$/);
    await screenshot(page, 'tsg-sack');
    await expect.poll(async () => (await pixels(page)).sack).toBeGreaterThan(5);
    expect(errors).toEqual([]);
  });

  it('looks right in the dark and in Korean', async () => {
    const { page, errors } = await openFlowOf(HTTP_GET, 0, { colorScheme: 'dark' });
    await openGraph(page);
    await showSide(page, 1);
    await page.getByTestId('packet-list').locator('#packet-row-0').click();
    await page.getByTestId('packet-detail').waitFor();
    await page.getByTestId('packet-detail').locator('[data-field="tcp.options.mss"]').hover();
    await screenshot(page, 'tsg-dark');
    await page.getByTestId('language').selectOption('ko');
    await page.getByTestId('tab-summary').click();
    await screenshot(page, 'flow-korean-dark');
    expect(errors).toEqual([]);
  });
});
