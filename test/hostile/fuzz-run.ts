// The long fuzzer: `npm run fuzz -- SECONDS` (or FUZZ_SECONDS; FUZZ_SEED, FUZZ_WORKERS). Worker threads
// mutate every fixture capture and check each mutant against the rules of fuzz.ts; this thread
// watches them, so that a mutant that hangs the core is caught too. Whatever breaks a rule is saved
// under test/fixtures/fuzz, named for the rule, and the suite replays it from then on.
// Mutant i is a function of the seed and i alone, so this thread can write out one it never saw.

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import {
  FUZZ_FIXTURES, check, corpusInputs, intactPackets, layout, mutate, read, rng, type Input, type Layout, type Mutant,
} from './fuzz.js';
import { smallCaptures } from './captures.js';

/** A mutant still running after this long hangs. */
const HANG_MS = 120_000;
/** Slower than this per byte (after a fixed allowance) is not linear in the input. */
const SLOW_MS = (bytes: number) => 5_000 + bytes / 100;

interface Started { kind: 'start'; i: number }
interface Done { kind: 'done'; i: number; rule: string | null; detail: string; keep: number; ms: number }

function inputs(): (Input & { layout: Layout })[] {
  return [...corpusInputs(), ...smallCaptures()].map((i) => ({ ...i, layout: layout(i.bytes) }));
}

function mutantAt(all: (Input & { layout: Layout })[], seed: number, i: number): { input: Input; mutant: Mutant } {
  const input = all[i % all.length];
  return { input, mutant: mutate(input.bytes, input.layout, rng((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0)) };
}

async function work(seed: number, from: number, step: number): Promise<void> {
  const all = inputs();
  const originals = await Promise.all(all.map((i) => read(i.bytes)));
  for (let i = from; ; i += step) {
    parentPort!.postMessage({ kind: 'start', i } satisfies Started);
    const { mutant } = mutantAt(all, seed, i);
    const original = originals[i % all.length];
    const keep = intactPackets(original, all[i % all.length].bytes.length, mutant.firstChange);
    const t0 = performance.now();
    let broke = await check(mutant.bytes, { original, intact: keep });
    const ms = performance.now() - t0;
    if (!broke && ms > SLOW_MS(mutant.bytes.length)) broke = { rule: 'slow', detail: `${Math.round(ms)} ms for ${mutant.bytes.length} bytes` };
    parentPort!.postMessage({ kind: 'done', i, rule: broke?.rule ?? null, detail: broke?.detail ?? '', keep, ms } satisfies Done);
  }
}

/** Saves the mutant as a fixture named for what it broke; the name keeps what the replay checks. */
function save(input: Input, mutant: Mutant, rule: string, keep: number): string {
  mkdirSync(FUZZ_FIXTURES, { recursive: true });
  const hash = createHash('sha256').update(mutant.bytes).digest('hex').slice(0, 12);
  const kept = rule === 'lost-packets' || rule === 'changed-before-damage' ? `-keep${keep}` : '';
  const name = `${rule}-${hash}${kept}${extname(input.name) || '.bin'}`;
  const path = join(FUZZ_FIXTURES, name);
  if (!existsSync(path)) writeFileSync(path, mutant.bytes);
  return name;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? process.env.FUZZ_SECONDS ?? 600);
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
  const workers = Number(process.env.FUZZ_WORKERS ?? availableParallelism());
  const all = inputs();
  console.log(`fuzz: ${all.length} captures, seed ${seed}, ${workers} workers, ${seconds} s`);
  const t0 = Date.now();
  let ran = 0;
  const saved: string[] = [];
  const report = (i: number, rule: string, detail: string, keep: number) => {
    const { input, mutant } = mutantAt(all, seed, i);
    const name = save(input, mutant, rule, keep);
    saved.push(name);
    console.log(`fuzz: mutant ${i} of ${input.name} (${mutant.how}) broke ${rule}: ${detail} -> test/fixtures/fuzz/${name}`);
  };

  const running = new Map<number, { worker: Worker; current: number; since: number }>();
  const start = (slot: number, from: number) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { seed, from, step: workers } });
    const state = { worker, current: -1, since: Date.now() };
    running.set(slot, state);
    worker.on('message', (m: Started | Done) => {
      if (m.kind === 'start') { state.current = m.i; state.since = Date.now(); return; }
      ran++;
      if (m.rule) report(m.i, m.rule, m.detail, m.keep);
    });
    worker.on('error', (e) => { // the thread died: the mutant it was on is at fault, if it was on one
      if (state.current < 0) throw e;
      report(state.current, `crash-${e.name}`, e.message, 0);
      start(slot, state.current + workers);
    });
  };
  for (let w = 0; w < workers; w++) start(w, w);

  await new Promise<void>((done) => {
    const tick = setInterval(() => {
      const now = Date.now();
      for (const [slot, s] of running) {
        if (s.current >= 0 && now - s.since > HANG_MS) {
          void s.worker.terminate();
          report(s.current, 'hang', `no result after ${HANG_MS / 1000} s`, 0);
          start(slot, s.current + workers);
        }
      }
      if (now - t0 >= seconds * 1000) { clearInterval(tick); done(); }
    }, 1000);
    const progress = setInterval(() => console.log(`fuzz: ${ran} mutants in ${Math.round((Date.now() - t0) / 1000)} s, ${saved.length} saved`), 60_000);
    progress.unref();
  });
  for (const s of running.values()) await s.worker.terminate();
  console.log(`fuzz: ${ran} mutants of ${all.length} captures in ${Math.round((Date.now() - t0) / 1000)} s (seed ${seed}); ${saved.length} broke a rule${saved.length ? `: ${saved.join(' ')}` : ''}`);
  process.exitCode = saved.length ? 1 : 0;
}

if (isMainThread) await main();
else await work(workerData.seed, workerData.from, workerData.step);
