// A packet's headers from its bytes, for the packet view. The capture's link types come from its
// summary; a pcapng file can mix them, and a packet record does not say which interface it came from,
// so each candidate is tried and the one whose decoding agrees with the flow wins.

import { Cursor, type Context, type Dissection } from './dissection.js';
import { link } from './link.js';

export type { Dissection, Layer, Field, Context, ExtraLabel } from './dissection.js';
export { fieldBytes } from './dissection.js';

export function dissect(bytes: Uint8Array, linkType: number, ctx: Context = {}): Dissection {
  const c = new Cursor(bytes, ctx);
  const supported = link(c, linkType);
  return { linkType, supported, layers: c.layers };
}

/** What the packet is known to be: its transport and ports (either order). */
export interface Expect { proto: 'tcp' | 'udp' | string; ports: [number, number] }

/** The dissection under the first link type that reaches the expected transport and ports. */
export function dissectAny(bytes: Uint8Array, linkTypes: number[], expect: Expect | null, ctx: Context = {}): Dissection {
  let first: Dissection | null = null;
  for (const lt of linkTypes) {
    const d = dissect(bytes, lt, ctx);
    first ??= d;
    if (!expect || matches(d, expect)) return d;
  }
  return first ?? { linkType: -1, supported: false, layers: [] };
}

function matches(d: Dissection, e: Expect): boolean {
  const t = d.layers.find((l) => !l.quoted && (l.id === 'tcp' || l.id === 'udp'));
  if (!t || t.id !== e.proto) return false;
  const port = (id: string) => Number(t.fields.find((f) => f.id === id)?.value);
  const a = port(`${t.id}.srcport`), b = port(`${t.id}.dstport`);
  return (a === e.ports[0] && b === e.ports[1]) || (a === e.ports[1] && b === e.ports[0]);
}
