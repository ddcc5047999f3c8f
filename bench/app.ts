// `npm run bench:app`: the app in headless Chromium on big captures. For each, the time from choosing
// the file to the complete flow table and its MB/s, in a load without tracing; beside it the ceiling,
// the rate at which a page reads the same file without parsing it (the fastest of three ways:
// rawRead); and, from a second load under a Chromium trace, the longest main-thread task at start-up
// (from navigation until the start screen is up and the page idle) and while it loads (from the change
// event to the table drawn complete and the page idle). Then one TCP flow of a million packets: the
// time to open it and draw its time-sequence graph, and what a zoom costs.
//
//   npm run bench:app                          # the same captures as npm run bench, best of 2
//   npm run bench:app -- --quick               # 100 k packets and 100 MB, once
//   npm run bench:app -- --packets 2000000 --size 300MB --flow 1000000 --repeat 3
//
// Serves the built site (dist/, from `npm run build`) on 127.0.0.1 as the end-to-end tests do and
// drives Debian's Chromium at /usr/bin/chromium. Prints a table and writes bench/out/app.json.

/// <reference lib="dom" />
import { existsSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { OUT, ensureCapture } from './captures.js';
import { parseSize, type GenerateOptions } from './generate.js';
import { serveDist, launch, newPage } from '../test/e2e/harness.js';
import { indexMark, instrument, times, workerMark } from './page.js';

interface Options { packets: number; size: number; flow: number; seed: number; repeat: number }

interface LoadResult {
  name: string;
  packets: number;
  bytes: number;
  flows: number;
  /** From the file input's change event to the table's last rows, best of the repeats. */
  seconds: number;
  runs: number[];
  megabytesPerSecond: number;
  /** The same file read without parsing (rawRead), the best of the runs. */
  rawSeconds: number;
  rawMegabytesPerSecond: number;
  /** The worker's packet index at the end of the load (its 'seqack:packet-index' mark), bytes a packet. */
  indexBytesPerPacket: number;
  /** Where the worker's time went in the best run (its 'seqack:load' mark), seconds: instantiating the
   *  core, waiting for the file's bytes, the core at work on them, and the packet index. */
  worker: { starting: number; waiting: number; parsing: number; indexing: number };
  /** The longest main-thread task from navigation to the start screen, idle (the worst run). */
  startupLongestTaskMs: number;
  /** Main-thread tasks while loading: the longest (the worst run), and how many took over 50 ms and
   *  their sum (of the best run). */
  longestTaskMs: number;
  longTasks: number;
  longTaskMs: number;
}

interface FlowResult {
  packets: number;
  /** From Enter on the flow's row to its ladder, and from the graph's tab to the graph drawn. */
  openSeconds: number;
  graphSeconds: number;
  /** Each zoom step's time from the wheel event to the frame after its drawing (bound by the frame rate). */
  zoomMsMedian: number;
  zoomMsMax: number;
  /** The graph's own drawing, per frame (the app's 'seqack:tsg-draw' measures). */
  drawMsMedian: number;
  drawMsMax: number;
  /** The longest main-thread task from Enter on the row to the last zoom step drawn. */
  longestTaskMs: number;
  /** The longest main-thread task from the graph's tab clicked to the graph drawn with its SACK blocks read. */
  graphLongestTaskMs: number;
}

function parseOptions(argv: string[]): Options {
  const env = process.env;
  const o: Options = {
    packets: Number(env.SEQACK_BENCH_PACKETS ?? 1_250_000),
    size: parseSize(env.SEQACK_BENCH_SIZE ?? '1GB'),
    flow: Number(env.SEQACK_BENCH_FLOW ?? 1_000_000),
    seed: Number(env.SEQACK_BENCH_SEED ?? 1),
    repeat: Number(env.SEQACK_BENCH_REPEAT ?? 2),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? '';
    switch (a) {
      case '--quick': o.packets = 100_000; o.size = 100e6; o.flow = 200_000; o.repeat = 1; break;
      case '--packets': o.packets = Number(value()); break;
      case '--size': o.size = parseSize(value()); break;
      case '--flow': o.flow = Number(value()); break;
      case '--seed': o.seed = Number(value()); break;
      case '--repeat': o.repeat = Number(value()); break;
      default:
        console.error(`unexpected ${a}\nusage: app.js [--quick] [--packets N] [--size SIZE] [--flow N] [--seed S] [--repeat N]`);
        process.exit(2);
    }
  }
  if (!(o.packets > 0 && o.size > 0 && o.flow >= 10 && o.repeat > 0)) throw new Error('sizes and repeats must be positive');
  return o;
}

// Main-thread tasks come from a trace (the 'toplevel' category: every task the thread runs, however
// short, where PerformanceObserver 'longtask' sees only those over 50 ms). The page marks the moments
// that bound what is measured (performance.mark, 'blink.user_timing'), which also tells its thread.
const TRACE = ['toplevel', 'blink.user_timing'];

interface TraceEvent { name: string; cat: string; ph: string; ts: number; dur?: number; pid: number; tid: number }
interface Task { start: number; duration: number }

/** The tasks of the thread that made the `bench:` marks, and the marks, in ms on the trace's clock. */
function pageTasks(trace: Buffer): { tasks: Task[]; marks: Map<string, number> } {
  const events = (JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const marked = events.filter((e) => e.cat.includes('blink.user_timing') && e.name.startsWith('bench:'));
  if (!marked.length) throw new Error('the trace holds none of the page\'s marks');
  const { pid, tid } = marked[0];
  const marks = new Map(marked.map((e) => [e.name, e.ts / 1000]));
  const tasks = events
    .filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask')
    .map((e) => ({ start: e.ts / 1000, duration: (e.dur ?? 0) / 1000 }));
  return { tasks, marks };
}

/** Tasks that ran at least in part between `from` and `to`: the longest, and those over 50 ms. */
function tasksBetween(tasks: Task[], from: number, to: number) {
  const inside = tasks.filter((x) => x.start + x.duration >= from && x.start <= to);
  const long = inside.filter((x) => x.duration > 50);
  return { longest: Math.max(0, ...inside.map((x) => x.duration)), count: long.length, total: long.reduce((a, x) => a + x.duration, 0) };
}

/** Two frames, then idle time: the page has drawn what it had to and has nothing left to do. */
function quiet(page: Page, mark?: string): Promise<void> {
  return page.evaluate((name) => new Promise<void>((done) => {
    requestAnimationFrame(() => requestAnimationFrame(() => requestIdleCallback(() => {
      if (name) performance.mark(name);
      done();
    }, { timeout: 2000 })));
  }), mark);
}

/**
 * Loads the page and then the file, tracing both when `traced`. Start-up runs from the navigation to
 * the start screen with the page idle (and its lazy parts fetched); the load from the change event to
 * the table drawn with the page idle again. Between the two, out of both, Playwright sets itself up in
 * the page.
 */
async function loadOnce(browser: Browser, url: string, path: string, flows: number, traced: boolean) {
  const { page, errors } = await newPage(browser);
  if (traced) await browser.startTracing(undefined, { categories: TRACE });
  await page.goto(url, { waitUntil: 'networkidle' });
  await quiet(page, 'bench:started');
  await instrument(page);
  await page.getByTestId('file-input').setInputFiles(path);
  await page.waitForSelector('[data-phase="ready"], [data-phase="failed"]', { timeout: 900_000 });
  await page.waitForFunction(() => {
    const rows = document.querySelectorAll('[data-testid="flow-table"] [role="row"][aria-rowindex]');
    return rows.length > 0 && !document.querySelector('[data-testid="flow-table"] .placeholder');
  }, undefined, { timeout: 60_000 });
  await quiet(page, 'bench:drawn');
  const trace = traced ? pageTasks(await browser.stopTracing()) : null;
  const rows = Number(await page.getByTestId('flow-table').getAttribute('aria-rowcount'));
  if (rows !== flows) throw new Error(`${path}: the table has ${rows} flows, the generator wrote ${flows}`);
  const t = await times(page);
  if (errors.length) throw new Error(errors.join('\n'));
  if (!trace) return { page, seconds: (t.ready - t.chosen) / 1000, startup: null, tasks: null };
  const { tasks, marks } = trace;
  const started = marks.get('bench:started')!, chosen = marks.get('bench:chosen')!, drawn = marks.get('bench:drawn')!;
  return {
    page, seconds: (t.ready - t.chosen) / 1000,
    startup: tasksBetween(tasks, -Infinity, started),
    // from the task that dispatched the change event
    tasks: tasksBetween(tasks, chosen, drawn),
  };
}

/** The same File, read without parsing by a page that does nothing else, the fastest of three ways:
 *  Blob.stream() into a buffer of the reader's (as the worker reads it), Blob.stream() in its own
 *  chunks, and Blob.slice + arrayBuffer 32 MiB at a time. */
async function rawRead(browser: Browser, path: string): Promise<number> {
  const page = await browser.newPage();
  await page.setContent('<input type="file">');
  await page.locator('input').setInputFiles(path);
  const seconds = await page.evaluate(async () => {
    const file = (document.querySelector('input[type="file"]') as HTMLInputElement).files![0];
    // A read that stalls (seen under this automation after the worker was evaluated in) counts as
    // none: the others give the ceiling.
    const timed = async (read: () => Promise<number>) => {
      const start = performance.now();
      const n = await Promise.race([read(), new Promise<number>((ok) => setTimeout(() => ok(-1), 60_000))]);
      if (n === -1) return Infinity;
      if (n !== file.size) throw new Error('short read');
      return (performance.now() - start) / 1000;
    };
    const intoBuffer = await timed(async () => {
      const reader = file.stream().getReader({ mode: 'byob' });
      let buffer = new ArrayBuffer(1 << 20), n = 0;
      for (let r = await reader.read(new Uint8Array(buffer)); !r.done; r = await reader.read(new Uint8Array(buffer))) {
        n += r.value.length;
        buffer = r.value.buffer as ArrayBuffer;
      }
      return n;
    });
    const streamed = await timed(async () => {
      const reader = file.stream().getReader();
      let n = 0;
      for (let r = await reader.read(); !r.done; r = await reader.read()) n += r.value.length;
      return n;
    });
    const sliced = await timed(async () => {
      const CHUNK = 32 << 20;
      let n = 0;
      for (let at = 0; at < file.size; at += CHUNK) n += (await file.slice(at, at + CHUNK).arrayBuffer()).byteLength;
      return n;
    });
    return Math.min(intoBuffer, streamed, sliced);
  });
  await page.close();
  return seconds;
}

async function benchLoad(browser: Browser, url: string, name: string, path: string, packets: number, flows: number, repeat: number, log: (s: string) => void): Promise<LoadResult> {
  const bytes = statSync(path).size;
  const runs: { seconds: number; tasks: ReturnType<typeof tasksBetween>; startup: number; raw: number; worker: LoadResult['worker'] }[] = [];
  let index = NaN;
  for (let i = 0; i < repeat; i++) {
    // Timed without tracing, which costs each of the worker's many small tasks; its tasks from a
    // second, traced load.
    const r = await loadOnce(browser, url, path, flows, false);
    const mark = await indexMark(r.page);
    index = mark.bytes / mark.packets;
    const w = await workerMark(r.page, 'seqack:load') as LoadResult['worker'];
    const worker = { starting: w.starting / 1000, waiting: w.waiting / 1000, parsing: w.parsing / 1000, indexing: w.indexing / 1000 };
    await r.page.context().close();
    const raw = Math.min(await rawRead(browser, path), await rawRead(browser, path));
    const traced = await loadOnce(browser, url, path, flows, true);
    await traced.page.context().close();
    const tasks = traced.tasks!, startup = traced.startup!.longest;
    runs.push({ seconds: r.seconds, tasks, startup, raw, worker });
    log(`  ${name}: ${r.seconds.toFixed(2)} s (raw read ${raw.toFixed(2)} s; traced ${traced.seconds.toFixed(2)} s), `
      + `longest task ${tasks.longest.toFixed(0)} ms (at start-up ${startup.toFixed(0)} ms)`);
  }
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const raw = Math.min(...runs.map((r) => r.raw));
  return {
    name, packets, bytes, flows, seconds: best.seconds, runs: runs.map((r) => r.seconds), indexBytesPerPacket: index, worker: best.worker,
    megabytesPerSecond: bytes / best.seconds / 1e6, rawSeconds: raw, rawMegabytesPerSecond: bytes / raw / 1e6,
    startupLongestTaskMs: Math.max(...runs.map((r) => r.startup)),
    longestTaskMs: Math.max(...runs.map((r) => r.tasks.longest)), longTasks: best.tasks.count, longTaskMs: best.tasks.total,
  };
}

// ---------------------------------------------------------------------------------------------
// One long TCP flow: a handshake, `n` packets of 1448-byte segments (headers only captured) and
// ACKs of every second one, a retransmission now and then, and a FIN each way.

function oneFlow(n: number, path: string): void {
  const SNAP = 54, REC = 16 + SNAP;
  const fd = openSync(path, 'w');
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0); head.writeUInt16LE(2, 4); head.writeUInt16LE(4, 6);
  head.writeUInt32LE(SNAP, 16); head.writeUInt32LE(1, 20);
  writeSync(fd, head);
  const batch = Buffer.alloc(REC * 65536);
  let used = 0, count = 0;
  const ISN = [1_000_000, 3_000_000_000];
  const next = [ISN[0], ISN[1]];
  let usec = 0;
  const put = (dir: 0 | 1, flags: number, seq: number, ack: number, len: number, window = 2000) => {
    if (used + REC > batch.length) { writeSync(fd, batch, 0, used); used = 0; }
    const p = used;
    batch.fill(0, p, p + REC);
    usec += 10;
    batch.writeUInt32LE(1_700_000_000 + Math.floor(usec / 1e6), p);
    batch.writeUInt32LE(usec % 1e6, p + 4);
    batch.writeUInt32LE(SNAP, p + 8);
    batch.writeUInt32LE(SNAP + len, p + 12);
    const e = p + 16;
    batch.writeUInt16BE(0x0800, e + 12);
    const ip = e + 14;
    batch[ip] = 0x45;
    batch.writeUInt16BE(40 + len, ip + 2);
    batch[ip + 8] = 64; batch[ip + 9] = 6;
    batch.writeUInt32BE(dir ? 0x0a000002 : 0x0a000001, ip + 12);
    batch.writeUInt32BE(dir ? 0x0a000001 : 0x0a000002, ip + 16);
    const t = ip + 20;
    batch.writeUInt16BE(dir ? 443 : 50000, t);
    batch.writeUInt16BE(dir ? 50000 : 443, t + 2);
    batch.writeUInt32BE(seq >>> 0, t + 4);
    batch.writeUInt32BE(ack >>> 0, t + 8);
    batch[t + 12] = 0x50;
    batch[t + 13] = flags;
    batch.writeUInt16BE(window, t + 14);
    used += REC;
    count++;
  };
  const SYN = 2, ACK = 16, FIN = 1, PSH = 8;
  put(0, SYN, ISN[0], 0, 0);
  put(1, SYN | ACK, ISN[1], ISN[0] + 1, 0);
  next[0]++; next[1]++;
  put(0, ACK, next[0], next[1], 0);
  let sent = 0;
  while (count < n - 4) {
    put(0, ACK | PSH, next[0], next[1], 1448);
    next[0] = (next[0] + 1448) >>> 0;
    if (++sent % 2 === 0) put(1, ACK, next[1], next[0], 0);
    if (sent % 5000 === 0) put(0, ACK | PSH, (next[0] - 1448 * 3) >>> 0, next[1], 1448); // a retransmission
  }
  put(0, FIN | ACK, next[0], next[1], 0);
  put(1, FIN | ACK, next[1], next[0] + 1, 0);
  put(0, ACK, next[0] + 1, next[1] + 1, 0);
  writeSync(fd, batch, 0, used);
  closeSync(fd);
}

async function benchFlow(browser: Browser, url: string, n: number, log: (s: string) => void): Promise<FlowResult> {
  const path = join(OUT, `one-flow-${n}p.pcap`);
  if (!existsSync(path) || statSync(path).size < 24 + (n - 4) * 70) { log(`generating ${path}`); oneFlow(n, path); }
  const packets = (statSync(path).size - 24) / 70;
  const r = await loadOnce(browser, url, path, 1, false);
  const page = r.page;
  const grid = page.getByTestId('flow-table');
  await grid.focus();
  await grid.press('Home');
  await browser.startTracing(undefined, { categories: TRACE });
  await page.evaluate(() => performance.mark('bench:flow'));
  let t = Date.now();
  await grid.press('Enter');
  await page.getByTestId('ladder').locator('text.label').first().waitFor({ timeout: 300_000 });
  const openSeconds = (Date.now() - t) / 1000;
  await page.evaluate(() => performance.mark('bench:graph'));
  t = Date.now();
  await page.getByTestId('tab-tsg').click();
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid="tsg-canvas"]') as HTMLCanvasElement | null;
    if (!c || c.width < 10) return false;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let inked = 0;
    for (let i = 3; i < d.length; i += 4 * 7) if (d[i]) inked++;
    return inked > 200;
  }, undefined, { timeout: 300_000, polling: 50 });
  const graphSeconds = (Date.now() - t) / 1000;
  // The graph is drawn again once its SACK blocks are read: that is part of opening it too.
  await page.waitForSelector('[data-testid="tsg-sack"][data-state="read"], [data-testid="tsg-sack"][data-state="unavailable"]', { timeout: 300_000 });
  await quiet(page, 'bench:graphed');
  // Zoom in step by step around the middle; each step is timed to the frame after its draw.
  const { steps, draws } = await page.evaluate(async () => {
    performance.clearMeasures('seqack:tsg-draw');
    const c = document.querySelector('[data-testid="tsg-canvas"]') as HTMLCanvasElement;
    const r = c.getBoundingClientRect();
    const frame = () => new Promise((ok) => requestAnimationFrame(() => ok(null)));
    const out: number[] = [];
    for (let i = 0; i < 24; i++) {
      const s = performance.now();
      c.dispatchEvent(new WheelEvent('wheel', { deltaY: i < 16 ? -300 : 300, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true }));
      await frame(); await frame();
      out.push(performance.now() - s);
    }
    return { steps: out, draws: performance.getEntriesByName('seqack:tsg-draw').map((e) => e.duration) };
  });
  await quiet(page, 'bench:zoomed');
  const { tasks, marks } = pageTasks(await browser.stopTracing());
  await page.context().close();
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
  const res = {
    packets, openSeconds, graphSeconds,
    zoomMsMedian: median(steps), zoomMsMax: Math.max(...steps),
    drawMsMedian: median(draws), drawMsMax: Math.max(...draws),
    longestTaskMs: tasksBetween(tasks, marks.get('bench:flow')!, marks.get('bench:zoomed')!).longest,
    graphLongestTaskMs: tasksBetween(tasks, marks.get('bench:graph')!, marks.get('bench:graphed')!).longest,
  };
  log(`  one flow of ${packets} packets: opened in ${openSeconds.toFixed(2)} s, graph in ${graphSeconds.toFixed(2)} s `
    + `(longest task ${res.graphLongestTaskMs.toFixed(0)} ms), `
    + `zoom ${res.zoomMsMedian.toFixed(1)} ms (max ${res.zoomMsMax.toFixed(1)}), drawing ${res.drawMsMedian.toFixed(1)} ms (max ${res.drawMsMax.toFixed(1)})`);
  return res;
}

