// The packet decoder on real captures: for every TCP and UDP packet of the corpus, the headers it
// decodes from the packet's bytes must say what the core said of the same packet (ports, raw Seq and
// Ack, flags, window, payload length), under whatever link type and encapsulation it came in.

import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../../src/core/node.js';
import { feed, streamGunzip } from '../../src/core/feed.js';
import { readPacket, type PacketRecord } from '../../src/core/packets.js';
import { blobChunks } from '../../src/worker/blob-chunks.js';
import { dissect, dissectAny, fieldBytes, type Dissection, type Layer } from '../../src/inspect/index.js';

const CORPUS = fileURLToPath(new URL('../fixtures/corpus', import.meta.url));

function captures(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return captures(p);
    return /\.(pcap|pcapng|dmp)$/.test(name) ? [p] : [];
  });
}

async function analyse(path: string) {
  const bytes = readFileSync(path);
  const engine = await createEngine();
  const records: PacketRecord[] = [];
  engine.begin({ onPackets: (v, n) => { for (let i = 0; i < n; i++) records.push(readPacket(v, i)); } });
  await feed(engine, blobChunks(new Blob([bytes])), streamGunzip);
  const summary = engine.summary();
  return { bytes, records, flows: engine.flows(), linkTypes: summary.linkTypes.map((l) => l.linkType) };
}

const value = (l: Layer | undefined, id: string) => l?.fields.find((f) => f.id === id)?.value;
const transportOf = (d: Dissection) => d.layers.find((l) => !l.quoted && (l.id === 'tcp' || l.id === 'udp'));

