// The view as the address's fragment, so a link brings it back: the open flow (by what names it in any
// load of the same capture, not by its index), the flow panel's view and time window, and the filter.
//   #flow=tcp/10.0.0.1:40000/[2001:db8::2]:80/1700000000.123456&view=tsg&range=0.5,2.25&filter=tcp
// The fragment never reaches a server.

import type { FlowKey } from '../../worker/analyzer.js';
import type { Endpoint } from '../../core/engine.js';
import { formatEndpoint } from '../../core/report.js';

export interface ViewState {
  flow: FlowKey | null;
  /** The flow panel's view ('' for its default). */
  view: string;
  /** Seconds since the flow's first packet. */
  range: [number, number] | null;
  filter: string;
}

export const EMPTY_VIEW: ViewState = { flow: null, view: '', range: null, filter: '' };

export function encodeView(v: ViewState): string {
  const parts: string[] = [];
  const put = (name: string, value: string) => { if (value) parts.push(`${name}=${escape(value)}`); };
  if (v.flow) {
    const f = v.flow;
    put('flow', [f.proto, formatEndpoint(f.client, 'tcp'), formatEndpoint(f.server, 'tcp'), f.first.toFixed(6)].join('/'));
  }
  put('view', v.view);
  if (v.range) put('range', v.range.map((s) => +s.toFixed(6)).join(','));
  put('filter', v.filter);
  return parts.length ? '#' + parts.join('&') : '';
}

export function decodeView(hash: string): ViewState {
  const out: ViewState = { ...EMPTY_VIEW };
  for (const part of hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    let value: string;
    try { value = decodeURIComponent(part.slice(eq + 1)); } catch { continue; }
    switch (part.slice(0, eq)) {
      case 'flow': out.flow = parseFlow(value); break;
      case 'view': out.view = value; break;
      case 'range': {
        const [a, b] = value.split(',').map(Number);
        out.range = Number.isFinite(a) && Number.isFinite(b) && a < b ? [a, b] : null;
        break;
      }
      case 'filter': out.filter = value; break;
    }
  }
  return out;
}

function parseFlow(s: string): FlowKey | null {
  const [proto, client, server, first] = s.split('/');
  const c = parseEndpoint(client ?? ''), v = parseEndpoint(server ?? ''), t = Number(first);
  return proto && c && v && Number.isFinite(t) ? { proto, client: c, server: v, first: t } : null;
}

/** 10.0.0.1:80 or [2001:db8::1]:80, as formatEndpoint writes them. */
function parseEndpoint(s: string): Endpoint | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d+)$/.exec(s);
  return m ? { ip: m[1] ?? m[2], port: Number(m[3]) } : null;
}

/** Percent-encodes what would break the fragment apart, and leaves addresses readable. */
function escape(s: string): string {
  return encodeURIComponent(s).replace(/%(3A|2F|5B|5D|2C|40)/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}
