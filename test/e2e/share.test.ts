// The hosted analyzer: offline after the first visit and installable, captures from links (?url=),
// views in links, exports checked against the CLI, and proof that nothing but the page's own files
// and the capture a link names is ever requested.

import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page, Download } from 'playwright-core';
import { serveDist, launch, newPage as harnessPage, openCapture, waitLoaded, screenshot, CORPUS, ROOT, DIST, OUTPUT } from './harness.js';
import { conversation, etherTypeOf } from '../helpers/traffic.js';
import { PcapngWriter, LinkType, ethernet } from '../helpers/capture-writer.js';
import type { FlowSummary } from '../../src/core/engine.js';
import { formatBytes } from '../../src/core/report.js';

const WIKIPEDIA = join(CORPUS, 'zeek/traces/wikipedia.pcap');
const HTTP_GET = join(CORPUS, 'zeek/traces/http/get.pcap');
const SAMPLE = join(ROOT, 'public/sample.pcap');

let server: Awaited<ReturnType<typeof serveDist>>;
let remote: Awaited<ReturnType<typeof serveRemote>>;
let browser: Browser;

beforeAll(async () => {
  server = await serveDist();
  remote = await serveRemote();
  browser = await launch();
});

/** Every test's pages, closed after it whatever happened. */
const contexts: BrowserContext[] = [];
async function newPage(b: Browser): ReturnType<typeof harnessPage> {
  const p = await harnessPage(b);
  contexts.push(p.page.context());
  return p;
}
afterEach(async (ctx) => {
  const failed = ctx.task.result?.state === 'fail';
  for (const c of contexts.splice(0)) {
    if (failed) for (const [i, p] of c.pages().entries()) await screenshot(p, `failed-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}-${i}`).catch(() => {});
    await c.close().catch(() => {});
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await remote?.close();
});

// ---------------------------------------------------------------------------------------------
// The CLI's view of a capture, and what must survive a cut

function cli(args: string[]): string {
  try {
    return execFileSync('node', [join(ROOT, 'bin/seqack.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  } catch (e) {
    return (e as { stdout: string }).stdout; // exit status 1: read, with warnings
  }
}
const cliJson = (file: string): { capture: Record<string, unknown>; flows: FlowSummary[] } => JSON.parse(cli(['--json', file]));

function portable(f: FlowSummary) {
  return { proto: f.proto, client: f.client, server: f.server, first: f.first, last: f.last, packets: f.packets, bytes: f.bytes };
}

// ---------------------------------------------------------------------------------------------
// A second site, on another port: captures for ?url= links, with CORS, and the ways that goes wrong

async function serveRemote() {
  const get = readFileSync(HTTP_GET), wiki = readFileSync(WIKIPEDIA);
  const cors = { 'access-control-allow-origin': '*' };
  const requests: string[] = [];
  const send = (res: ServerResponse, status: number, body: Buffer | string, headers: Record<string, string> = cors) =>
    res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers }).end(body);
  let port = 0;
  const s: Server = createServer(async (req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    switch (path) {
      case '/get.pcap': return send(res, 200, get);
      case '/private.pcap': return send(res, 200, get, {}); // no CORS header: other sites may not read it
      case '/notes.txt': return send(res, 200, 'Meeting notes, not a capture.\n');
      case '/broken.pcap': return send(res, 500, 'oops');
      case '/moved.pcap': return res.writeHead(302, { ...cors, location: `http://localhost:${port}/get.pcap` }).end();
      case '/wikipedia.pcap.gz': { // gzip by content, no length: chunked
        res.writeHead(200, { ...cors, 'content-type': 'application/octet-stream' });
        const gz = gzipSync(wiki);
        for (let at = 0; at < gz.length; at += 8192) res.write(gz.subarray(at, at + 8192));
        return res.end();
      }
      case '/slow.pcap': { // slowly enough to watch the progress
        res.writeHead(200, { ...cors, 'content-length': String(wiki.length) });
        for (let at = 0; at < wiki.length; at += 512) { // 2 s in all
          res.write(wiki.subarray(at, at + 512));
          await new Promise((r) => setTimeout(r, 40));
        }
        return res.end();
      }
      default: return send(res, 404, 'not here');
    }
  });
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  port = (s.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((ok) => { s.close(() => ok()); s.closeAllConnections(); }),
  };
}

// ---------------------------------------------------------------------------------------------
// Page helpers

const rowCount = async (page: Page) => Number(await page.getByTestId('flow-table').getAttribute('aria-rowcount'));
const flowTitle = (page: Page) => page.getByTestId('flow-panel').locator('h2').textContent();
const hashOf = (page: Page) => new URL(page.url()).hash;
/** The time-sequence graph has its series (built by the worker) and the view it sets. */
const graphShown = (page: Page) => page.locator('[data-testid="tsg"][aria-busy="false"]').waitFor();

async function applyFilter(page: Page, text: string, rows: number) {
  await page.getByTestId('filter').fill(text);
  await page.getByTestId('filter').press('Enter');
  await expect.poll(() => rowCount(page)).toBe(rows);
}

async function openRow(page: Page, pos: number): Promise<string> {
  await page.locator(`#flow-row-${pos}`).click();
  const panel = page.getByTestId('flow-panel');
  await panel.locator('h2').waitFor();
  await expect.poll(() => hashOf(page)).toContain('flow=');
  return (await flowTitle(page))!;
}

/** Picks a menu item and returns what it downloads. */
async function downloadFrom(page: Page, menu: string, item: string): Promise<{ download: Download; bytes: Buffer }> {
  await page.getByTestId(menu).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(item).click()]);
  return { download, bytes: await readFile((await download.path())!) };
}

