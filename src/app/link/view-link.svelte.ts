// Keeps the page's address and the session's view in step. The fragment follows the view (opening
// another flow is a new history entry, so Back goes back to the previous flow; a new filter, panel view
// or time window replaces the entry); a link, Back and Forward bring the view back. The flow is kept
// by its key and found again once the capture is read, whichever load of it this is.

import { untrack } from 'svelte';
import type { Session } from '../session.svelte.js';
import type { AnalyzerClient } from '../analyzer-client.js';
import type { FlowKey } from '../../worker/analyzer.js';
import { decodeView, encodeView, EMPTY_VIEW, type ViewState } from './view-hash.js';

/** How long the view must stay put before the address follows (it always does before a new step). */
const REPLACE_MS = 250;

export class ViewLink {
  readonly #session: Session;
  /** The key of the open flow, once the worker has said it. */
  #key = $state.raw<{ index: number; key: FlowKey } | null>(null);
  /** The capture the address's view was applied to; until then the address is left alone. */
  #restored = $state.raw<AnalyzerClient | null>(null);
  #applying = $state(false);
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(session: Session) {
    this.#session = session;
  }

  /** Starts following the view; returns the cleanup. Call while a component initialises (effects). */
  connect(): () => void {
    const s = this.#session;
    $effect(() => {
      const flow = s.openFlow, client = s.client;
      if (flow === null || !client) { this.#key = null; return; }
      void client.api.flow(flow).then((row) => {
        if (row && s.openFlow === flow) this.#key = { index: flow, key: { proto: row.proto, client: row.client, server: row.server, first: row.first } };
      });
    });
    $effect(() => {
      if (s.phase === 'ready' && s.client && s.client !== untrack(() => this.#restored)) void this.restore();
    });
    $effect(() => {
      if (s.phase !== 'ready' || this.#restored !== s.client || this.#applying) return;
      const key = this.#key;
      if (s.openFlow !== null && key?.index !== s.openFlow) return; // its key is on the way
      this.#write({ flow: s.openFlow === null ? null : key!.key, view: s.panelView, range: s.timeRange, filter: s.spec.filter });
    });
    const onpop = () => { if (s.phase === 'ready') void this.restore(); };
    addEventListener('popstate', onpop);
    return () => removeEventListener('popstate', onpop);
  }

  /** Before a capture loads: its flows are listed with the address's filter from the start. */
  prepare(): void {
    const s = this.#session;
    const filter = decodeView(location.hash).filter;
    if (filter !== s.spec.filter) s.spec = { ...s.spec, filter };
  }

  /** Applies the address's view to the open capture (once read, and on Back and Forward). */
  async restore(): Promise<void> {
    const s = this.#session, client = s.client;
    if (!client) return;
    clearTimeout(this.#timer); // a write still due belongs to the entry we left
    const v = decodeView(location.hash);
    this.#restored = client;
    this.#applying = true;
    try {
      s.setFilter(v.filter);
      const flow = v.flow ? await client.api.findFlow(v.flow) : -1;
      if (s.client !== client) return;
      const found = flow >= 0;
      s.openFlow = found ? flow : null;
      s.panelView = found ? v.view : '';
      s.timeRange = found ? v.range : null;
      await s.refresh();
      // what could not be found leaves the address, without a history entry of its own
      this.#write({ ...v, flow: found ? v.flow : null, view: s.panelView, range: s.timeRange }, true);
    } finally {
      this.#applying = false;
    }
  }

  /**
   * A different flow is a step in the history; anything else replaces the entry, a moment later, so
   * that panning a graph is not hundreds of writes (browsers cap them).
   */
  #write(v: ViewState, now = false): void {
    clearTimeout(this.#timer);
    const hash = encodeView(v);
    const url = location.pathname + location.search + hash;
    const flowOf = (x: ViewState) => encodeView({ ...EMPTY_VIEW, flow: x.flow });
    if (!now && v.flow !== null && flowOf(v) !== flowOf(decodeView(location.hash))) history.pushState(null, '', url);
    else if (now) this.#replace(url);
    else this.#timer = setTimeout(() => this.#replace(url), REPLACE_MS);
  }

  #replace(url: string): void {
    if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, '', url);
  }
}
