// What the browser benchmarks read from the page: when the file was chosen and when its flow table
// was complete, and the worker's packet index.

import type { Page } from 'playwright-core';

/** Marks the change event of the file input and the table becoming ready (`bench:chosen`, `bench:ready`). */
export async function instrument(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { bench: { chosen: number; ready: number } };
    w.bench = { chosen: 0, ready: 0 };
    document.querySelector('[data-testid="file-input"]')!.addEventListener('change', () => {
      w.bench.chosen = performance.now();
      performance.mark('bench:chosen');
    }, { capture: true });
    new MutationObserver(() => {
      if (w.bench.ready || !document.querySelector('[data-phase="ready"]')) return;
      w.bench.ready = performance.now();
      performance.mark('bench:ready');
    }).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-phase'] });
  });
}

export interface PageTimes { chosen: number; ready: number }

/** The times instrument() took, in the page's milliseconds. */
export const times = (page: Page): Promise<PageTimes> => page.evaluate(() => (window as unknown as { bench: PageTimes }).bench);

/** The detail of a mark the worker sets when a load ends. */
export async function workerMark(page: Page, name: string): Promise<Record<string, number>> {
  for (const w of page.workers()) {
    const d = await w.evaluate((n) => (performance.getEntriesByName(n)[0] as PerformanceMark | undefined)?.detail, name);
    if (d) return d;
  }
  throw new Error(`no ${name} mark in the page's workers`);
}

/** The size of the worker's packet index, from the mark it sets when a load ends. */
export const indexMark = (page: Page) => workerMark(page, 'seqack:packet-index') as Promise<{ packets: number; bytes: number; flowBytes: number }>;