function save(name: string, bytes: Buffer): string {
  mkdirSync(OUTPUT, { recursive: true });
  const path = join(OUTPUT, name);
  writeFileSync(path, bytes);
  return path;
}

async function withClipboard(page: Page, origin: string) {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  return () => page.evaluate(() => navigator.clipboard.readText());
}

/** Waits until the service worker controls the page: its files are all stored by then. */
async function whenOffline(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
}

// ---------------------------------------------------------------------------------------------

describe('offline and installable', () => {
  it('comes up with the network off after the first visit, sample and all', async () => {
    const own = await serveDist();
    const { page, errors } = await newPage(browser);
    try {
      await page.goto(own.url);
      await whenOffline(page);
      const stored = await page.evaluate(async () => {
        const keys = await caches.keys();
        return Promise.all(keys.map(async (k) => [k, (await (await caches.open(k)).keys()).map((r) => new URL(r.url).pathname)] as const));
      });
      expect(stored).toHaveLength(1);
      const paths = stored[0][1];
      for (const f of ['index.html', 'sample.pcap', 'manifest.webmanifest', 'icon-192.png', 'icon-512.png', 'icon.svg']) {
        expect(paths).toContain(`/seqack/${f}`);
      }
      expect(paths.some((p) => p.endsWith('.wasm'))).toBe(true);
      expect(paths.filter((p) => p.endsWith('.js')).length).toBeGreaterThanOrEqual(2); // the page's and the worker's

      // No network at all: the browser is offline and the server is gone.
      await page.context().setOffline(true);
      await own.close();
      own.requests.length = 0;
      await page.reload();
      await page.getByTestId('open-sample').click();
      await waitLoaded(page);
      expect(await rowCount(page)).toBe(cliJson(SAMPLE).flows.length);
      await openRow(page, 0);
      await page.getByTestId('ladder').locator('text.label').first().waitFor();
      await screenshot(page, 'offline-sample');
      // ?sample and a view link load offline too
      await page.goto(page.url());
      await waitLoaded(page);
      await page.getByTestId('flow-panel').locator('h2').waitFor();
      expect(own.requests).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await own.close();
    }
  });

  it('is installable: a manifest with icons, a service worker whose scope is the sub-path', async () => {
    const { page, errors } = await newPage(browser);
    await page.goto(server.url);
    await whenOffline(page);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(server.url);
    const manifest = await page.evaluate(async () => {
      const href = document.querySelector<HTMLLinkElement>('link[rel="manifest"]')!.href;
      const m = await (await fetch(href)).json();
      const icons = await Promise.all(m.icons.map(async (i: { src: string; sizes: string; type: string }) => {
        const img = new Image();
        img.src = new URL(i.src, href).href;
        await img.decode();
        return { type: i.type, sizes: i.sizes, size: `${img.naturalWidth}x${img.naturalHeight}` };
      }));
      return { href, start: new URL(m.start_url, href).href, scope: new URL(m.scope, href).href, display: m.display, icons };
    });
    expect(manifest.href).toBe(`${server.url}manifest.webmanifest`);
    expect(manifest.start).toBe(server.url);
    expect(manifest.scope).toBe(server.url);
    expect(manifest.display).toBe('standalone');
    expect(manifest.icons.map((i) => i.type)).toEqual(['image/svg+xml', 'image/png', 'image/png', 'image/png']);
    for (const i of manifest.icons) if (i.sizes !== 'any') expect(i.size).toBe(i.sizes);
    // Chromium's own verdict
    const cdp = await page.context().newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    // test contexts are incognito windows, where nothing installs; nothing else may be missing
    expect(installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('takes a new version on the next load, never under an open session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqack-site-'));
    cpSync(DIST, join(dir, 'seqack-dist'), { recursive: true });
    const site = join(dir, 'seqack-dist');
    const own = await serveDist(site);
    const { page, errors } = await newPage(browser);
    const context = page.context();
    try {
      await page.goto(`${own.url}?sample`);
      await whenOffline(page);
      await waitLoaded(page);
      await openRow(page, 0);

      // A new build: another page title, another service worker version.
      const index = join(site, 'index.html'), sw = join(site, 'sw.js');
      writeFileSync(index, readFileSync(index, 'utf8').replace('<title>seqack</title>', '<title>seqack, new</title>'));
      writeFileSync(sw, readFileSync(sw, 'utf8').replace(/const VERSION = "(\w+)"/, 'const VERSION = "$1-new"'));
      await page.evaluate(async () => {
        const reg = (await navigator.serviceWorker.getRegistration())!;
        await reg.update();
        while (!reg.waiting) await new Promise((r) => setTimeout(r, 50));
      });

      // The open session goes on with its own files: another capture needs the worker's again.
      await page.getByTestId('file-input').setInputFiles(HTTP_GET);
      await waitLoaded(page);
      expect(await rowCount(page)).toBe(1);

      // A second tab loads the old version: the new one waits while the first tab is open.
      const other = await context.newPage();
      await other.goto(own.url);
      await other.getByTestId('open-sample').waitFor();
      expect(await other.title()).toBe('seqack');
      expect(await other.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.waiting !== null)).toBe(true);
      await other.close();
      // (closing a tab reaches the service workers a moment later)
      await expect.poll(() => Promise.all(context.serviceWorkers().map((w) =>
        w.evaluate(async () => (await (self as unknown as ServiceWorkerGlobalScope).clients.matchAll({ type: 'window', includeUncontrolled: true })).length))))
        .toEqual(context.serviceWorkers().map(() => 1));

      // Alone, the next load is the new version, and the old files are gone.
      await page.reload();
      await expect.poll(() => page.title(), { timeout: 20_000 }).toBe('seqack, new');
      await page.getByTestId('open-sample').waitFor();
      await expect.poll(() => page.evaluate(() => caches.keys())).toEqual([expect.stringMatching(/-new$/)]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await own.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('captures from links (?url=)', () => {
  it('streams a remote capture into the analyzer, with progress from Content-Length', async () => {
    const { page, errors } = await newPage(browser);
    const capture = `${remote.url}/slow.pcap`;
    await page.goto(`${server.url}?url=${encodeURIComponent(capture)}`);
    const size = formatBytes(readFileSync(WIKIPEDIA).length);
    // while it arrives: bytes read of the announced size, and the bar moving
    await expect.poll(() => page.getByTestId('capture-facts').textContent(), { timeout: 10_000 }).toContain(` of ${size} · `);
    // and, once the rate has had half a second, the time left at that rate
    await expect.poll(() => page.getByTestId('capture-facts').textContent(), { timeout: 10_000 }).toMatch(/\/s · \d+ s left$/);
    const bar = page.getByRole('progressbar');
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(5);
    await screenshot(page, 'url-loading');
    await waitLoaded(page);
    expect(await page.locator('[data-phase="ready"]').count()).toBe(1);
    expect(await rowCount(page)).toBe(cliJson(WIKIPEDIA).flows.length);
    expect(await page.getByTestId('capture-facts').textContent()).toContain(`pcap · ${size} · `);
    // the bytes were kept as they passed: a packet reads back
    await openRow(page, 0);
    await page.getByTestId('packet-list').locator('#packet-row-0').click();
    await page.getByTestId('hexdump').waitFor();
    expect(errors).toEqual([]);
  });

  it('detects gzip by content and reads a stream of unknown length', async () => {
    const { page, errors } = await newPage(browser);
    await page.goto(`${server.url}?url=${encodeURIComponent(`${remote.url}/wikipedia.pcap.gz`)}`);
    await waitLoaded(page);
    expect(await rowCount(page)).toBe(cliJson(WIKIPEDIA).flows.length);
    expect(await page.getByTestId('capture-facts').textContent()).toContain('pcap (gzip)');
    expect(errors).toEqual([]);
  });

  it('says in words what went wrong, naming the address', async () => {
    const cases: [string, string, RegExp][] = [
      ['missing.pcap', 'The capture could not be downloaded', /The server answered 404 Not Found for http:\/\/127\.0\.0\.1:\d+\/missing\.pcap/],
      ['broken.pcap', 'The capture could not be downloaded', /The server answered 500 Internal Server Error for .*\/broken\.pcap/],
      ['private.pcap', 'The capture could not be downloaded', /Could not fetch .*\/private\.pcap: .*Access-Control-Allow-Origin/],
      ['moved.pcap', 'The capture could not be downloaded', /The server of .*\/moved\.pcap sent the request on to another site/],
      ['notes.txt', 'This is not a capture file', /not a pcap or pcapng/i],
    ];
    for (const [path, title, text] of cases) {
      const { page } = await newPage(browser);
      const capture = `${remote.url}/${path}`;
      await page.goto(`${server.url}?url=${encodeURIComponent(capture)}`);
      await waitLoaded(page);
      const box = page.getByTestId('load-error');
      expect(await box.locator('h2').textContent()).toBe(title);
      expect(await box.textContent()).toContain(capture);
      expect(await box.textContent()).toMatch(text);
      await screenshot(page, `url-error-${path.replace(/\W/g, '-')}`);
    }
  });
});

describe('links to a view', () => {
  it('copies a link that brings back the flow, the filter and the panel view, by ?sample or by the file', async () => {
    const { page, errors } = await newPage(browser);
    const clipboard = await withClipboard(page, new URL(server.url).origin);
    await page.goto(server.url);
    await page.getByTestId('open-sample').click();
    await waitLoaded(page);
    expect(new URL(page.url()).search).toBe('?sample');
    const tcp = cliJson(SAMPLE).flows.filter((f) => f.proto === 'tcp');
    await applyFilter(page, 'tcp', tcp.length);
    const title = await openRow(page, 2);
    expect(title).toContain(`stream ${tcp[2].stream}`);
    // the time-sequence graph, zoomed in on its time axis
    await page.getByTestId('tab-tsg').click();
    await expect.poll(() => hashOf(page)).toContain('&view=tsg');
    await graphShown(page);
    const canvas = page.getByTestId('tsg-canvas');
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.down('Shift');
    await page.mouse.wheel(0, -300); // Shift: time only
    await page.keyboard.up('Shift');
    await expect.poll(() => hashOf(page)).toMatch(/&range=[\d.]+,[\d.]+&/);
    const zoomed = (await canvas.getAttribute('data-view'))!.split(' ').map(Number);
    await page.getByTestId('copy-link').click();
    await expect.poll(() => page.getByTestId('share-note').textContent()).toBe('Link copied');
    const link = await clipboard();
    expect(link).toBe(page.url());
    expect(link).toMatch(/#flow=tcp\/[^&]+&view=tsg&range=[\d.]+,[\d.]+&filter=tcp$/);

    // The link opens on the same view.
    const again = await newPage(browser);
    await again.page.goto(link);
    await waitLoaded(again.page);
    await expect.poll(() => flowTitle(again.page)).toBe(title);
    expect(await again.page.getByTestId('filter').inputValue()).toBe('tcp');
    expect(await rowCount(again.page)).toBe(tcp.length);
    expect(await again.page.getByTestId('tab-tsg').getAttribute('aria-selected')).toBe('true');
    await graphShown(again.page);
    const restored = (await again.page.getByTestId('tsg-canvas').getAttribute('data-view'))!.split(' ').map(Number);
    expect(restored[0]).toBeCloseTo(zoomed[0], 6);
    expect(restored[1]).toBeCloseTo(zoomed[1], 6);
    await screenshot(again.page, 'view-restored-graph');
    expect(again.errors).toEqual([]);

    // Without the capture in it, the view comes back once the same file is dropped.
    const bare = await newPage(browser);
    const hash = new URL(link).hash;
    await bare.page.goto(server.url + hash);
    await openCapture(bare.page, SAMPLE);
    await expect.poll(() => flowTitle(bare.page)).toBe(title);
    expect(await bare.page.getByTestId('filter').inputValue()).toBe('tcp');
    expect(new URL(bare.page.url()).hash).toBe(hash);
    await screenshot(bare.page, 'view-restored');

    expect(await bare.page.getByTestId('tab-tsg').getAttribute('aria-selected')).toBe('true');
    expect(bare.errors).toEqual([]);

    // A flow the capture does not have is dropped from the address, quietly.
    await bare.page.goto(`${server.url}?sample#flow=tcp/10.9.9.9:1/10.9.9.8:2/1.000000&filter=udp`);
    await waitLoaded(bare.page);
    await expect.poll(() => hashOf(bare.page)).toBe('#filter=udp');
    expect(await bare.page.getByTestId('flow-panel').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('goes back and forward through the flows opened', async () => {
    const { page, errors } = await newPage(browser);
    await page.goto(`${server.url}?sample`);
    await waitLoaded(page);
    const first = await openRow(page, 0);
    const second = await openRow(page, 3);
    expect(second).not.toBe(first);
    await page.getByTestId('filter').fill('udp');
    await page.getByTestId('filter').press('Enter');
    await expect.poll(() => hashOf(page)).toContain('filter=udp');
    await page.goBack();
    await expect.poll(() => flowTitle(page)).toBe(first);
    await page.goBack();
    await expect.poll(() => page.getByTestId('flow-panel').count()).toBe(0);
    await page.goForward();
    await expect.poll(() => flowTitle(page)).toBe(first);
    await page.goForward();
    await expect.poll(() => flowTitle(page)).toBe(second);
    expect(await page.getByTestId('filter').inputValue()).toBe('udp');
    expect(errors).toEqual([]);
  });
});

describe('exports', () => {
  it('gives the flows as CSV, JSON and a Zeek conn.log, as the CLI does, all or filtered', async () => {
    const { page, errors } = await newPage(browser);
    await page.goto(server.url);
    await openCapture(page, WIKIPEDIA);
    const csv = await downloadFrom(page, 'export-menu', 'export-csv');
    expect(csv.download.suggestedFilename()).toBe('wikipedia-flows.csv');
    expect(csv.bytes.toString()).toBe(cli(['--csv', WIKIPEDIA]));
    const zeek = await downloadFrom(page, 'export-menu', 'export-zeek');
    expect(zeek.download.suggestedFilename()).toBe('wikipedia-conn.log');
    expect(zeek.bytes.toString()).toBe(cli(['--zeek', WIKIPEDIA]));
    const json = await downloadFrom(page, 'export-menu', 'export-json');
    const doc = JSON.parse(json.bytes.toString());
    const want = cliJson(WIKIPEDIA);
    expect(doc.flows).toEqual(want.flows);
    expect({ ...doc.capture, file: '' }).toEqual({ ...want.capture, file: '' });
    expect(doc.capture.file).toBe('wikipedia.pcap');

    const udp = want.flows.filter((f) => f.proto === 'udp');
    await applyFilter(page, 'udp', udp.length);
    await page.getByTestId('export-menu').click();
    await page.screenshot({ path: join(OUTPUT, 'export-menu.png') });
    await page.keyboard.press('Escape');
    const some = await downloadFrom(page, 'export-menu', 'export-csv');
    expect(some.download.suggestedFilename()).toBe('wikipedia-filtered-flows.csv');
    const lines = cli(['--csv', WIKIPEDIA]).trimEnd().split('\n');
    expect(some.bytes.toString()).toBe([lines[0], ...lines.slice(1).filter((l) => l.split(',')[1] === 'udp')].join('\n') + '\n');
    const someJson = JSON.parse((await downloadFrom(page, 'export-menu', 'export-json')).bytes.toString());
    expect(someJson.flows).toEqual(udp);
    await page.getByTestId('export-menu').click();
    await page.getByTestId('scope-all').click(); // a choice, not an action: the menu stays open
    const [all] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-zeek').click()]);
    expect(await readFile((await all.path())!, 'utf8')).toBe(cli(['--zeek', WIKIPEDIA]));
    expect(errors).toEqual([]);
  });

  it('cuts the filtered flows, or one flow, into a pcap the CLI reads as the same flows', async () => {
    const { page, errors } = await newPage(browser);
    await page.goto(server.url);
    await openCapture(page, WIKIPEDIA);
    const want = cliJson(WIKIPEDIA).flows;
    const tcp = want.filter((f) => f.proto === 'tcp');
    await applyFilter(page, 'tcp', tcp.length);
    const cut = await downloadFrom(page, 'export-menu', 'export-pcap');
    expect(cut.download.suggestedFilename()).toBe('wikipedia-filtered.pcap');
    const cutFile = save('cut-filtered.pcap', cut.bytes);
    const got = cliJson(cutFile);
    expect(got.capture.format).toBe('pcap');
    expect(got.capture.packets).toBe(tcp.reduce((s, f) => s + f.packets.client + f.packets.server, 0));
    expect(got.flows.map(portable)).toEqual(tcp.map(portable));

    const title = await openRow(page, 4);
    const one = await downloadFrom(page, 'flow-export', 'flow-pcap');
    expect(one.download.suggestedFilename()).toBe(`wikipedia-stream-tcp-${tcp[4].stream}.pcap`);
    const oneFile = save('cut-flow.pcap', one.bytes);
    const single = cliJson(oneFile);
    expect(title).toContain(`stream ${tcp[4].stream}`);
    expect(single.flows.map(portable)).toEqual([portable(tcp[4])]);
    expect(single.flows[0].tcp!.connState).toBe(tcp[4].tcp!.connState);
    expect(errors).toEqual([]);
  });

  it('cuts a flow seen on two link types into a pcapng', async () => {
    const trace = conversation(4);
    const w = new PcapngWriter({});
    const eth = w.interface({ linkType: LinkType.ETHERNET, tsresol: 9 });
    const raw = w.interface({ linkType: LinkType.RAW, tsresol: 9 });
    trace.packets.forEach((p, i) => {
      if (i % 2) w.packet(raw, p.time + 7n, p.data);
      else w.packet(eth, p.time + 7n, ethernet(etherTypeOf(p.family), p.data));
    });
    const source = save('two-links.pcapng', Buffer.from(w.bytes()));
    const { page, errors } = await newPage(browser);
    await page.goto(server.url);
    await openCapture(page, source);
    await openRow(page, 0);
    const cut = await downloadFrom(page, 'flow-export', 'flow-pcap');
    expect(cut.download.suggestedFilename()).toBe('two-links-stream-tcp-0.pcapng');
    expect(cut.bytes.readUInt32LE(0)).toBe(0x0a0d0d0a);
    const got = cliJson(save('cut-two-links.pcapng', cut.bytes));
    const want = cliJson(source);
    expect(got.flows.map(portable)).toEqual([portable(want.flows[0])]);
    expect((got.capture.linkTypes as { linkType: number }[]).map((l) => l.linkType).sort()).toEqual([LinkType.ETHERNET, LinkType.RAW]);
    expect(errors).toEqual([]);
  });

  it("copies a flow's Wireshark filter, and saves the ladder as SVG and PNG", async () => {
    const { page, errors } = await newPage(browser);
    const clipboard = await withClipboard(page, new URL(server.url).origin);
    await page.goto(server.url);
    await openCapture(page, HTTP_GET);
    await openRow(page, 0);
    await page.getByTestId('flow-export').click();
    await page.getByTestId('flow-filter').click();
    await expect.poll(clipboard).toBe('tcp.stream eq 0');
    await page.getByTestId('flow-export').click();
    await page.getByTestId('flow-address-filter').click();
    const [f] = cliJson(HTTP_GET).flows;
    await expect.poll(clipboard).toBe(`ip.addr==${f.client.ip} && ip.addr==${f.server.ip} && tcp.port==${f.client.port} && tcp.port==${f.server.port}`);

    const svg = await downloadFrom(page, 'flow-export', 'flow-svg');
    expect(svg.download.suggestedFilename()).toBe('get-ladder-tcp-0.svg');
    const text = svg.bytes.toString();
    expect(text).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const label of ['[SYN] Seq=0 Len=0', '[SYN, ACK] Seq=0 Ack=1 Len=0', '[FIN, ACK] Seq=5008 Ack=138 Len=0']) {
      expect(text).toContain(label);
    }
    expect(text).not.toContain('var(--'); // colours resolved: the file has no style sheet
    save('export-ladder.svg', svg.bytes);
    const png = await downloadFrom(page, 'flow-export', 'flow-png');
    expect(png.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    save('export-ladder.png', png.bytes);

    // the graph in view is what is saved: the time-sequence graph's canvas
    await page.getByTestId('tab-tsg').click();
    await graphShown(page);
    const graph = await downloadFrom(page, 'flow-export', 'flow-png');
    expect(graph.download.suggestedFilename()).toBe('get-time-sequence-tcp-0.png');
    expect(graph.bytes.subarray(1, 4).toString()).toBe('PNG');
    save('export-tsg.png', graph.bytes);
    const graphSvg = await downloadFrom(page, 'flow-export', 'flow-svg');
    expect(graphSvg.bytes.toString()).toMatch(/^<svg [^>]*><image href="data:image\/png;base64,/);
    expect(errors).toEqual([]);
  });
});

describe('privacy', () => {
  it('requests nothing but its own files and the one capture a link names', async () => {
    const { page, errors } = await newPage(browser);
    const seen: string[] = [];
    page.context().on('request', (r) => seen.push(r.url()));
    const capture = `${remote.url}/get.pcap`;
    remote.requests.length = 0;
    await page.goto(`${server.url}?url=${encodeURIComponent(capture)}`);
    await waitLoaded(page);
    await openRow(page, 0);
    await page.getByTestId('packet-list').locator('#packet-row-3').click();
    await page.getByTestId('hexdump').waitFor();
    await downloadFrom(page, 'export-menu', 'export-json');
    await downloadFrom(page, 'flow-export', 'flow-pcap');
    await downloadFrom(page, 'flow-export', 'flow-png');
    // a dropped file as well
    await openCapture(page, WIKIPEDIA);
    await openRow(page, 1);
    await downloadFrom(page, 'export-menu', 'export-pcap');

    const origin = new URL(server.url).origin;
    const elsewhere = seen.filter((u) => !u.startsWith(`${origin}/seqack/`) && u !== capture && !u.startsWith('blob:'));
    expect(elsewhere).toEqual([]);
    expect(seen).toContain(capture);
    expect(remote.requests).toEqual(['/get.pcap']); // once, and nothing else
    expect(errors).toEqual([]);

    // The policy holds whatever runs in the page: only the capture's site, nothing else.
    const tryFetch = (url: string) => page.evaluate((u) => fetch(u).then(() => 'fetched', () => 'blocked'), url);
    expect(await tryFetch(`${remote.url}/get.pcap`)).toBe('fetched');
    expect(await tryFetch(`http://localhost:${new URL(remote.url).port}/get.pcap`)).toBe('blocked');
    const plain = await newPage(browser);
    await plain.page.goto(server.url);
    expect(await plain.page.evaluate((u) => fetch(u).then(() => 'fetched', () => 'blocked'), `${remote.url}/get.pcap`)).toBe('blocked');
    expect(await plain.page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')))
      .toContain("default-src 'self'");
    expect(remote.requests).toEqual(['/get.pcap', '/get.pcap']);
  });
});
