// Each endpoint's RFC 9293 state over time, as bands: from the packet after which the endpoint
// entered a state to the packet after which it left it. Read from the per-packet states the core
// records, so a flow with more changes than its summary keeps still shows every one.

import type { FlowPackets } from '../../worker/analyzer.js';
import { TCP_STATES } from '../../core/layout.js';

export type StateName = (typeof TCP_STATES)[number];

export interface StateBand {
  state: StateName;
  /** The packet (position in the flow) whose arrival caused the change, its frame and time. */
  k: number;
  frame: number;
  from: number;
  /** Time the next band starts; Infinity for the last (the state holds past the capture). */
  to: number;
}

/** The bands of the client (0) or the server (1). */
export function stateBands(p: FlowPackets, side: 0 | 1): StateBand[] {
  const col = side === 0 ? p.clientState : p.serverState;
  const out: StateBand[] = [];
  let prev = -1;
  for (let k = 0; k < p.count; k++) {
    const s = col[k];
    if (s === prev) continue;
    if (out.length) out[out.length - 1].to = p.time[k];
    out.push({ state: TCP_STATES[s] ?? 'CLOSED', k, frame: p.frame[k], from: p.time[k], to: Infinity });
    prev = s;
  }
  return out;
}

/** A colour family per stage of the connection's life, for the band's background. */
export function stateTone(s: StateName): 'closed' | 'opening' | 'open' | 'closing' | 'waiting' {
  switch (s) {
    case 'CLOSED': case 'LISTEN': return 'closed';
    case 'SYN_SENT': case 'SYN_RECEIVED': return 'opening';
    case 'ESTABLISHED': return 'open';
    case 'TIME_WAIT': return 'waiting';
    default: return 'closing';
  }
}
