// The flow table as the page sees it: the flows a filter keeps, in the order of a sort column, as one
// array of flow indexes. Rows are then paged out of it by position.

import { compile, type Predicate } from '../filter/compile.js';
import { FilterError } from '../filter/errors.js';
import { protoName } from '../core/names.js';
import type { FlowTable } from './flow-table.js';

export type SortColumn = 'stream' | 'proto' | 'client' | 'server' | 'start' | 'duration' | 'packets' | 'bytes' | 'rtt' | 'problems';

export interface ViewSpec { filter: string; sort: SortColumn | null; descending: boolean }

export interface FilterProblem {
  code: string;
  message: string;
  at: number;
  end: number;
  params: Record<string, string>;
}

export interface ViewInfo {
  /** Flows the filter keeps. */
  rows: number;
  /** Flows in the capture so far. */
  total: number;
  /** Why the filter cannot be used; the previous rows stay. */
  error: FilterProblem | null;
}

/** Protocol numbers ranked by their names, so "icmp" sorts before "tcp" before "udp". */
const PROTO_RANK = (() => {
  const names = Array.from({ length: 256 }, (_, n) => protoName(n));
  const sorted = names.map((_, n) => n).sort((a, b) => names[a].localeCompare(names[b]));
  const rank = new Uint16Array(256);
  sorted.forEach((n, r) => { rank[n] = r; });
  return rank;
})();

export class FlowView {
  #spec: ViewSpec = { filter: '', sort: null, descending: false };
  #predicate: Predicate = () => true;
  /** Flow indexes in view order; null while the view is every flow in capture order. */
  #order: Uint32Array | null = null;
  #rows = 0;

  get rows(): number { return this.#rows; }

  /** Recomputes the view over the flows as they are now (during loading, flows keep changing). */
  update(table: FlowTable, spec: ViewSpec): ViewInfo {
    const total = table.refresh();
    let error: FilterProblem | null = null;
    if (spec.filter !== this.#spec.filter) {
      try {
        this.#predicate = compile(spec.filter, table);
      } catch (e) {
        if (!(e instanceof FilterError)) throw e;
        error = { code: e.code, message: e.message, at: e.at, end: e.end, params: { ...e.params } };
        spec = { ...spec, filter: this.#spec.filter }; // keep showing what the last good filter kept
      }
    }
    this.#spec = spec;
    const filtered = spec.filter.trim() !== '';
    if (!filtered && !spec.sort) {
      this.#order = null;
      this.#rows = total;
      return { rows: total, total, error };
    }
    let order = new Uint32Array(total);
    let n = 0;
    const keep = this.#predicate;
    for (let i = 0; i < total; i++) if (!filtered || keep(i)) order[n++] = i;
    order = order.slice(0, n);
    if (spec.sort) sortFlows(order, table, spec.sort, spec.descending);
    this.#order = order;
    this.#rows = n;
    return { rows: n, total, error };
  }

  /** The flow index at a view position. */
  flowAt(pos: number): number { return this.#order ? this.#order[pos] : pos; }

  /** The view position of a flow, or -1 when the filter hides it. */
  positionOf(flow: number): number {
    if (!this.#order) return flow < this.#rows ? flow : -1;
    return this.#order.indexOf(flow);
  }
}

/** Sorts in place; ties keep capture order, and flows without a value (NaN) go last, whichever the direction. */
function sortFlows(order: Uint32Array, t: FlowTable, column: SortColumn, descending: boolean): void {
  const sign = descending ? -1 : 1;
  const n = order.length;
  let cmp: (a: number, b: number) => number;
  if (column === 'client' || column === 'server') {
    cmp = endpointOrder(order, t, column === 'client' ? 0 : 1);
  } else {
    const keys = Float64Array.from(order, (i) => column === 'proto' ? PROTO_RANK[t.protocol(i)]
      : column === 'start' ? t.firstNs(i) : column === 'problems' ? t.problems(i) : t.number(i, column));
    cmp = (a, b) => {
      const ka = keys[a], kb = keys[b];
      if (ka !== ka || kb !== kb) return ((ka !== ka ? 1 : 0) - (kb !== kb ? 1 : 0)) * sign; // NaN last
      return ka - kb;
    };
  }
  // Sort positions (keys are by position), then map back to flow indexes.
  const pos = new Uint32Array(n);
  for (let k = 0; k < n; k++) pos[k] = k;
  pos.sort((a, b) => cmp(a, b) * sign || order[a] - order[b]);
  order.set(Uint32Array.from(pos, (k) => order[k]));
}

/**
 * Orders endpoints by family, address bytes, then port. An IPv4 endpoint is one exact number
 * (address * 2^16 + port < 2^48); IPv6 ones share a coarse number (above every IPv4 one) and are
 * told apart by their bytes only when it ties.
 */
function endpointOrder(order: Uint32Array, t: FlowTable, side: 0 | 1): (a: number, b: number) => number {
  const n = order.length;
  const keys = new Float64Array(n);
  const v6 = new Uint8Array(n * 18); // 16 address bytes and the port, for the ties
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const a = t.address(i, side), port = t.port(i, side);
    if (a.length === 4) {
      keys[k] = (((a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3]) >>> 0) * 65536 + port;
    } else {
      keys[k] = 2 ** 48 + (((a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3]) >>> 0);
      v6.set(a, k * 18);
      v6[k * 18 + 16] = port >> 8;
      v6[k * 18 + 17] = port & 0xff;
    }
  }
  return (a, b) => {
    const d = keys[a] - keys[b];
    if (d !== 0 || keys[a] < 2 ** 48) return d;
    for (let j = 4; j < 18; j++) {
      const e = v6[a * 18 + j] - v6[b * 18 + j];
      if (e) return e;
    }
    return 0;
  };
}
