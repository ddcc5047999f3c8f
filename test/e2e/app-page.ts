// One static server and one Chromium for a test file, and a fresh page on the app for each test.

import { beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { serveDist, launch, newPage } from './harness.js';

export interface App {
  readonly browser: Browser;
  /** The site's address. */
  readonly url: string;
  /** A new page on the site (at `path` below it), failing the test on any script error. */
  start(options?: Parameters<typeof newPage>[1], path?: string): Promise<{ page: Page; errors: string[] }>;
}

export function useApp(): App {
  let server: Awaited<ReturnType<typeof serveDist>>;
  let browser: Browser;
  beforeAll(async () => {
    server = await serveDist();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get browser() { return browser; },
    get url() { return server.url; },
    async start(options, path = '') {
      const p = await newPage(browser, options);
      await p.page.goto(server.url + path);
      return p;
    },
  };
}
