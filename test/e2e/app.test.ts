// The app in a real browser, on real captures: what it shows must be what the Node engine computes
// for the same file.

import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { analyzeFile } from '../../src/core/node.js';
import type { FlowSummary } from '../../src/core/engine.js';
import { openCapture, waitLoaded, screenshot, CORPUS, ROOT } from './harness.js';
import { useApp } from './app-page.js';

const WIKIPEDIA = join(CORPUS, 'zeek/traces/wikipedia.pcap');
const HTTP_GET = join(CORPUS, 'zeek/traces/http/get.pcap');
const SYN_RST = join(CORPUS, 'zeek/traces/tcp/syn-then-rst.pcap');
const LDAP_GAP = join(CORPUS, 'zeek/traces/ldap/gap-data-missing.pcapng');

const app = useApp();

async function flowsOf(path: string): Promise<FlowSummary[]> {
  return (await analyzeFile(path)).flows();
}

const start = (options?: Parameters<typeof app.start>[0]) => app.start(options);

const status = (page: Page) => page.getByTestId('filter-status').textContent();
const rowCount = async (page: Page) => Number(await page.getByTestId('flow-table').getAttribute('aria-rowcount'));

/** The ladder's segment labels, top to bottom, as drawn. */
async function ladder(page: Page): Promise<string[]> {
  await page.getByTestId('ladder').locator('text.label').first().waitFor();
  return page.getByTestId('ladder').locator('text.label').allTextContents();
}

async function openFirstFlow(page: Page): Promise<void> {
  const grid = page.getByTestId('flow-table');
  await grid.focus();
  await grid.press('Home');
  await grid.press('Enter');
  await page.getByTestId('flow-panel').waitFor();
}

