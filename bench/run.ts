// `npm run bench`: how fast the wasm core reads, decodes and analyses big captures in Node, and how
// much memory it takes, beside tshark and tcptrace on the same files when they are installed.
//
//   npm run bench                        # ~1.25 M packets headers-only, ~1 GB full payload, best of 3
//   npm run bench -- --quick             # 100 k packets and 100 MB, best of 2: a minute
//   npm run bench -- --packets 500000 --size 300MB --repeat 5 --no-tools
//
// The same from the environment: SEQACK_BENCH_PACKETS, SEQACK_BENCH_SIZE, SEQACK_BENCH_REPEAT,
// SEQACK_BENCH_TOOL_REPEAT, SEQACK_BENCH_SEED. Each measurement runs in a process of its own
// (bench/measure.ts); the best time of the repeats is kept, and the highest peak memory. The table is
// printed and written as JSON to bench/out/results.json.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILT, OUT, ensureCapture, type Capture } from './captures.js';
import { parseSize, type GenerateOptions } from './generate.js';
import type { Depth, Measurement } from './measure.js';

const DEPTHS: Depth[] = ['read', 'flows', 'full'];

interface Options {
  packets: number;
  size: number;
  seed: number;
  format: 'pcap' | 'pcapng';
  repeat: number;
  toolRepeat: number;
  tools: boolean;
}

interface DepthResult {
  seconds: number;
  packetsPerSecond: number;
  megabytesPerSecond: number;
  maxRss: number;
  runs: number[];
}

interface ToolResult {
  name: string;
  command: string;
  seconds: number | null;
  maxRss: number | null;
  /** The tool's time over seqack's full analysis. */
  ratio: number | null;
  error?: string;
}

interface FileResult {
  name: string;
  path: string;
  packets: number;
  bytes: number;
  flows: { tcp: number; udp: number };
  generatedSeconds: number | null;
  seqack: Record<Depth, DepthResult>;
  /** Time of 'flows' and 'full' over 'read', as a percentage added. */
  costOverRead: { flows: number; full: number };
  summarySeconds: number | null;
  tools: ToolResult[];
}

function parseOptions(argv: string[]): Options {
  const env = process.env;
  const o: Options = {
    packets: Number(env.SEQACK_BENCH_PACKETS ?? 1_250_000),
    size: parseSize(env.SEQACK_BENCH_SIZE ?? '1GB'),
    seed: Number(env.SEQACK_BENCH_SEED ?? 1),
    format: 'pcap',
    repeat: Number(env.SEQACK_BENCH_REPEAT ?? 3),
    toolRepeat: Number(env.SEQACK_BENCH_TOOL_REPEAT ?? 2),
    tools: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? '';
    switch (a) {
      case '--quick': o.packets = 100_000; o.size = 100e6; o.repeat = 2; o.toolRepeat = 1; break;
      case '--packets': o.packets = Number(value()); break;
      case '--size': o.size = parseSize(value()); break;
      case '--seed': o.seed = Number(value()); break;
      case '--format': o.format = value() as Options['format']; break;
      case '--repeat': o.repeat = Number(value()); break;
      case '--tool-repeat': o.toolRepeat = Number(value()); break;
      case '--no-tools': o.tools = false; break;
      default:
        console.error(`unexpected ${a}\nusage: run.js [--quick] [--packets N] [--size SIZE] [--seed S] [--format pcap|pcapng] [--repeat N] [--tool-repeat N] [--no-tools]`);
        process.exit(2);
    }
  }
  if (!(o.packets > 0 && o.size > 0 && o.repeat > 0 && o.toolRepeat > 0)) throw new Error('sizes and repeats must be positive');
  return o;
}

function measure(depth: Depth | 'none', path: string): Measurement {
  const out = execFileSync(process.execPath, [join(BUILT, 'measure.js'), '--depth', depth, path],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out) as Measurement;
}

function installed(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a tool with its output thrown away: wall time, and peak memory when /usr/bin/time can tell it. */
function timeTool(command: string[]): { seconds: number; maxRss: number | null } {
  const gnuTime = existsSync('/usr/bin/time');
  const dir = mkdtempSync(join(tmpdir(), 'seqack-bench-'));
  const report = join(dir, 'time');
  const argv = gnuTime ? ['/usr/bin/time', '-f', '%M', '-o', report, ...command] : command;
  const start = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const seconds = (performance.now() - start) / 1000;
  let maxRss: number | null = null;
  if (gnuTime && existsSync(report)) maxRss = Number(readFileSync(report, 'utf8').trim().split('\n').pop()) * 1024;
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`${command.join(' ')} failed (${r.status}): ${String(r.stderr).trim().slice(0, 300)}`);
  return { seconds, maxRss };
}

