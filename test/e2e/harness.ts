// What every end-to-end test needs: the built site (dist/) served from a sub-path on 127.0.0.1, as a
// static host would serve it, and Debian's headless Chromium to drive it.

import { createServer, type Server } from 'node:http';
import { readFile, stat, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The repository: the folder above this file that holds package.json, whether this runs from test/e2e/
 *  or compiled under build/ (the app benchmark). */
export const ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();
/** The built site; SEQACK_DIST points elsewhere (a build of one's own while others rebuild dist/). */
export const DIST = process.env.SEQACK_DIST ?? join(ROOT, 'dist');
export const OUTPUT = join(ROOT, 'test/output');
export const CORPUS = join(ROOT, 'test/fixtures/corpus');
/** The site is served from here, not from "/": relative asset paths must hold. */
export const BASE = '/seqack/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/** `dir`: another copy of the site; `requests` lists every path asked for, in order. */
export async function serveDist(dir = DIST): Promise<{ url: string; close: () => Promise<void>; requests: string[] }> {
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir} is missing: run \`npm run build\` first`);
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    if (!path.startsWith(BASE)) { res.writeHead(404).end(); return; }
    let file = normalize(join(dir, path.slice(BASE.length)));
    if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}${BASE}`,
    close: () => new Promise<void>((ok) => { server.close(() => ok()); server.closeAllConnections(); }),
    requests,
  };
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page that fails the test on any script error, and only talks to our server. */
export async function newPage(browser: Browser, options: { locale?: string; colorScheme?: 'light' | 'dark' } = {}): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    locale: options.locale ?? 'en-US',
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await context.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => route.abort()); // nothing leaves the machine
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, `${name}.png`) });
}

/** Gives the page a capture through its file input and waits until it is read. */
export async function openCapture(page: Page, file: string | { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(file);
  await waitLoaded(page);
}

export async function waitLoaded(page: Page): Promise<void> {
  await page.waitForSelector('[data-phase="ready"], [data-phase="failed"]');
}
