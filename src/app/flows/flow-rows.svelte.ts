// Flow rows paged in from the worker as the table scrolls. After the view changes (a filter, a sort,
// or more flows while loading), the old rows stay on screen until their replacements arrive, so the
// table never blinks empty.

import type { FlowRow } from '../../worker/analyzer.js';

const PAGE = 128;

interface Page { revision: number; rows: FlowRow[] }

export class FlowRows {
  /** Bumped when a page arrives; reading it makes a view depend on the rows. */
  version = $state(0);
  #pages = new Map<number, Page>();
  #inflight = new Map<number, number>();
  readonly #fetch: (start: number, count: number) => Promise<FlowRow[]>;
  #revision = 0;

  constructor(fetch: (start: number, count: number) => Promise<FlowRow[]>) {
    this.#fetch = fetch;
  }

  /** The view changed: every page is due again (but still shown). */
  invalidate(revision: number): void {
    this.#revision = revision;
    if (this.#pages.size > 256) this.#pages.clear(); // a long scroll must not keep every page forever
  }

  row(pos: number): FlowRow | undefined {
    void this.version;
    return this.#pages.get(Math.floor(pos / PAGE))?.rows[pos % PAGE];
  }

  /** Fetches the pages covering rows [first, last) that are missing or out of date. */
  want(first: number, last: number): void {
    for (let p = Math.floor(first / PAGE); p * PAGE < last; p++) {
      const have = this.#pages.get(p);
      if (have && have.revision === this.#revision) continue;
      if (this.#inflight.get(p) === this.#revision) continue;
      const revision = this.#revision;
      this.#inflight.set(p, revision);
      this.#fetch(p * PAGE, PAGE).then((rows) => {
        if (this.#inflight.get(p) === revision) this.#inflight.delete(p);
        const now = this.#pages.get(p);
        if (now && now.revision > revision) return;
        this.#pages.set(p, { revision, rows });
        this.version++;
      }, () => this.#inflight.delete(p));
    }
  }
}
