// The open flow: its row, its packets (as columns, transferred from the worker), the packet the
// reader picked and that packet's bytes, read back from the file on demand.

import type { AnalyzerClient } from '../analyzer-client.js';
import type { FlowPackets, FlowRow } from '../../worker/analyzer.js';

/** What each view of the open flow is given: the flow, its packets, the picked one and how to pick. */
export interface FlowViewProps {
  flow: FlowRow;
  packets: FlowPackets;
  /** Position of the picked packet within the flow. */
  selected: number | null;
  onselect: (k: number) => void;
}

export class FlowDetail {
  flow = $state.raw<FlowRow | null>(null);
  packets = $state.raw<FlowPackets | null>(null);
  /** Position of the picked packet within the flow. */
  selected = $state<number | null>(null);
  bytes = $state.raw<Uint8Array | null>(null);
  /** The packet `bytes` are of (the picked one, once they have arrived). */
  bytesOf = $state<number | null>(null);
  /** The flow's SACK blocks as the worker reads them (flow-sacks.ts), once asked for. */
  sacks = $state.raw<Float64Array | null>(null);
  /** unavailable: a gzip file, which has no random access. */
  sackState = $state<'unread' | 'reading' | 'read' | 'unavailable'>('unread');
  #sackLoads = 0;
  /** The capture's link types, for decoding the picked packet's headers. */
  linkTypes = $state.raw<number[]>([]);
  #loads = 0;
  #reads = 0;

  async load(client: AnalyzerClient, index: number): Promise<void> {
    const ticket = ++this.#loads;
    const [flow, packets, summary] = await Promise.all([client.api.flow(index), client.api.flowPackets(index), client.api.summary()]);
    if (ticket !== this.#loads) return;
    this.linkTypes = summary?.linkTypes.map((l) => l.linkType) ?? [];
    const same = this.flow?.index === index;
    this.flow = flow;
    if (packets.count !== this.packets?.count) { this.sacks = null; this.sackState = 'unread'; } // new packets: read again
    this.packets = packets;
    if (!same) { this.selected = null; this.bytes = null; this.bytesOf = null; }
  }

  /** Reads the flow's SACK blocks once (the time-sequence graph asks when it is shown). */
  async loadSacks(client: AnalyzerClient): Promise<void> {
    const flow = this.flow, packets = this.packets;
    if (!flow || !packets || this.sackState !== 'unread') return;
    const ticket = ++this.#sackLoads;
    this.sackState = 'reading';
    const sacks = await client.api.flowSacks(flow.index);
    if (ticket !== this.#sackLoads) return;
    // The packets came again meanwhile (the file finished loading): read again if there are more.
    if (packets.count !== this.packets?.count) { this.sackState = 'unread'; return; }
    this.sacks = sacks;
    this.sackState = sacks ? 'read' : 'unavailable';
  }

  async select(client: AnalyzerClient, k: number): Promise<void> {
    this.selected = k;
    const packets = this.packets;
    if (!packets || k < 0 || k >= packets.count) return;
    const ticket = ++this.#reads;
    const bytes = await client.api.packetBytes(packets.packet[k]);
    if (ticket === this.#reads) { this.bytes = bytes; this.bytesOf = k; }
  }
}
