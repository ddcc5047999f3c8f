// Where the full analysis spends its time: runs one measurement under V8's sampling profiler and adds
// up the time spent in each function, naming the core's functions from build/seqack.wat (the release
// build has no name section; its text file lists the functions in index order).
//
//   npm run bench:profile                        # the benchmark's headers-only capture, depth full
//   npm run bench:profile -- --size 1GB          # its full-payload capture
//   npm run bench:profile -- --depth flows FILE
//   npm run bench:profile -- --summary           # engine.flows() after the analysis, too
//
// Functions the optimiser inlined are counted in their callers.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT, ROOT, ensureCapture } from './captures.js';
import { parseSize, type GenerateOptions } from './generate.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** Names of the core's functions by index: imports first, then definitions, as the binary numbers them. */
function wasmNames(): string[] {
  const wat = join(ROOT, 'build', 'seqack.wat');
  if (statSync(wat).mtimeMs < statSync(join(ROOT, 'build', 'seqack.wasm')).mtimeMs - 1000) {
    console.error('warning: build/seqack.wat is older than build/seqack.wasm; run `npm run build:wasm`');
  }
  const names: string[] = [];
  for (const line of readFileSync(wat, 'utf8').split('\n')) {
    const m = /^ \((?:import "[^"]*" "[^"]*" )?\(?func \$(\S+)/.exec(line);
    if (m) names.push(m[1]);
  }
  return names;
}

/** A function's name, and the part of the program it belongs to. */
function place(frame: ProfileNode['callFrame'], wasm: string[]): { name: string; area: string } {
  const f = frame.functionName;
  const w = /^wasm-function\[(\d+)\]$/.exec(f);
  const name = w ? (wasm[Number(w[1])] ?? f) : f.replace(/^\$/, '');
  if (frame.url.startsWith('wasm://')) {
    const parts = name.split('/');
    // assembly/analysis/tcp/analyze -> assembly/analysis/tcp; ~lib/... -> AssemblyScript runtime
    return { name, area: name.startsWith('~lib') ? 'wasm: AssemblyScript library' : `wasm: ${parts.slice(0, -1).join('/')}` };
  }
  if (f === '(garbage collector)') return { name: f, area: 'JavaScript: garbage collector' };
  if (f === '(program)' || f === '(idle)') return { name: f, area: `V8 ${f}` };
  const file = frame.url.split('/').pop() || '(native)';
  if (frame.url.includes('/build/node/')) return { name: `${f || '(anonymous)'} ${file}`, area: `JavaScript: src/core/${file.replace(/\.js$/, '.ts')}` };
  return { name: `${f || '(anonymous)'} ${file}`, area: 'Node: streams, file reads, module loading' };
}

function main(): void {
  const args = process.argv.slice(2);
  let depth = 'full', file = '', top = 25, summary = false;
  // the benchmark's headers-only capture unless told otherwise
  let spec: GenerateOptions = { packets: 1_250_000, seed: 1, payload: 'headers', format: 'pcap' };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--depth') depth = args[++i];
    else if (args[i] === '--packets') spec = { ...spec, packets: Number(args[++i]) };
    else if (args[i] === '--size') spec = { size: parseSize(args[++i]), seed: 1, payload: 'full', format: 'pcap' };
    else if (args[i] === '--top') top = Number(args[++i]);
    else if (args[i] === '--summary') summary = true;
    else file = args[i];
  }
  file ||= ensureCapture(spec, (s) => console.error(s)).path;
  const dir = mkdtempSync(join(tmpdir(), 'seqack-profile-'));
  // sample every 100 µs: a run of a second or two gives tens of thousands of samples
  execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '100', join(BUILT, 'measure.js'), '--depth', depth,
    ...(summary ? [] : ['--no-summary']), file],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  const profile = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8')) as Profile;
  rmSync(dir, { recursive: true, force: true });

  const wasm = wasmNames();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byName = new Map<string, number>(), byArea = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const { name, area } = place(byId.get(id)!.callFrame, wasm);
    if (name === '(idle)') continue;
    byName.set(name, (byName.get(name) ?? 0) + us);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    total += us;
  }
  const show = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([k, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
  console.log(`${file}, depth ${depth}: ${(total / 1000).toFixed(0)} ms sampled (self time; idle left out)\n`);
  console.log(`by part of the program\n${show(byArea, 30)}\n`);
  console.log(`by function\n${show(byName, top)}`);
}

main();
