// Cutting a new capture out of an opened one: read again, the cut must hold exactly the chosen
// packets, byte for byte, with their times and wire lengths, and the same flows.

import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { instantiate } from '../../src/core/wasm.js';
import { Engine, type FlowSummary } from '../../src/core/engine.js';
import { feed, slices, streamGunzip } from '../../src/core/feed.js';
import { readPacket, type PacketRecord } from '../../src/core/packets.js';
import { wasmPath } from '../../src/core/node.js';
import { PacketIndex } from '../../src/worker/packet-index.js';
import { PacketBytes } from '../../src/worker/packet-bytes.js';
import { blobChunks } from '../../src/worker/blob-chunks.js';
import { StreamFile, pulled } from '../../src/worker/stream-file.js';
import { cutCapture } from '../../src/worker/capture-cut.js';
import { conversation, encapsulate, etherTypeOf } from '../helpers/traffic.js';
import { PcapngWriter, LinkType, ethernet } from '../helpers/capture-writer.js';

const CORPUS = fileURLToPath(new URL('../fixtures/corpus', import.meta.url));

interface Opened { engine: Engine; index: PacketIndex; records: PacketRecord[]; file: Blob }

async function open(chunks: AsyncIterable<Uint8Array>, file: () => Blob): Promise<Opened> {
  const engine = new Engine(await instantiate(await readFile(wasmPath())));
  const index = new PacketIndex();
  const records: PacketRecord[] = [];
  engine.begin({ onPackets: (v, n) => { index.add(v, n); for (let i = 0; i < n; i++) records.push(readPacket(v, i)); } });
  await feed(engine, chunks, streamGunzip);
  return { engine, index, records, file: file() };
}

const openBytes = (bytes: Uint8Array, slice?: number) => {
  const file = new Blob([bytes as Uint8Array<ArrayBuffer>]);
  return open(slice ? slices(blobChunks(file), slice) : blobChunks(file), () => file);
};

async function cut(o: Opened, packets: Uint32Array) {
  const bytes = new PacketBytes(o.file, o.engine.summary().compression === 'gzip');
  const c = await cutCapture(o.index, packets, (offsets, lengths) => bytes.pieces(offsets, lengths));
  return { ...c, bytes: new Uint8Array(await c.blob.arrayBuffer()) };
}

/** What must survive a cut: everything but the numbering, which restarts in the new file. */
function portable(f: FlowSummary) {
  return { proto: f.proto, client: f.client, server: f.server, first: f.first, last: f.last, packets: f.packets, bytes: f.bytes,
    payload: f.payload, connState: f.tcp?.zeek?.connState, history: f.tcp?.zeek?.history, handshake: f.tcp?.handshake.outcome };
}

/** The cut read back: one packet per chosen packet, same times, lengths and bytes. */
async function expectSamePackets(o: Opened, packets: Uint32Array, cutBytes: Uint8Array) {
  const again = await openBytes(cutBytes);
  expect(again.records.length).toBe(packets.length);
  const origBytes = new PacketBytes(o.file, o.engine.summary().compression === 'gzip');
  const cutRead = new PacketBytes(again.file, false);
  for (let k = 0; k < packets.length; k++) {
    const a = o.records[packets[k]], b = again.records[k];
    expect([b.time, b.wireLen, b.capLen, b.seq, b.ack, b.tcpFlags]).toEqual([a.time, a.wireLen, a.capLen, a.seq, a.ack, a.tcpFlags]);
    expect(await cutRead.read(again.index.offset(k), again.index.capLen(k))).toEqual(await origBytes.read(o.index.offset(packets[k]), o.index.capLen(packets[k])));
  }
  return again;
}

