// The command line on real and broken files: exit status 0 for a clean read, 1 for a read with
// warnings, 2 when nothing could be read (with a one-line reason). Needs the CLI built
// (`npx tsc -p tsconfig.node.json`, part of `npm run build`).

import { beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinkType, PcapWriter, ethernet } from '../helpers/capture-writer.js';
import { CORPUS, tsharkCounts } from '../helpers/corpus.js';
import { conversation, encapsulate, etherTypeOf, writePcapng } from '../helpers/traffic.js';
import { analyze } from '../helpers/analyze.js';
import { generate } from '../../bench/generate.js';
import { concat } from '../helpers/capture-writer.js';
import { analysisNames, tcpFlagNames } from '../../src/core/packets.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'seqack.js');

function seqack(...args: string[]) {
  return seqackIn(process.env, ...args);
}

function seqackIn(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 30 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tmp = '';
beforeAll(() => {
  if (!existsSync(join(ROOT, 'build', 'node', 'cli', 'main.js'))) throw new Error('build the CLI first: npx tsc -p tsconfig.node.json');
  tmp = mkdtempSync(join(tmpdir(), 'seqack-cli-'));
});

describe('seqack --json on corpus captures', () => {
  const counts = new Map(tsharkCounts().map((c) => [c.path, c.packets]));
  const CLEAN = [
    'tcptrace/input/tcp.dmp',                     // pcap big-endian, records cut by the snaplen
    'tcptrace/input/bad_ack_code.dmp',            // pcap 2.2: lengths in the old order
    'zeek/traces/http/get-to-ssh-server.pcap',    // pcap nanoseconds
    'zeek/traces/pcapng-multi-interface.pcapng',  // pcapng, two interfaces
    'zeek/traces/linux_dlt_sll2.pcap',            // Linux cooked v2
  ];
  for (const path of CLEAN) {
    test(path, () => {
      const r = seqack('--json', join(CORPUS, path));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).capture.packets).toBe(counts.get(path));
    });
  }
});

describe('seqack --json --packets', () => {
  test('lists every packet in order with its flags and analysis, and leaves no temporary file', async () => {
    // past the 16,384 records the packets member reads back at a time, with losses to flag
    const parts: Uint8Array[] = [];
    generate({ packets: 40_000, seed: 3, payload: 'headers', format: 'pcap' }, (slice) => parts.push(slice.slice()));
    const bytes = concat(...parts);
    const file = join(tmp, 'generated.pcap');
    writeFileSync(file, bytes);
    const scratch = mkdtempSync(join(tmp, 'scratch-'));
    const r = seqackIn({ ...process.env, TMPDIR: scratch }, '--json', '--packets', file);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { capture: { packets: number }; packets: { frame: number; flags: string[]; seq: number; len: number; analysis: string[] }[] };
    const { packets } = await analyze(bytes);
    expect(doc.capture.packets).toBe(40_000);
    expect(doc.packets.map((p) => [p.frame, p.flags, p.seq, p.len, p.analysis]))
      .toEqual(packets.map((p) => [p.frame, tcpFlagNames(p.tcpFlags), p.seq, p.len, analysisNames(p.analysis)]));
    expect(doc.packets.some((p) => p.analysis.includes('retransmission'))).toBe(true);
    expect(readdirSync(scratch)).toEqual([]);
  });
});

describe('seqack on files it cannot read whole', () => {
  const oneLine = (s: string) => expect(s.split('\n').filter(Boolean)).toHaveLength(1);

  test('a file that is not a capture: status 2 and one line why', () => {
    const file = join(tmp, 'notes.txt');
    writeFileSync(file, 'these are not packets\n');
    const r = seqack('--json', file);
    expect(r.status).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain('not a pcap or pcapng capture');
  });

  test('a missing file: status 2 and one line why', () => {
    const r = seqack('--json', join(tmp, 'no-such.pcap'));
    expect(r.status).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain('no such file');
  });

  test('a file of another format: status 2 and one line saying what it looks like', () => {
    const file = join(tmp, 'capture.pcap'); // the name says pcap; the bytes say PNG
    writeFileSync(file, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    const r = seqack(file);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`seqack: ${file}: this looks like a PNG image, not a capture\n`);
  });

  test('an empty file: status 2 and one line why', () => {
    const file = join(tmp, 'empty.pcap');
    writeFileSync(file, '');
    const r = seqack('--csv', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`seqack: ${file}: the file is empty\n`);
  });

  test('a damaged packet among good ones: status 1, a line naming it, and every flow', () => {
    const trace = encapsulate(conversation(4), (ip, f) => ethernet(etherTypeOf(f), ip));
    const w = new PcapWriter();
    trace.packets.forEach((p, i) => w.packet(p.time, i === 4 ? p.data.subarray(0, 14 + 10) : p.data)); // IPv4 header cut
    const file = join(tmp, 'damaged.pcap');
    writeFileSync(file, w.bytes());
    const r = seqack(file);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`seqack: ${file}: packet 5 at offset ${w.offsets[4]}: the packet ends inside its IPv4 header [truncated_ipv4_header]\n`);
    expect(r.stdout).toContain('totals: 3 flows (1 tcp, 1 udp, 1 icmp); 13 packets');
  });

  test('a record claiming 4 GiB: status 1, and the packets before it', () => {
    const trace = encapsulate(conversation(4), (ip, f) => ethernet(etherTypeOf(f), ip));
    const w = new PcapWriter();
    for (const p of trace.packets) w.packet(p.time, p.data);
    const bytes = w.bytes();
    new DataView(bytes.buffer).setUint32(w.offsets[4] + 8, 0xffffffff, true);
    const file = join(tmp, 'claims.pcap');
    writeFileSync(file, bytes);
    const r = seqack('--json', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`packet 5 at offset ${w.offsets[4]}: a packet record claims 4294967295 captured bytes`);
    expect(JSON.parse(r.stdout).capture).toMatchObject({ packets: 4, stopped: true });
  });

  test('a file cut in the middle of a record: status 1, and what came before', () => {
    const trace = encapsulate(conversation(4), (ip, f) => ethernet(etherTypeOf(f), ip));
    const whole = writePcapng(trace, LinkType.ETHERNET);
    const file = join(tmp, 'cut.pcapng');
    writeFileSync(file, whole.subarray(0, whole.length - 10));
    const r = seqack('--json', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('truncated_record');
    expect(JSON.parse(r.stdout).capture.packets).toBe(trace.packets.length - 1);
  });
});