function benchFile(name: string, capture: Capture, o: Options, log: (s: string) => void): FileResult {
  const { path, stats } = capture;
  const seqack = {} as Record<Depth, DepthResult>;
  let summarySeconds: number | null = null;
  for (const depth of DEPTHS) {
    const runs: Measurement[] = [];
    for (let i = 0; i < o.repeat; i++) {
      const m = measure(depth, path);
      if (m.packets !== stats.packets) throw new Error(`${depth}: read ${m.packets} packets of ${stats.packets}`);
      runs.push(m);
    }
    const best = Math.min(...runs.map((r) => r.seconds));
    seqack[depth] = {
      seconds: best,
      packetsPerSecond: stats.packets / best,
      megabytesPerSecond: stats.bytes / best / 1e6,
      maxRss: Math.max(...runs.map((r) => r.maxRss)),
      runs: runs.map((r) => r.seconds),
    };
    if (depth === 'full') summarySeconds = Math.min(...runs.map((r) => r.summarySeconds ?? Infinity));
    log(`  ${name} ${depth}: ${runs.map((r) => r.seconds.toFixed(3)).join(' ')} s`);
  }
  const tools: ToolResult[] = [];
  if (o.tools) {
    const candidates = [
      { name: 'tshark conv,tcp', tool: 'tshark', command: ['tshark', '-n', '-r', path, '-q', '-z', 'conv,tcp'] },
      { name: 'tshark analysis flags', tool: 'tshark', command: ['tshark', '-n', '-r', path, '-T', 'fields', '-e', 'tcp.analysis.flags'] },
      { name: 'tcptrace -l', tool: 'tcptrace', command: ['tcptrace', '-l', '-n', path] },
    ];
    for (const c of candidates) {
      if (!installed(c.tool)) continue;
      const shown = c.command.map((a) => (a === path ? basename(path) : a)).join(' ') + ' > /dev/null';
      try {
        const runs = Array.from({ length: o.toolRepeat }, () => timeTool(c.command));
        const seconds = Math.min(...runs.map((r) => r.seconds));
        const rss = runs.map((r) => r.maxRss).filter((r): r is number => r !== null);
        tools.push({ name: c.name, command: shown, seconds, maxRss: rss.length ? Math.max(...rss) : null, ratio: seconds / seqack.full.seconds });
        log(`  ${name} ${c.name}: ${runs.map((r) => r.seconds.toFixed(2)).join(' ')} s`);
      } catch (e) {
        tools.push({ name: c.name, command: shown, seconds: null, maxRss: null, ratio: null, error: (e as Error).message });
      }
    }
  }
  const over = (d: Depth) => (100 * (seqack[d].seconds - seqack.read.seconds)) / seqack.read.seconds;
  return {
    name, path, packets: stats.packets, bytes: stats.bytes, flows: stats.flows, generatedSeconds: capture.generated,
    seqack, costOverRead: { flows: over('flows'), full: over('full') }, summarySeconds, tools,
  };
}

// ---------------------------------------------------------------------------------------------
// The table

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const count = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} k` : String(n));

function table(results: FileResult[], baselineRss: number): string {
  const rows: string[][] = [['', 'time', 'packets/s', 'MB/s', 'peak RSS', 'over read', 'time / seqack full']];
  for (const r of results) {
    rows.push([`${basename(r.path)}: ${count(r.packets)} packets, ${mb(r.bytes)}, ${r.flows.tcp + r.flows.udp} flows`]);
    for (const d of DEPTHS) {
      const s = r.seqack[d];
      rows.push([`  seqack ${d}`, `${s.seconds.toFixed(3)} s`, count(s.packetsPerSecond), s.megabytesPerSecond.toFixed(0),
        mib(s.maxRss), d === 'read' ? '' : `+${r.costOverRead[d].toFixed(0)}%`, '']);
    }
    if (r.summarySeconds !== null) rows.push(['  then engine.flows()', `${r.summarySeconds.toFixed(3)} s`]);
    for (const t of r.tools) {
      if (t.seconds === null) { rows.push([`  ${t.name}`, 'failed']); continue; }
      rows.push([`  ${t.name}`, `${t.seconds.toFixed(2)} s`, count(r.packets / t.seconds), (r.bytes / t.seconds / 1e6).toFixed(0),
        t.maxRss === null ? '?' : mib(t.maxRss), '', `${t.ratio!.toFixed(1)}x`]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.filter((r) => r.length > 1).map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) => (r.length === 1 ? r[0] : r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : (c ?? '').padStart(widths[i]))).join('  ')));
  lines.push(`MB are 10^6 bytes of the file. Node's own footprint with the engine instantiated: ${mib(baselineRss)} peak RSS.`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const log = (s: string) => console.error(s);
  const cpu = cpus();
  log(`seqack benchmark: node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, best of ${o.repeat}`);
  const specs: [string, GenerateOptions][] = [
    ['headers', { packets: o.packets, seed: o.seed, payload: 'headers', format: o.format }],
    ['full', { size: o.size, seed: o.seed, payload: 'full', format: o.format }],
  ];
  const captures = specs.map(([name, spec]) => {
    const c = ensureCapture(spec, log);
    if (c.generated !== null) log(`  ${c.stats.packets} packets, ${mb(c.stats.bytes)} in ${c.generated.toFixed(1)} s (${mb(c.stats.bytes / c.generated)}/s)`);
    return [name, c] as const;
  });
  const baselineRss = Math.min(...Array.from({ length: o.repeat }, () => measure('none', '').maxRss));
  const results = captures.map(([name, c]) => benchFile(name, c, o, log));
  const cores = cpu.length;
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: { model: cpu[0]?.model ?? null, cores },
    repeat: o.repeat,
    toolRepeat: o.toolRepeat,
    baselineRss,
    perTcpFlow: await perTcpFlow(),
    files: results,
  };
  writeFileSync(join(OUT, 'results.json'), JSON.stringify(report, null, 2) + '\n');
  console.log(table(results, baselineRss));
  const { flow, tcp } = report.perTcpFlow;
  console.log(`Core memory per TCP flow: ${flow + tcp} bytes (flow record ${flow}, TCP state ${tcp}), plus segments while unacknowledged.`);
  log(`written to ${join(OUT, 'results.json')}`);
}

/** What the core keeps per TCP flow whatever its traffic (src/core/layout.ts, as the core checks it). */
async function perTcpFlow(): Promise<{ flow: number; tcp: number }> {
  const layout = (await import(pathToFileURL(join(BUILT, '..', 'node', 'core', 'layout.js')).href)) as { Flow: { size: number }; TCP_SIZE: number };
  return { flow: layout.Flow.size, tcp: layout.TCP_SIZE };
}

await main();
