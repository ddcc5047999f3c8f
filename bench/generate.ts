// Writes a realistic capture for the benchmark, the same bytes for the same seed:
//
//   node build/bench/generate.js --packets 1250000 --seed 1 --payload headers --format pcap out.pcap
//   node build/bench/generate.js --size 2GB --seed 1 --payload full --format pcapng out.pcapng
//
// The traffic (bench/network.ts) is thousands of concurrent TCP and UDP conversations with loss,
// retransmissions, duplicate ACKs, zero windows and every kind of teardown. `headers` keeps each
// packet's headers only, with its length on the wire (54 or 66 bytes for four packets in five; IPv6,
// SYN and SACK packets up to 110); `full` keeps the 1448- and 1460-byte segments whole. The file is
// streamed to disk as it is made.

import { closeSync, openSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Network, WHY_NAMES, type Segment } from './network.js';
import { CaptureFile, type Format } from './frames.js';

export interface GenerateOptions {
  /** Stop after this many packets, or once the file holds this many bytes; at least one is needed. */
  packets?: number;
  size?: number;
  seed: number;
  payload: 'headers' | 'full';
  format: Format;
  /** Conversations going on at once. */
  concurrency?: number;
}

export interface GenerateStats {
  packets: number;
  /** Bytes of the file, and bytes on the wire. */
  bytes: number;
  wireBytes: number;
  flows: { tcp: number; udp: number };
  /** Captured packets by why they were sent (bench/network.ts's Why). */
  sent: Record<(typeof WHY_NAMES)[number], number>;
  /** Seconds of traffic from the first packet to the last. */
  duration: number;
}

export const DEFAULT_CONCURRENCY = 2000;

/** Generates a capture into `sink`, slice by slice (each valid during the call only). */
export function generate(o: GenerateOptions, sink: (bytes: Uint8Array) => void): GenerateStats {
  if (!o.packets && !o.size) throw new Error('generate: give packets or size');
  const maxPackets = o.packets ?? Infinity;
  const maxBytes = o.size ?? Infinity;
  const file = new CaptureFile({ format: o.format, headersOnly: o.payload === 'headers', seed: o.seed, sink });
  const sent = new Array<number>(WHY_NAMES.length).fill(0);
  const flows = { tcp: 0, udp: 0 };
  let first = -1, last = 0;
  const capture = (seg: Segment, time: number) => {
    if (!seg.conv.seen) flows[seg.conv.udp ? 'udp' : 'tcp']++;
    file.write(seg, time);
    sent[seg.why]++;
    if (first < 0) first = time;
    last = time;
  };
  const net = new Network({ seed: o.seed, concurrency: o.concurrency ?? DEFAULT_CONCURRENCY }, capture);
  net.run(() => file.packets < maxPackets && file.bytes < maxBytes);
  file.flush();
  return {
    packets: file.packets,
    bytes: file.bytes,
    wireBytes: file.wireBytes,
    flows,
    sent: Object.fromEntries(WHY_NAMES.map((name, i) => [name, sent[i]])) as GenerateStats['sent'],
    duration: first < 0 ? 0 : (last - first) / 1e6,
  };
}

/** "2GB", "500MB", "1.5GiB", "64KiB" or a number of bytes; k, M, G are powers of 1000, Ki, Mi, Gi of 1024. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(|k|m|g|ki|mi|gi)b?$/i.exec(text.trim());
  if (!m) throw new Error(`not a size: ${text}`);
  const unit = { '': 1, k: 1e3, m: 1e6, g: 1e9, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3 }[m[2].toLowerCase()]!;
  return Math.round(Number(m[1]) * unit);
}

const USAGE = 'usage: generate.js (--packets N | --size SIZE) [--seed S] [--payload headers|full] [--format pcap|pcapng] [--concurrency N] OUT';

function parseArgs(argv: string[]): GenerateOptions & { out: string } {
  const o: GenerateOptions & { out: string } = { seed: 1, payload: 'headers', format: 'pcap', out: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--packets': o.packets = Number(value()); break;
      case '--size': o.size = parseSize(value()); break;
      case '--seed': o.seed = Number(value()); break;
      case '--payload': o.payload = value() as GenerateOptions['payload']; break;
      case '--format': o.format = value() as Format; break;
      case '--concurrency': o.concurrency = Number(value()); break;
      default:
        if (a.startsWith('-') || o.out) throw new Error(`unexpected ${a}`);
        o.out = a;
    }
  }
  if (!o.out || !(o.packets || o.size)) throw new Error('an output file and --packets or --size are needed');
  if (o.payload !== 'headers' && o.payload !== 'full') throw new Error(`--payload is headers or full, not ${o.payload}`);
  if (o.format !== 'pcap' && o.format !== 'pcapng') throw new Error(`--format is pcap or pcapng, not ${o.format}`);
  if (!Number.isInteger(o.seed)) throw new Error('--seed is an integer');
  return o;
}

function main(): void {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const fd = openSync(o.out, 'w');
  const t0 = performance.now();
  const stats = generate(o, (bytes) => {
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at);
  });
  closeSync(fd);
  const seconds = (performance.now() - t0) / 1000;
  console.error(`${o.out}: ${stats.packets} packets, ${(stats.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s `
    + `(${(stats.packets / seconds / 1e6).toFixed(2)} M packets/s, ${(stats.bytes / seconds / 1e6).toFixed(0)} MB/s)`);
  console.log(JSON.stringify(stats));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
