// The public captures of test/fixtures/corpus and what TShark 4.0.17 recorded about them
// (test/fixtures/README.md says how each file was made).

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const CORPUS = join(FIXTURES, 'corpus');

/** Every file under test/fixtures/corpus, as a path relative to it. */
export function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else out.push(relative(CORPUS, join(dir, e.name)));
    }
  };
  walk(CORPUS);
  return out.sort();
}

/** A TSV with a header line; lines starting with # are comments. Gzip-compressed when named *.gz. */
export function readTsv(path: string): Record<string, string>[] {
  const raw = readFileSync(path);
  const lines = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').split('\n')
    .filter((l) => l.length > 0 && !l.startsWith('#'));
  const header = lines[0].split('\t');
  return lines.slice(1).map((l) => {
    const cells = l.split('\t');
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

/** tshark's packet count and sum of frame.len for each capture (oracle/tshark-packet-counts.tsv). */
export function tsharkCounts(): { path: string; packets: number; bytes: number }[] {
  return readTsv(join(FIXTURES, 'oracle', 'tshark-packet-counts.tsv'))
    .map((r) => ({ path: r.path, packets: Number(r.packets), bytes: Number(r.bytes) }));
}

/** tshark's per-TCP-packet fields for a capture (oracle/wireshark/<path with / as _>.tsv.gz), or null. */
export function tsharkTcpPackets(path: string): Record<string, string>[] | null {
  const tsv = join(FIXTURES, 'oracle', 'wireshark', `${path.split('/').join('_')}.tsv.gz`);
  return existsSync(tsv) ? readTsv(tsv) : null;
}

/** A field tshark printed; of a tunnelled packet's comma-joined values, the innermost (last). */
export function innermost(value: string): string {
  return value.slice(value.lastIndexOf(',') + 1);
}
