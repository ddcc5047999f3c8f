// The fuzzer, short: every fixture capture (the corpus and the small generated ones) mutated with a
// fixed seed, each mutant read whole and in small chunks against the rules of fuzz.ts; and every input
// that once broke a rule (test/fixtures/fuzz), replayed. FUZZ_SECONDS, FUZZ_MUTANTS and FUZZ_SEED
// change the run; `npm run fuzz` runs for hours and saves what breaks.

import { expect, test } from 'vitest';
import { check, corpusInputs, intactPackets, layout, mutate, read, rng, savedInputs, warningCodesSeen, type Broken } from './fuzz.js';
import { smallCaptures } from './captures.js';

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 20);
const MUTANTS = Number(process.env.FUZZ_MUTANTS ?? 5000);
const SEED = Number(process.env.FUZZ_SEED ?? 1);

/** A saved input named "...-keep12..." lost some of its first 12 packets once. */
const keptBefore = (name: string) => Number(/-keep(\d+)/.exec(name)?.[1] ?? 0);

// Every input that once broke a rule (test/fixtures/fuzz; none yet) is replayed.
for (const { name, bytes } of savedInputs()) {
  test(`an input that once broke a rule: ${name}`, async () => {
    expect(await check(bytes)).toBeNull();
    expect((await read(bytes)).summary.packets).toBeGreaterThanOrEqual(keptBefore(name));
  });
}

test('mutants of every fixture capture keep the rules', async () => {
  const inputs = [...corpusInputs(), ...smallCaptures()];
  const originals = await Promise.all(inputs.map(async (i) => ({ ...i, layout: layout(i.bytes), read: await read(i.bytes) })));
  const r = rng(SEED);
  const failures: (Broken & { input: string; how: string })[] = [];
  const t0 = Date.now();
  let n = 0;
  // Whole rounds over the inputs, so that each is mutated at least once, for as long as allowed.
  for (let round = 0; round === 0 || (Date.now() - t0 < SECONDS * 1000 && n < MUTANTS); round++) {
    for (const o of originals) {
      const m = mutate(o.bytes, o.layout, r);
      const broke = await check(m.bytes, { original: o.read, intact: intactPackets(o.read, o.bytes.length, m.firstChange) });
      n++;
      if (broke) failures.push({ ...broke, input: o.name, how: m.how });
    }
  }
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`fuzz: ${n} mutants of ${inputs.length} captures in ${seconds} s (seed ${SEED}), ${failures.length} broke a rule; warnings seen: ${warningCodesSeen().join(' ')}`);
  expect(failures).toEqual([]);
}, 600_000);
