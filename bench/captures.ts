// The benchmark's captures, generated once into bench/out/ and kept while the generator is unchanged:
// beside each file, a .json records the options, the generator's fingerprint and what it wrote.

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GenerateOptions, GenerateStats } from './generate.js';

/** build/bench/, where the compiled benchmark runs from. */
export const BUILT = dirname(fileURLToPath(import.meta.url));
/** The repository's root, and bench/out/ in it. */
export const ROOT = join(BUILT, '..', '..');
export const OUT = join(ROOT, 'bench', 'out');

export interface Capture {
  path: string;
  options: GenerateOptions;
  stats: GenerateStats;
  /** Seconds the generator took, when it ran now; null when the file was already there. */
  generated: number | null;
}

/** The compiled generator's sources: when one changes, every capture is made again. */
function fingerprint(): string {
  const hash = createHash('sha256');
  for (const f of ['generate.js', 'network.js', 'frames.js', 'random.js', '../test/helpers/capture-writer.js']) {
    hash.update(readFileSync(join(BUILT, f)));
  }
  return hash.digest('hex').slice(0, 16);
}

export function captureName(o: GenerateOptions): string {
  const amount = o.packets ? `${o.packets}p` : `${o.size}B`;
  return `${o.payload}-${amount}-seed${o.seed}.${o.format}`;
}

/** The capture for `o`, generated unless bench/out/ holds it from the same generator. */
export function ensureCapture(o: GenerateOptions, log: (line: string) => void = () => {}): Capture {
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, captureName(o));
  const sidecar = `${path}.json`;
  const print = fingerprint();
  if (existsSync(path) && existsSync(sidecar)) {
    const kept = JSON.parse(readFileSync(sidecar, 'utf8')) as { generator: string; options: GenerateOptions; stats: GenerateStats };
    if (kept.generator === print && JSON.stringify(kept.options) === JSON.stringify(o) && statSync(path).size === kept.stats.bytes) {
      return { path, options: o, stats: kept.stats, generated: null };
    }
  }
  log(`generating ${path}`);
  const args = [join(BUILT, 'generate.js'), '--seed', String(o.seed), '--payload', o.payload, '--format', o.format];
  if (o.packets) args.push('--packets', String(o.packets));
  if (o.size) args.push('--size', String(o.size));
  if (o.concurrency) args.push('--concurrency', String(o.concurrency));
  args.push(path);
  const start = performance.now();
  const stdout = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const generated = (performance.now() - start) / 1000;
  const stats = JSON.parse(stdout) as GenerateStats;
  writeFileSync(sidecar, JSON.stringify({ generator: print, options: o, stats }, null, 2) + '\n');
  return { path, options: o, stats, generated };
}
