// The command line on real and broken files: exit status 0 for a clean read, 1 for a read with
// warnings, 2 when nothing could be read (with a one-line reason). Needs the CLI built
// (`npx tsc -p tsconfig.node.json`, part of `npm run build`).

import { beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinkType, ethernet } from '../helpers/capture-writer.js';
import { CORPUS, tsharkCounts } from '../helpers/corpus.js';
import { conversation, encapsulate, etherTypeOf, writePcapng } from '../helpers/traffic.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'seqack.js');

function seqack(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
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
