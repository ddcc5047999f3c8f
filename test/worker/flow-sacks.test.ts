// SACK blocks read back from the file for the time-sequence graph: as many ACKs carry them as
// tcptrace counts ("sack pkts sent"), and each block lies where the data it acknowledges does.

import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { instantiate } from '../../src/core/wasm.js';
import { Engine } from '../../src/core/engine.js';
import { wasmPath } from '../../src/core/node.js';
import { feed, streamGunzip } from '../../src/core/feed.js';
import { PacketIndex } from '../../src/worker/packet-index.js';
import { FlowTable } from '../../src/worker/flow-table.js';
import { blobChunks } from '../../src/worker/blob-chunks.js';
import { readSacks, sackQuery } from '../../src/worker/flow-sacks.js';

const CORPUS = fileURLToPath(new URL('../fixtures/corpus', import.meta.url));

describe('SACK blocks of a flow', () => {
  for (const name of ['tcptrace/input/dsack.dmp', 'tcptrace/input/first_seg_ooo.dmp', 'zeek/traces/tcp/retransmit-fast009.pcap']) {
    it(`agree with tcptrace's counts: ${name}`, async () => {
      const file = new Blob([readFileSync(join(CORPUS, name))]);
      const core = await instantiate(await readFile(wasmPath()));
      const engine = new Engine(core);
      const index = new PacketIndex();
      engine.begin({ onPackets: (v, n) => index.add(v, n) });
      await feed(engine, blobChunks(file), streamGunzip);
      const table = new FlowTable(core);
      table.refresh();
      const linkTypes = engine.summary().linkTypes.map((l) => l.linkType);
      let flows = 0;
      for (let f = 0; f < engine.flowCount; f++) {
        const flow = engine.flow(f);
        if (!flow.tcp) continue;
        const packet = index.packetsOf(f);
        const sacks = await readSacks(sackQuery(index, packet, file, linkTypes, { proto: 'tcp', ports: [flow.client.port, flow.server.port] }));
        // Who sent each ACK with blocks: endpoint A or B, and so the client or the server.
        const bySide = { client: new Set<number>(), server: new Set<number>() };
        const clientIsB = table.clientIsB(f);
        for (let i = 0; i < sacks.length; i += 3) {
          bySide[(index.dir(packet[sacks[i]]) === 1) === clientIsB ? 'client' : 'server'].add(sacks[i]);
          expect(sacks[i + 2]).toBeGreaterThan(sacks[i + 1]);
        }
        expect([bySide.client.size, bySide.server.size]).toEqual([flow.tcp.client.sackPackets, flow.tcp.server.sackPackets]);
        if (flow.tcp.client.sackPackets + flow.tcp.server.sackPackets) flows++;
      }
      expect(flows).toBeGreaterThan(0);
    });
  }
});