describe('packet decoder', () => {
  const files = captures(CORPUS);

  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('agrees with the core on every TCP and UDP packet of the corpus', async () => {
    let checked = 0;
    const problems: string[] = [];
    for (const path of files) {
      const { bytes, records, flows, linkTypes } = await analyse(path);
      for (const r of records) {
        if (r.flow < 0 || (r.proto !== 6 && r.proto !== 17)) continue;
        const f = flows[r.flow];
        const pkt = bytes.subarray(r.dataOffset, r.dataOffset + r.capLen);
        const d = dissectAny(pkt, linkTypes, { proto: f.proto, ports: [f.client.port, f.server.port] });
        const t = transportOf(d);
        const where = `${path.slice(CORPUS.length + 1)} frame ${r.frame}`;
        if (!t) { problems.push(`${where}: no transport (${d.layers.map((l) => l.id).join('/')})`); continue; }
        const ports = [Number(value(t, `${t.id}.srcport`)), Number(value(t, `${t.id}.dstport`))].sort();
        const want = [f.client.port, f.server.port].sort();
        if (ports.join() !== want.join()) problems.push(`${where}: ports ${ports} != ${want}`);
        if (t.id === 'tcp' && !t.truncated) {
          const flags = ['fin', 'syn', 'reset', 'push', 'ack', 'urg', 'ece', 'cwr', 'ae']
            .reduce((a, n, i) => a | (Number(value(t, `tcp.flags.${n}`)) << i), 0);
          const got = [Number(value(t, 'tcp.seq')), Number(value(t, 'tcp.ack')), flags, Number(value(t, 'tcp.window_size_value'))];
          const exp = [r.rawSeq, r.rawAck, r.tcpFlags, r.window];
          if (got.join() !== exp.join()) problems.push(`${where}: seq/ack/flags/window ${got} != ${exp}`);
        }
        if (r.capLen === r.wireLen && !t.truncated) {
          const payload = d.layers.find((l) => l.id === 'data' && l.start >= t.end);
          const len = payload ? payload.end - payload.start : 0;
          if (len !== r.len) problems.push(`${where}: payload ${len} != ${r.len}`);
        }
        checked++;
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(checked).toBeGreaterThan(50_000);
  }, 120_000);

  it('decodes the SYN of an HTTP GET as a textbook would draw it', async () => {
    const { bytes, records } = await analyse(join(CORPUS, 'zeek/traces/http/get.pcap'));
    const syn = records[0];
    const d = dissect(bytes.subarray(syn.dataOffset, syn.dataOffset + syn.capLen), 1, { relSeq: 0, relAck: 0, windowShift: 4 });
    expect(d.layers.map((l) => l.id)).toEqual(['eth', 'ip', 'tcp']);
    const [eth, ip, tcp] = d.layers;
    expect(value(eth, 'eth.type')).toBe('0x0800');
    expect([value(ip, 'ip.version'), value(ip, 'ip.hdr_len'), value(ip, 'ip.proto'), value(ip, 'ip.src'), value(ip, 'ip.dst')])
      .toEqual(['4', '5', '6', '141.142.228.5', '192.150.187.43']);
    expect(value(ip, 'ip.flags.df')).toBe('1');
    expect(value(tcp, 'tcp.srcport')).toBe('59856');
    expect(value(tcp, 'tcp.dstport')).toBe('80');
    expect(value(tcp, 'tcp.seq')).toBe('4263588410');
    expect(tcp.fields.find((f) => f.id === 'tcp.seq')!.extra).toEqual([{ label: 'relative', value: '0' }]);
    expect(value(tcp, 'tcp.flags.syn')).toBe('1');
    expect(value(tcp, 'tcp.flags.ack')).toBe('0');
    expect(value(tcp, 'tcp.hdr_len')).toBe('11');
    // A SYN's window is never scaled.
    expect(tcp.fields.find((f) => f.id === 'tcp.window_size_value')!.extra).toBeUndefined();
    const options = tcp.fields.filter((f) => f.id.startsWith('tcp.option')).map((f) => f.value);
    expect(options).toEqual(['MSS 1460', 'NOP', 'WS 4 (× 16)', 'NOP', 'NOP', expect.stringMatching(/^TSval \d+, TSecr 0$/), 'SACK permitted', 'EOL']);
    // Field positions: the source port is bytes 34-35, the flags the low 9 bits of bytes 46-47.
    expect(fieldBytes(tcp.fields.find((f) => f.id === 'tcp.srcport')!)).toEqual([34, 36]);
    expect(fieldBytes(tcp.fields.find((f) => f.id === 'tcp.flags.syn')!)).toEqual([47, 48]);
    expect(tcp.fields.find((f) => f.id === 'tcp.flags.syn')!.bit).toBe(47 * 8 + 6);
  });

  it('decodes VLAN, MPLS, PPPoE, SLL, SLL2, NULL and raw IP framing', async () => {
    const stacks = new Map<string, string>();
    for (const name of ['zeek/traces/q-in-q.pcap', 'zeek/traces/mixed-vlan-mpls.pcap', 'zeek/traces/pppoe-over-qinq.pcap',
      'zeek/traces/linux_dlt_sll2.pcap', 'zeek/traces/tls/irc-starttls.pcap', 'zeek/traces/http/connect-with-header.pcap',
      'tcptrace/input/rawip.dmp', 'zeek/traces/tcp-syslog.pcap', 'zeek/traces/vntag.pcap']) {
      const { bytes, records, linkTypes } = await analyse(join(CORPUS, name));
      for (const r of records) {
        const d = dissectAny(bytes.subarray(r.dataOffset, r.dataOffset + r.capLen), linkTypes, null);
        stacks.set(d.layers.filter((l) => l.id !== 'data').map((l) => l.id).join('/'), name);
      }
    }
    const all = [...stacks.keys()];
    for (const want of ['eth/vlan/vlan/ip/udp', 'eth/mpls/ip/tcp', 'eth/vlan/ip/tcp', 'eth/vlan/vlan/pppoe/ppp/ip/tcp', 'sll2/ipv6/icmpv6',
      'sll/ip/tcp', 'null/ipv6/tcp', 'ip/tcp', 'eth/vntag/vlan/ip']) {
      expect(all.some((s) => s.startsWith(want)), `${want} in ${all.join(' ')}`).toBe(true);
    }
  });

  it('never throws and never points past the bytes, whatever they are', async () => {
    const { bytes, records, linkTypes } = await analyse(join(CORPUS, 'tcpreplay/test.pcap'));
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (const r of records.slice(0, 60)) {
      const pkt = bytes.subarray(r.dataOffset, r.dataOffset + r.capLen);
      for (let cut = 0; cut <= pkt.length; cut += 3) {
        const part = pkt.slice(0, cut);
        if (cut && rand() < 0.5) part[Math.floor(rand() * cut)] = Math.floor(rand() * 256);
        for (const lt of [...linkTypes, 0, 101, 113, 276, 9, 10]) {
          const d = dissect(part, lt);
          for (const l of d.layers) for (const f of l.fields) expect(f.bit + f.bits).toBeLessThanOrEqual(part.length * 8);
        }
      }
    }
  });
});