// ---------------------------------------------------------------------------------------------

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
const count = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} k` : String(n));

function table(loads: LoadResult[], flow: FlowResult): string {
  const rows: string[][] = [['', 'to the table', 'MB/s', 'raw read', 'raw MB/s', 'of raw', 'longest task', 'over 50 ms', 'at start-up']];
  for (const r of loads) {
    rows.push([`${r.name}: ${count(r.packets)} packets, ${mb(r.bytes)}, ${count(r.flows)} flows`, `${r.seconds.toFixed(2)} s`,
      r.megabytesPerSecond.toFixed(0), `${r.rawSeconds.toFixed(2)} s`, r.rawMegabytesPerSecond.toFixed(0),
      `${((100 * r.rawSeconds) / r.seconds).toFixed(0)}%`, `${r.longestTaskMs.toFixed(0)} ms`, `${r.longTasks} (${r.longTaskMs.toFixed(0)} ms)`,
      `${r.startupLongestTaskMs.toFixed(0)} ms`]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  lines.push(`One TCP flow of ${count(flow.packets)} packets: its ladder in ${flow.openSeconds.toFixed(2)} s, its time-sequence graph in `
    + `${flow.graphSeconds.toFixed(2)} s (longest main-thread task while it opens ${flow.graphLongestTaskMs.toFixed(0)} ms); a zoom step shows in ${flow.zoomMsMedian.toFixed(1)} ms (at worst ${flow.zoomMsMax.toFixed(1)} ms: `
    + `two frames), of which drawing takes ${flow.drawMsMedian.toFixed(1)} ms (at worst ${flow.drawMsMax.toFixed(1)} ms); `
    + `longest main-thread task from opening it to the last zoom ${flow.longestTaskMs.toFixed(0)} ms.`);
  for (const r of loads) {
    const w = r.worker;
    lines.push(`The worker, ${r.name}: ${w.parsing.toFixed(2)} s in the core, ${w.indexing.toFixed(2)} s indexing packets, `
      + `${w.waiting.toFixed(2)} s waiting for the file, ${w.starting.toFixed(2)} s starting the core.`);
  }
  lines.push(`The worker's packet index: ${loads.map((r) => `${r.indexBytesPerPacket.toFixed(2)} bytes a packet (${r.name})`).join(', ')}.`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const log = (s: string) => console.error(s);
  const specs: [string, GenerateOptions][] = [
    ['headers', { packets: o.packets, seed: o.seed, payload: 'headers', format: 'pcap' }],
    ['full', { size: o.size, seed: o.seed, payload: 'full', format: 'pcap' }],
  ];
  const captures = specs.map(([name, spec]) => [name, ensureCapture(spec, log)] as const);
  const server = await serveDist();
  const browser = await launch();
  try {
    const version = browser.version();
    log(`seqack app benchmark: Chromium ${version}, best of ${o.repeat}`);
    const loads: LoadResult[] = [];
    for (const [name, c] of captures) {
      loads.push(await benchLoad(browser, server.url, name, c.path, c.stats.packets, c.stats.flows.tcp + c.stats.flows.udp, o.repeat, log));
    }
    const flow = await benchFlow(browser, server.url, o.flow, log);
    const report = { date: new Date().toISOString(), chromium: version, repeat: o.repeat, loads, flow };
    writeFileSync(join(OUT, 'app.json'), JSON.stringify(report, null, 2) + '\n');
    console.log(table(loads, flow));
    log(`written to ${join(OUT, 'app.json')}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