describe('a cut capture', () => {
  it('of one flow is a pcap of its packets, which read as the same flow', async () => {
    const o = await openBytes(readFileSync(join(CORPUS, 'tcpreplay/test.pcap')));
    const flows = o.engine.flows();
    for (const f of [0, 3, flows.length - 1]) {
      const packets = o.index.packetsOf(f);
      const c = await cut(o, packets);
      expect(c.format).toBe('pcap');
      expect(new DataView(c.bytes.buffer).getUint32(0, true)).toBe(0xa1b2c3d4); // microseconds, as the source
      const again = await expectSamePackets(o, packets, c.bytes);
      expect(again.engine.flows().map(portable)).toEqual([portable(flows[f])]);
      expect(again.engine.summary().linkTypes).toEqual([{ linkType: 1, name: 'ETHERNET', packets: packets.length }]);
    }
  });

  it('of a gzip file takes the bytes from one pass over the decompressed stream', async () => {
    const plain = readFileSync(join(CORPUS, 'zeek/traces/wikipedia.pcap'));
    const o = await openBytes(gzipSync(plain), 4096);
    expect(o.engine.summary().compression).toBe('gzip');
    const packets = Uint32Array.from([0, 1, 2, 3].flatMap((f) => Array.from(o.index.packetsOf(f)))).sort();
    const c = await cut(o, packets);
    const again = await expectSamePackets(o, packets, c.bytes);
    expect(again.engine.flows().map(portable)).toEqual(o.engine.flows().slice(0, 4).map(portable));
  });

  it('of a pcapng file keeps nanosecond times in a nanosecond pcap', async () => {
    const trace = encapsulate(conversation(6, { t0: 1_700_000_000_123_456_789n }), (d, fam) => ethernet(etherTypeOf(fam), d));
    const w = new PcapngWriter({});
    const id = w.interface({ linkType: LinkType.ETHERNET, tsresol: 9 });
    for (const p of trace.packets) w.packet(id, p.time, p.data);
    const o = await openBytes(w.bytes());
    const packets = o.index.packetsOf(0);
    const c = await cut(o, packets);
    expect(c.format).toBe('pcap');
    expect(new DataView(c.bytes.buffer).getUint32(0, true)).toBe(0xa1b23c4d);
    const again = await expectSamePackets(o, packets, c.bytes);
    expect(again.engine.flows().map(portable)).toEqual([portable(o.engine.flow(0))]);
  });

  it('with packets of several link types is a pcapng with an interface for each', async () => {
    const trace = conversation(4);
    const w = new PcapngWriter({});
    const eth = w.interface({ linkType: LinkType.ETHERNET });
    const raw = w.interface({ linkType: LinkType.RAW });
    trace.packets.forEach((p, i) => {
      if (i % 2) w.packet(raw, p.time, p.data);
      else w.packet(eth, p.time, ethernet(etherTypeOf(p.family), p.data));
    });
    const o = await openBytes(w.bytes());
    const packets = o.index.packetsOf(0);
    const c = await cut(o, packets);
    expect(c.format).toBe('pcapng');
    const again = await expectSamePackets(o, packets, c.bytes);
    expect(again.engine.flows().map(portable)).toEqual([portable(o.engine.flow(0))]);
    const links = again.engine.summary().linkTypes.map((l) => [l.linkType, l.packets]);
    expect(links.sort()).toEqual([[LinkType.ETHERNET, 5], [LinkType.RAW, 4]]);
  });
});

describe('a streamed capture', () => {
  it('is read as it arrives and kept, so packets read back as from the file', async () => {
    const bytes = readFileSync(join(CORPUS, 'tcpreplay/test.pcap'));
    const kept = new StreamFile();
    let at = 0;
    const pull = async () => {
      if (at >= bytes.length) return null;
      const n = 1 + ((at * 7919) % 9000); // uneven chunks, as a network gives them
      const chunk = new Uint8Array(bytes.subarray(at, at + n));
      at += n;
      return chunk;
    };
    const o = await open(kept.tee(pulled(pull)), () => kept.blob);
    const direct = await openBytes(bytes);
    expect(kept.size).toBe(bytes.length);
    expect(new Uint8Array(await o.file.arrayBuffer())).toEqual(new Uint8Array(bytes));
    expect(o.engine.flows()).toEqual(direct.engine.flows());
    const packets = o.index.packetsOf(2);
    expect((await cut(o, packets)).bytes).toEqual((await cut(direct, packets)).bytes);
  });
});