describe('the app', () => {
  it('lists as many flows as the engine finds, from the file input', async () => {
    const { page, errors } = await start();
    await screenshot(page, 'start');
    await openCapture(page, WIKIPEDIA);
    const flows = await flowsOf(WIKIPEDIA);
    expect(flows.length).toBe(34);
    expect(await rowCount(page)).toBe(flows.length);
    expect(await status(page)).toContain(`${flows.length} of ${flows.length} flows`);
    // Only the rows in view exist in the DOM.
    const drawn = await page.locator('[data-testid="flow-table"] [role="row"][aria-rowindex]').count();
    expect(drawn).toBeGreaterThan(10);
    expect(drawn).toBeLessThanOrEqual(flows.length);
    // First row is the first flow, as the CLI prints it.
    const first = page.locator('#flow-row-0');
    await expect.poll(() => first.locator('.c-client').textContent()).toBe(`${flows[0].client.ip}:${flows[0].client.port}`);
    await screenshot(page, 'flows');
    expect(errors).toEqual([]);
  });

  it('draws the handshake and the FIN teardown of a TCP flow', async () => {
    const { page, errors } = await start();
    await openCapture(page, HTTP_GET);
    await openFirstFlow(page);
    const labels = await ladder(page);
    expect(labels.slice(0, 3)).toEqual([
      '[SYN] Seq=0 Len=0',
      '[SYN, ACK] Seq=0 Ack=1 Len=0',
      '[ACK] Seq=1 Ack=1 Len=0',
    ]);
    expect(labels.slice(-3)).toEqual([
      '[FIN, ACK] Seq=137 Ack=5008 Len=0',
      '[FIN, ACK] Seq=5008 Ack=138 Len=0',
      '[ACK] Seq=138 Ack=5009 Len=0',
    ]);
    // Client → server on the first, the other way on the second.
    const dirs = await page.getByTestId('packet-list').locator('[role="row"][aria-rowindex] .dir').allTextContents();
    expect(dirs.slice(0, 3)).toEqual(['→', '←', '→']);
    const summary = await page.getByTestId('flow-summary').textContent();
    const [flow] = await flowsOf(HTTP_GET);
    expect(summary).toContain(`${flow.client.ip}:${flow.client.port}`);
    expect(summary).toContain(`${flow.packets.client} → · ${flow.packets.server} ←`);
    // The core's TCP analysis: handshake RTT, Zeek's conn_state, the FIN teardown.
    expect(await page.getByTestId('handshake').textContent()).toBe('complete · RTT 70.0 ms');
    expect(await page.getByTestId('teardown').textContent()).toBe('closed with FINs both ways · client closed first');
    expect(await page.locator('#flow-row-0 .c-state').textContent()).toBe(flow.tcp!.connState);
    expect(await page.locator('#flow-row-0 .c-rtt').textContent()).toBe('70.0 ms');
    await screenshot(page, 'ladder-fin');

    // Picking a packet reads its bytes back from the file.
    await page.getByTestId('packet-list').locator('#packet-row-1').click();
    const hex = page.getByTestId('hexdump');
    await expect.poll(() => hex.locator('header').textContent()).toBe('Frame 2: 74 bytes captured');
    // The SYN+ACK's TCP flags byte (0x12) sits at offset 0x2f of an Ethernet/IPv4 frame.
    expect(await hex.locator('pre').textContent()).toMatch(/^0020 {2}(\S\S ){8} (\S\S ){7}12 /m);
    await screenshot(page, 'ladder-bytes');
    expect(errors).toEqual([]);
  });

  it('draws a reset, and a close by RST after FIN in a pcapng file', async () => {
    const { page, errors } = await start();
    await openCapture(page, SYN_RST);
    await openFirstFlow(page);
    expect(await ladder(page)).toEqual(['[SYN] Seq=0 Len=0', '[RST] Seq=0 Len=0']);

    await openCapture(page, LDAP_GAP);
    await openFirstFlow(page);
    const labels = await ladder(page);
    expect(labels.slice(0, 3)).toEqual(['[SYN] Seq=0 Len=0', '[SYN, ACK] Seq=0 Ack=1 Len=0', '[ACK] Seq=1 Ack=1 Len=0']);
    // The ladder draws only what is in view; picking the last packet in the list brings it there.
    const list = page.getByTestId('packet-list');
    await list.focus();
    await list.press('End');
    await expect.poll(async () => (await ladder(page)).at(-1)).toBe('[RST, ACK] Seq=1990 Ack=2673 Len=0');
    // Each problem is a badge, trouble in red; the cell's title lists them all, in the page's language.
    const problems = page.locator('#flow-row-0 .c-problems');
    expect(await problems.textContent()).toContain('1 retransmitted');
    expect(await problems.locator('.badge.bad', { hasText: '1 retransmitted' }).count()).toBe(1);
    expect(await problems.getAttribute('title')).toContain('1 retransmitted');
    await page.getByTestId('language').selectOption('ko');
    await expect.poll(() => problems.textContent()).toContain('재전송 1');
    expect(await problems.getAttribute('title')).toContain('재전송 1');
    await page.getByTestId('language').selectOption('en');
    expect((await ladder(page)).slice(-2)).toEqual(['[FIN, ACK] Seq=2673 Ack=1990 Len=0', '[RST, ACK] Seq=1990 Ack=2673 Len=0']);
    await screenshot(page, 'ladder-rst');
    expect(errors).toEqual([]);
  });

  it('filters with the expression language and says where a filter is wrong', async () => {
    const { page, errors } = await start();
    await openCapture(page, WIKIPEDIA);
    const flows = await flowsOf(WIKIPEDIA);
    const filter = page.getByTestId('filter');
    const apply = async (text: string) => { await filter.fill(text); await filter.press('Enter'); };

    await apply('tcp');
    const tcp = flows.filter((f) => f.proto === 'tcp').length;
    await expect.poll(() => rowCount(page)).toBe(tcp);
    expect(await status(page)).toContain(`${tcp} of ${flows.length} flows`);

    await apply('udp && port 53');
    const dns = flows.filter((f) => f.proto === 'udp' && (f.client.port === 53 || f.server.port === 53)).length;
    await expect.poll(() => rowCount(page)).toBe(dns);

    await apply('ip.addr == 208.80.152.3 and !(packets < 10)');
    const wiki = flows.filter((f) => (f.client.ip === '208.80.152.3' || f.server.ip === '208.80.152.3') && f.packets.client + f.packets.server >= 10).length;
    await expect.poll(() => rowCount(page)).toBe(wiki);

    await apply('ipv6');
    await expect.poll(() => rowCount(page)).toBe(flows.filter((f) => f.client.ip.includes(':')).length);

    await apply('tcp && port = 80');
    await expect.poll(() => status(page)).toContain("Column 13: use '==' to compare");
    expect(await filter.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'filter-error');

    await apply('tcp.stream == 3');
    await expect.poll(() => rowCount(page)).toBe(1);
    // the count comes with the view; the row's text follows when the row is drawn again
    await expect.poll(() => page.locator('#flow-row-0 .c-stream').textContent()).toBe('3');
    await screenshot(page, 'filter');
    expect(errors).toEqual([]);
  });

  it('sorts by a column, both ways and back', async () => {
    const { page, errors } = await start();
    await openCapture(page, WIKIPEDIA);
    const flows = await flowsOf(WIKIPEDIA);
    const header = page.getByRole('columnheader', { name: 'Packets' });
    const firstPackets = () => page.locator('#flow-row-0 .c-packets').textContent();
    const counts = flows.map((f) => f.packets.client + f.packets.server);

    await header.getByRole('button').click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('ascending');
    await expect.poll(firstPackets).toBe(String(Math.min(...counts)));
    await header.getByRole('button').click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('descending');
    await expect.poll(firstPackets).toBe(String(Math.max(...counts)));
    // Ties keep capture order: the first of the largest flows comes first.
    const top = flows.find((f) => f.packets.client + f.packets.server === Math.max(...counts))!;
    await expect.poll(() => page.locator('#flow-row-0 .c-client').textContent()).toBe(`${top.client.ip}:${top.client.port}`);
    await screenshot(page, 'sorted');
    await header.getByRole('button').click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('none');

    // Sorting keeps the filter.
    await page.getByTestId('filter').fill('udp');
    await page.getByTestId('filter').press('Enter');
    await page.getByRole('columnheader', { name: 'Client' }).getByRole('button').click();
    await expect.poll(() => rowCount(page)).toBe(flows.filter((f) => f.proto === 'udp').length);
    await expect.poll(() => page.locator('#flow-row-0 .c-proto').textContent()).toBe('udp');
    expect(errors).toEqual([]);
  });

  it('moves through the table with the keyboard', async () => {
    const { page, errors } = await start();
    await openCapture(page, WIKIPEDIA);
    const flows = await flowsOf(WIKIPEDIA);
    const grid = page.getByTestId('flow-table');
    await grid.focus();
    await grid.press('ArrowDown');
    await grid.press('ArrowDown');
    await grid.press('ArrowDown');
    expect(await grid.getAttribute('aria-activedescendant')).toBe('flow-row-3');
    await grid.press('Enter');
    await page.getByTestId('flow-panel').waitFor();
    expect(await page.getByTestId('flow-summary').textContent()).toContain(`${flows[3].client.ip}:${flows[3].client.port}`);
    await grid.press('End');
    expect(await grid.getAttribute('aria-activedescendant')).toBe(`flow-row-${flows.length - 1}`);
    await grid.press('Escape');
    await expect.poll(() => page.getByTestId('flow-panel').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('opens the sample from /?sample', async () => {
    const { page, errors } = await app.start({}, '?sample');
    await waitLoaded(page);
    const flows = await flowsOf(join(ROOT, 'public/sample.pcap'));
    expect(await rowCount(page)).toBe(flows.length);
    await openFirstFlow(page);
    await screenshot(page, 'sample');
    expect(errors).toEqual([]);
  });

  it('folds long runs of plain segments in the ladder, and unfolds them on request', async () => {
    const { page, errors } = await app.start({}, '?sample');
    await waitLoaded(page);
    await page.getByTestId('filter').fill('tcp.stream == 1');
    await page.getByTestId('filter').press('Enter');
    await expect.poll(() => rowCount(page)).toBe(1);
    await openFirstFlow(page);
    const labels = await ladder(page);
    expect(labels.slice(0, 3)).toEqual(['[SYN] Seq=0 Len=0', '[SYN, ACK] Seq=0 Ack=1 Len=0', '[ACK] Seq=1 Ack=1 Len=0']);
    const fold = page.getByTestId('ladder').locator('button.run').first();
    expect(await fold.textContent()).toMatch(/\d+ segments folded: \d+ → \(.+\), \d+ ← \(.+\) · show them/);
    await screenshot(page, 'ladder-folded');
    const folds = await page.getByTestId('ladder').locator('button.run').count();
    await fold.click();
    await expect.poll(() => page.getByTestId('ladder').locator('button.run').count()).toBeLessThan(folds);
    expect(errors).toEqual([]);
  });

  it('reads a gzip-compressed capture by its content', async () => {
    const { page, errors } = await start();
    const flows = await flowsOf(WIKIPEDIA);
    await openCapture(page, { name: 'capture.bin', mimeType: 'application/octet-stream', buffer: gzipSync(readFileSync(WIKIPEDIA)) });
    expect(await rowCount(page)).toBe(flows.length);
    expect(await page.getByTestId('capture-facts').textContent()).toContain('pcap (gzip)');
    // Bytes of a packet come back from the decompressed stream.
    await openFirstFlow(page);
    await page.getByTestId('packet-list').locator('#packet-row-0').click();
    await expect.poll(() => page.getByTestId('hexdump').locator('header').textContent()).toBe('Frame 1: 87 bytes captured');
    expect(errors).toEqual([]);
  });

  it('says clearly when a file is not a capture', async () => {
    const { page, errors } = await start();
    await openCapture(page, { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello, these are notes\n') });
    const error = page.getByTestId('load-error');
    expect(await error.textContent()).toContain('This is not a capture file');
    expect(await error.textContent()).toContain('not a pcap or pcapng capture: the file starts with 0x68656c6c');
    await screenshot(page, 'not-a-capture');
    // The start screen is still there to try another file.
    await openCapture(page, WIKIPEDIA);
    expect(await rowCount(page)).toBe(34);
    expect(errors).toEqual([]);
  });

  it('shows what comes before damage, with a warning', async () => {
    const { page, errors } = await start();
    const cut = readFileSync(WIKIPEDIA).subarray(0, 5000);
    const engine = await analyzeFile(join(CORPUS, 'zeek/traces/wikipedia.pcap'));
    expect(engine.flowCount).toBe(34);
    await openCapture(page, { name: 'cut.pcap', mimeType: 'application/octet-stream', buffer: Buffer.from(cut) });
    const warnings = page.getByTestId('warnings');
    expect(await warnings.textContent()).toContain('truncated_record');
    expect(await rowCount(page)).toBeGreaterThan(0);
    await screenshot(page, 'warning');
    expect(errors).toEqual([]);
  });

  it('speaks Korean and dresses dark', async () => {
    const { page, errors } = await start({ locale: 'ko-KR', colorScheme: 'dark' });
    expect(await page.locator('h1').textContent()).toContain('캡처 파일을');
    await openCapture(page, HTTP_GET);
    expect(await status(page)).toContain('흐름 1개 중 1개');
    await openFirstFlow(page);
    await ladder(page);
    await screenshot(page, 'korean-dark');
    await page.getByTestId('language').selectOption('en');
    expect(await status(page)).toContain('1 of 1 flows');
    await page.getByTestId('theme').selectOption('light');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    expect(errors).toEqual([]);
  });
});
