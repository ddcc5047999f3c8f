// One measurement, in a process of its own so that the peak memory it reports is the analysis's:
//
//   node build/bench/measure.js --depth read|flows|full|none [--chunk BYTES] [--no-summary] FILE
//
// prints {"seconds", "packets", "flows", "maxRss", "summarySeconds"} as JSON. The wasm module is
// compiled before the clock starts (a page or CLI compiles it once too); instantiating it, reading the
// file and the core's work are timed. `none` reads nothing: Node's and the engine's own footprint.
// The core is the package's Node build (build/node), the one the CLI runs.

import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { BUILT } from './captures.js';

export type Depth = 'read' | 'flows' | 'full';

export interface Measurement {
  seconds: number;
  packets: number;
  flows: number;
  /** Peak resident set size, bytes. */
  maxRss: number;
  /** Turning the core's flow table into JavaScript summaries (engine.flows()), after the analysis. */
  summarySeconds: number | null;
}

// What this file uses of build/node/core/node.js, typed here so that the benchmark's build does not
// compile src/core a second time.
interface EngineLike {
  summary(): { packets: number; flows: number };
  flows(): unknown[];
}
interface NodeCore {
  createEngine(): Promise<EngineLike>;
  analyzeFile(path: string, options: { depth?: Depth; chunkSize?: number }): Promise<EngineLike>;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let depth: Depth | 'none' = 'full';
  let chunkSize: number | undefined;
  let file = '';
  let summaries = true;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--depth') depth = args[++i] as Depth | 'none';
    else if (args[i] === '--chunk') chunkSize = Number(args[++i]);
    else if (args[i] === '--no-summary') summaries = false;
    else file = args[i];
  }
  if (depth !== 'none' && !file) {
    console.error('usage: measure.js --depth read|flows|full|none [--chunk BYTES] [--no-summary] FILE');
    process.exit(2);
  }
  const core = (await import(pathToFileURL(join(BUILT, '..', 'node', 'core', 'node.js')).href)) as NodeCore;
  await core.createEngine(); // compiles the module, which analyzeFile then reuses
  const start = performance.now();
  let engine: EngineLike | null = null;
  if (depth !== 'none') engine = await core.analyzeFile(file, { depth, chunkSize });
  const summary = engine?.summary() ?? { packets: 0, flows: 0 };
  const seconds = (performance.now() - start) / 1000;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  let summarySeconds: number | null = null;
  if (engine && depth === 'full' && summaries) {
    const t = performance.now();
    engine.flows();
    summarySeconds = (performance.now() - t) / 1000;
  }
  const m: Measurement = { seconds, packets: summary.packets, flows: summary.flows, maxRss, summarySeconds };
  console.log(JSON.stringify(m));
}

await main();
