// `npm run bench:big`: a capture over 4 GiB opened in the built page in headless Chromium, to show
// that neither the file nor its payloads are ever held whole. It times the load from the file input's
// change event to the complete flow table, samples the memory of every Chromium process of the run
// every 100 ms (RSS, PSS and USS from /proc), and the JS heaps of the page and of its worker (CDP
// Runtime.getHeapUsage); checks the table's flow count against the core's in Node; then opens a TCP flow
// that starts past 4 GiB, picks its first and last packets and compares their hex dumps with the file's
// bytes there.
//
//   npm run bench:big                              # 4.5 GB, full payload, pcap
//   npm run bench:big -- --format pcapng           # the same traffic as pcapng
//   npm run bench:big -- --size 5GB --seed 2
//   npm run bench:big -- --payload headers         # 4.5 GB of headers only: 56 M packets, past the budget
//
// The capture is generated once into bench/out/ (about 30 s) and kept. Prints a table and writes
// bench/out/big.json (big-pcapng.json, big-headers.json for the others).

/// <reference lib="dom" />
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CDPSession, Page } from 'playwright-core';
import { BUILT, OUT, ensureCapture } from './captures.js';
import { parseSize } from './generate.js';
import type { Format } from './frames.js';
import { serveDist, launch, newPage } from '../test/e2e/harness.js';
import { indexMark, instrument, times } from './page.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const TWO32 = 2 ** 32;
/** The requirement: a 4 GB capture opens with the browser's memory under this. */
const BUDGET = 1e9;

interface Options { size: number; seed: number; format: Format; payload: 'full' | 'headers' }

function parseOptions(argv: string[]): Options {
  const o: Options = { size: parseSize('4.5GB'), seed: 1, format: 'pcap', payload: 'full' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? '';
    switch (a) {
      case '--size': o.size = parseSize(value()); break;
      case '--seed': o.seed = Number(value()); break;
      case '--format': o.format = value() as Format; break;
      case '--payload': o.payload = value() as Options['payload']; break;
      default:
        console.error(`unexpected ${a}\nusage: big.js [--size SIZE] [--seed S] [--format pcap|pcapng] [--payload full|headers]`);
        process.exit(2);
    }
  }
  if (o.format !== 'pcap' && o.format !== 'pcapng') throw new Error('--format: pcap or pcapng');
  if (o.payload !== 'full' && o.payload !== 'headers') throw new Error('--payload: full or headers');
  return o;
}

// ---------------------------------------------------------------------------------------------
// The core in Node: the flow count to compare with the page's, the last flow's endpoints, and where
// each packet's data is in the file, to check the bytes the page shows.

interface CoreFacts {
  /** The core's time in Node, keeping every packet's offset on the way, and its wasm memory at the end. */
  seconds: number;
  memory: number;
  packets: number;
  flows: number;
  warnings: Record<string, number>;
  /** The flow to open: the last in capture order of the TCP flows of 20 packets or more that start
   *  past 4 GiB (the last flow, if none does); `fromEnd`: its row counted from the table's last. */
  flow: { index: number; fromEnd: number; proto: string; client: string; server: string; packets: number };
  /** By frame number - 1: the file offset of the packet's data. */
  offsets: Float64Array;
}

// What this file uses of build/node (the CLI's core), typed here so that the benchmark's build does not
// compile src/core a second time.
interface Endpoint { ip: string; port: number }
interface EngineLike {
  summary(): { packets: number; flows: number; warningCounts: Record<string, number> };
  readonly memoryBytes: number;
  flow(i: number): { proto: string; client: Endpoint; server: Endpoint; packets: { client: number; server: number } };
}
interface NodeCore { analyzeFile(path: string, o: { onPackets: (v: DataView, n: number) => void }): Promise<EngineLike> }
interface Layout { Packet: { size: number; offset: number; frame: number; flow: number; dataAt: number }; NONE: number }

/** As the table shows an endpoint: IPv6 addresses in brackets. */
const endpoint = (e: Endpoint) => (e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`);

async function coreFacts(path: string): Promise<CoreFacts> {
  const core = join(BUILT, '..', 'node', 'core');
  const { analyzeFile } = (await import(pathToFileURL(join(core, 'node.js')).href)) as NodeCore;
  const { Packet, NONE } = (await import(pathToFileURL(join(core, 'layout.js')).href)) as Layout;
  let offsets = new Float64Array(1 << 20);
  /** Each flow's first packet's offset. */
  const firstAt: number[] = [];
  const start = performance.now();
  const engine = await analyzeFile(path, {
    onPackets: (v, n) => {
      for (let r = 0; r < n; r++) {
        const p = r * Packet.size;
        const frame = v.getUint32(p + Packet.frame, true);
        if (frame > offsets.length) { const grown = new Float64Array(Math.max(frame, offsets.length * 2)); grown.set(offsets); offsets = grown; }
        const offset = v.getUint32(p + Packet.offset, true) + v.getUint32(p + Packet.offset + 4, true) * TWO32 + v.getUint16(p + Packet.dataAt, true);
        offsets[frame - 1] = offset;
        const f = v.getUint32(p + Packet.flow, true);
        if (f !== NONE) firstAt[f] ??= offset;
      }
    },
  });
  const seconds = (performance.now() - start) / 1000;
  const summary = engine.summary();
  let index = summary.flows - 1;
  for (let i = index; i >= 0 && firstAt[i] >= TWO32; i--) {
    const f = engine.flow(i);
    if (f.proto === 'tcp' && f.packets.client + f.packets.server >= 20) { index = i; break; }
  }
  const f = engine.flow(index);
  return {
    seconds, memory: engine.memoryBytes, packets: summary.packets, flows: summary.flows, warnings: summary.warningCounts, offsets: offsets.subarray(0, summary.packets),
    flow: {
      index, fromEnd: summary.flows - 1 - index, proto: f.proto, client: endpoint(f.client), server: endpoint(f.server),
      packets: f.packets.client + f.packets.server,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Memory of the Chromium processes: every descendant of this Node process (Playwright starts the
// browser as its child; the zygote, renderers, GPU and utility processes descend from it).

/** RSS counts pages shared with other processes in each; PSS divides them among their sharers (other
 *  Chromiums running beside this one too); USS, the process's private pages, counts none. */
interface ProcSample { pid: number; type: string; rss: number; pss: number; uss: number }

function children(): Map<number, number[]> {
  const kids = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = kids.get(ppid) ?? [];
      list.push(Number(d));
      kids.set(ppid, list);
    } catch { /* gone meanwhile */ }
  }
  return kids;
}

function descendants(root: number): number[] {
  const kids = children();
  const out: number[] = [];
  for (let todo = [...(kids.get(root) ?? [])]; todo.length;) {
    const pid = todo.pop()!;
    out.push(pid);
    todo.push(...(kids.get(pid) ?? []));
  }
  return out;
}

/** kB fields of a /proc file, in bytes. */
function field(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

const types = new Map<number, string>();
function processType(pid: number): string {
  let t = types.get(pid);
  if (t === undefined) {
    // Chromium rewrites its command line into one string: its arguments are split by spaces
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split(/[\0 ]/);
    t = !cmd[0].includes('chrom') ? 'other' : cmd[0].endsWith('crashpad_handler') ? 'crashpad'
      : (cmd.find((a) => a.startsWith('--type='))?.slice(7) ?? 'browser');
    if (cmd.includes('--type=utility')) t = `utility ${cmd.find((a) => a.startsWith('--utility-sub-type='))?.slice(19) ?? ''}`.trim();
    types.set(pid, t);
  }
  return t;
}

function sampleProcesses(): ProcSample[] {
  const out: ProcSample[] = [];
  for (const pid of descendants(process.pid)) {
    try {
      const type = processType(pid);
      if (type === 'other') continue;
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
      out.push({ pid, type, rss: field(readFileSync(`/proc/${pid}/status`, 'latin1'), 'VmRSS'), pss: field(rollup, 'Pss'),
        uss: field(rollup, 'Private_Clean') + field(rollup, 'Private_Dirty') });
    } catch { /* exited meanwhile */ }
  }
  return out;
}

interface MemoryPeaks {
  samples: number;
  /** Sums over all processes at one moment: the largest. */
  sumRss: number;
  sumPss: number;
  sumUss: number;
  /** The renderer that peaked highest: the page's and its worker's. */
  renderer: ProcSample;
  /** Each process's own peak, highest RSS first. */
  byProcess: ProcSample[];
  /** The JS heaps: the page's and the worker's used size, and the worker's array buffers (the packet
   *  index and the file's slices read; not the wasm memory, which V8 does not count there). */
  pageHeapUsed: number;
  workerHeapUsed: number;
  workerBackingStore: number;
  /** Time series, one row every ~100 ms: [seconds, sum of PSS, top renderer's RSS]. */
  timeline: [number, number, number][];
}

/** Samples until stopped; peaks are kept from `reset()` on. */
class MemorySampler {
  #peaks = new Map<number, ProcSample>();
  #sumRss = 0;
  #sumPss = 0;
  #sumUss = 0;
  #samples = 0;
  #timeline: [number, number, number][] = [];
  #t0 = performance.now();
  #timer: ReturnType<typeof setInterval> | null = null;
  #heap = { page: 0, worker: 0, backing: 0 };
  #heapLoop: Promise<void> | null = null;
  #stopHeap = false;

  start(heaps: () => Promise<{ page: number; worker: number; backing: number }>): void {
    this.#timer = setInterval(() => this.#sample(), 100);
    this.#sample();
    this.#heapLoop = (async () => {
      while (!this.#stopHeap) {
        try {
          const h = await heaps();
          this.#heap = { page: Math.max(this.#heap.page, h.page), worker: Math.max(this.#heap.worker, h.worker), backing: Math.max(this.#heap.backing, h.backing) };
        } catch { /* the worker not there yet */ }
        await new Promise((ok) => setTimeout(ok, 100));
      }
    })();
  }

  reset(): void {
    this.#peaks.clear();
    this.#sumRss = this.#sumPss = this.#sumUss = this.#samples = 0;
    this.#timeline = [];
    this.#t0 = performance.now();
    this.#heap = { page: 0, worker: 0, backing: 0 };
  }

  #sample(): void {
    const now = sampleProcesses();
    this.#samples++;
    let rss = 0, pss = 0, uss = 0;
    for (const s of now) {
      rss += s.rss; pss += s.pss; uss += s.uss;
      const p = this.#peaks.get(s.pid);
      this.#peaks.set(s.pid, { ...s, rss: Math.max(s.rss, p?.rss ?? 0), pss: Math.max(s.pss, p?.pss ?? 0), uss: Math.max(s.uss, p?.uss ?? 0) });
    }
    this.#sumRss = Math.max(this.#sumRss, rss);
    this.#sumPss = Math.max(this.#sumPss, pss);
    this.#sumUss = Math.max(this.#sumUss, uss);
    const renderer = Math.max(0, ...now.filter((s) => s.type === 'renderer').map((s) => s.rss));
    this.#timeline.push([Math.round(performance.now() - this.#t0) / 1000, pss, renderer]);
  }

  async stop(): Promise<MemoryPeaks> {
    if (this.#timer) clearInterval(this.#timer);
    this.#sample();
    this.#stopHeap = true;
    await this.#heapLoop;
    return this.peaks();
  }

  peaks(): MemoryPeaks {
    const byProcess = [...this.#peaks.values()].sort((a, b) => b.rss - a.rss);
    return {
      samples: this.#samples, sumRss: this.#sumRss, sumPss: this.#sumPss, sumUss: this.#sumUss, byProcess,
      renderer: byProcess.find((p) => p.type === 'renderer') ?? { pid: 0, type: 'renderer', rss: 0, pss: 0, uss: 0 },
      pageHeapUsed: this.#heap.page, workerHeapUsed: this.#heap.worker, workerBackingStore: this.#heap.backing,
      timeline: this.#timeline,
    };
  }
}

/**
 * The JS heaps through the page's DevTools session: the page's own (Runtime.getHeapUsage), and its
 * worker's, reached by auto-attaching to it and messaging it through the page's session.
 */
async function heapProbe(cdp: CDPSession): Promise<() => Promise<{ page: number; worker: number; backing: number }>> {
  let worker: string | null = null;
  let id = 0;
  type Usage = { usedSize: number; backingStorageSize?: number };
  const pending = new Map<number, (m: { id: number; result?: Usage }) => void>();
  cdp.on('Target.attachedToTarget', (e) => { if (e.targetInfo.type === 'worker') worker = e.sessionId; });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message) as { id: number; result?: Usage };
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const ask = (sessionId: string) => new Promise<Usage>((ok, fail) => {
    const i = ++id;
    pending.set(i, (m) => (m.result ? ok(m.result) : fail(new Error('no heap usage'))));
    cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: i, method: 'Runtime.getHeapUsage' }) }).catch(fail);
  });
  return async () => {
    const page = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    const w = worker ? await ask(worker) : { usedSize: 0, backingStorageSize: 0 };
    return { page, worker: w.usedSize, backing: w.backingStorageSize ?? 0 };
  };
}

// ---------------------------------------------------------------------------------------------

interface PacketCheck {
  frame: number;
  capLen: number;
  /** Where the core found the packet's data in the file. */
  offset: number;
  /** Bytes compared, and whether the hex dump showed the file's bytes there. */
  compared: number;
  equal: boolean;
  /** The captured length in the file's own record header (8 bytes before the data, in pcap's record
   *  and pcapng's Enhanced Packet Block alike) is the one the page shows: the offset is no accident. */
  recordAgrees: boolean;
}

/** The hex dump's first bytes, as numbers (one span per byte in the hex columns). */
async function hexBytes(page: Page, n: number): Promise<number[]> {
  const hex = await page.getByTestId('hexdump').locator('pre span[data-i]:not(.a)').evaluateAll(
    (spans, max) => spans.slice(0, max).map((s) => s.textContent ?? ''), n);
  return hex.map((h) => parseInt(h, 16));
}

function fileBytes(path: string, offset: number, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(n);
    readSync(fd, b, 0, n, offset);
    return b;
  } finally {
    closeSync(fd);
  }
}

/** Picks a packet of the open flow by a key of the packet list and checks its bytes against the file. */
async function checkPacket(page: Page, key: 'Home' | 'End', path: string, core: CoreFacts, previous = 0): Promise<PacketCheck> {
  const list = page.getByTestId('packet-list');
  await list.focus();
  await list.press(key);
  const header = page.getByTestId('hexdump').locator('header');
  await page.waitForFunction((prev) => {
    const h = document.querySelector('[data-testid="hexdump"] header')?.textContent ?? '';
    const f = /Frame (\d+):/.exec(h);
    return f !== null && (prev === 0 || Number(f[1]) !== prev);
  }, previous, { timeout: 60_000 });
  const m = /Frame (\d+): (\d+) bytes/.exec((await header.textContent()) ?? '');
  if (!m) throw new Error(`the hex dump's header: ${await header.textContent()}`);
  const frame = Number(m[1]), capLen = Number(m[2]);
  const offset = core.offsets[frame - 1];
  const n = Math.min(capLen, 64);
  const shown = await hexBytes(page, n);
  const expected = fileBytes(path, offset - 8, n + 8);
  return {
    frame, capLen, offset, compared: shown.length,
    equal: shown.length === n && shown.every((b, i) => b === expected[8 + i]),
    recordAgrees: expected.readUInt32LE(0) === capLen,
  };
}

/** Opens the chosen flow (End, then up to its row: the table is in capture order) and checks its first
 *  and last packets' bytes. */
async function checkFlow(page: Page, path: string, core: CoreFacts) {
  const grid = page.getByTestId('flow-table');
  await grid.focus();
  await grid.press('End');
  for (let k = 0; k < core.flow.fromEnd; k++) await grid.press('ArrowUp');
  const row = page.locator(`#flow-row-${core.flow.index}`);
  await row.waitFor();
  if (await grid.getAttribute('aria-activedescendant') !== `flow-row-${core.flow.index}`) throw new Error(`row ${core.flow.index} is not the active one`);
  const client = (await row.locator('.c-client').textContent()) ?? '';
  const t = Date.now();
  await grid.press('Enter');
  const labels = page.getByTestId('ladder').locator('text.label');
  await labels.first().waitFor({ timeout: 120_000 });
  const openSeconds = (Date.now() - t) / 1000;
  const ladderLabels = await labels.count();
  const first = await checkPacket(page, 'Home', path, core);
  const last = core.flow.packets > 1 ? await checkPacket(page, 'End', path, core, first.frame) : first;
  return { openSeconds, client, ladderLabels, first, last };
}

// ---------------------------------------------------------------------------------------------

const gb = (b: number) => `${(b / 1e9).toFixed(2)} GB`;
const mib = (b: number) => `${(b / MiB).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const log = (s: string) => console.error(s);
  const capture = ensureCapture({ size: o.size, seed: o.seed, payload: o.payload, format: o.format }, log);
  const path = capture.path;
  const bytes = statSync(path).size;
  if (bytes <= 4 * GiB) log(`note: ${path} is not over 4 GiB`);

  log(`the core in Node on ${path} (${gb(bytes)})`);
  const core = await coreFacts(path);
  log(`  ${core.packets} packets, ${core.flows} flows in ${core.seconds.toFixed(1)} s`);

  const server = await serveDist();
  const browser = await launch();
  const sampler = new MemorySampler();
  try {
    const { page, errors } = await newPage(browser);
    await page.goto(server.url, { waitUntil: 'networkidle' });
    const cdp = await page.context().newCDPSession(page);
    sampler.start(await heapProbe(cdp));
    await new Promise((ok) => setTimeout(ok, 1000));
    const idle = sampler.peaks();
    sampler.reset();

    await instrument(page);
    log(`opening it in Chromium ${browser.version()}`);
    await page.getByTestId('file-input').setInputFiles(path);
    await page.waitForSelector('[data-phase="ready"], [data-phase="failed"]', { timeout: 1_800_000 });
    if (await page.$('[data-phase="failed"]')) throw new Error(`the page failed: ${await page.getByTestId('load-error').textContent()}`);
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll('[data-testid="flow-table"] [role="row"][aria-rowindex]');
      return rows.length > 0 && !document.querySelector('[data-testid="flow-table"] .placeholder');
    }, undefined, { timeout: 60_000 });
    const loaded = sampler.peaks();
    const t = await times(page);
    const seconds = (t.ready - t.chosen) / 1000;
    const rows = Number(await page.getByTestId('flow-table').getAttribute('aria-rowcount'));
    const status = (await page.getByTestId('filter-status').textContent())?.trim() ?? '';
    const index = await indexMark(page);
    const warnings = (await page.$('[data-testid="warnings"]')) ? (await page.getByTestId('warnings').textContent())?.trim() ?? '' : '';
    log(`  ${rows} flows in ${seconds.toFixed(1)} s (${(bytes / seconds / 1e6).toFixed(0)} MB/s); peak PSS of all processes ${mib(loaded.sumPss)}`);

    const flow = await checkFlow(page, path, core);
    const withFlow = await sampler.stop();
    if (errors.length) throw new Error(errors.join('\n'));
    await page.context().close();

    const { timeline, ...load } = loaded;
    const report = {
      date: new Date().toISOString(), chromium: browser.version(), file: path, format: o.format, payload: o.payload, bytes, packets: core.packets,
      core: { flows: core.flows, seconds: core.seconds, memory: core.memory, warnings: core.warnings },
      page: { flows: rows, status, seconds, megabytesPerSecond: bytes / seconds / 1e6, warnings, index },
      memory: {
        idle: { sumRss: idle.sumRss, sumPss: idle.sumPss, sumUss: idle.sumUss }, load,
        withFlowOpen: { sumRss: withFlow.sumRss, sumPss: withFlow.sumPss, sumUss: withFlow.sumUss }, timeline,
      },
      flow: { ...core.flow, shownClient: flow.client, openSeconds: flow.openSeconds, ladderLabels: flow.ladderLabels, first: flow.first, last: flow.last },
    };
    const out = join(OUT, `big${o.format === 'pcap' ? '' : `-${o.format}`}${o.payload === 'full' ? '' : `-${o.payload}`}.json`);
    writeFileSync(out, JSON.stringify(report, null, 2) + '\n');

    const ok = (b: boolean) => (b ? 'yes' : 'NO');
    const packet = (name: string, p: PacketCheck) => `  its ${name} packet             frame ${p.frame} at offset ${p.offset.toLocaleString('en')} `
      + `(${p.offset >= TWO32 ? 'past' : 'NOT past'} 4 GiB): ${p.compared} bytes as in the file ${ok(p.equal)}, record header agrees ${ok(p.recordAgrees)}`;
    const lines = [
      `${o.format}, ${o.payload === 'full' ? 'full payload' : 'headers only'}, ${gb(bytes)} (${(bytes / GiB).toFixed(2)} GiB), ${core.packets.toLocaleString('en')} packets, Chromium ${browser.version()}`,
      `  to the complete flow table   ${seconds.toFixed(1)} s, ${(bytes / seconds / 1e6).toFixed(0)} MB/s (the core alone in Node: ${core.seconds.toFixed(1)} s)`,
      `  flows: page / core           ${rows} / ${core.flows}  ${ok(rows === core.flows)}   (status: ${status})`,
      `  peak memory, all processes   PSS ${mib(load.sumPss)}, USS ${mib(load.sumUss)}, RSS ${mib(load.sumRss)} `
        + `(idle before: PSS ${mib(idle.sumPss)}, USS ${mib(idle.sumUss)}, RSS ${mib(idle.sumRss)}); PSS under 1 GB: ${ok(load.sumPss < BUDGET)}`,
      `  peak of the page's renderer  RSS ${mib(load.renderer.rss)}, PSS ${mib(load.renderer.pss)}, USS ${mib(load.renderer.uss)}`,
      `  peaks of the others          ${load.byProcess.filter((p) => p !== load.renderer && p.rss > 50 * MiB).map((p) => `${p.type} ${mib(p.rss)} (PSS ${mib(p.pss)})`).join(', ')}`,
      `  JS heaps (peak used)         page ${mib(load.pageHeapUsed)}, worker ${mib(load.workerHeapUsed)}, worker's array buffers ${mib(load.workerBackingStore)}`,
      `  worker's packet index        ${mib(index.bytes)} (${(index.bytes / index.packets).toFixed(2)} bytes a packet); the core's memory (in Node) ${mib(core.memory)}`,
      `  the flow opened              ${core.flow.proto} ${flow.client} - ${core.flow.server}, ${core.flow.packets} packets (row ${core.flow.index + 1}): `
        + `ladder (${flow.ladderLabels} labels) in ${flow.openSeconds.toFixed(2)} s`,
      packet('first', flow.first),
      packet('last ', flow.last),
      `  with the flow open, peaks    PSS ${mib(withFlow.sumPss)}, USS ${mib(withFlow.sumUss)}, RSS ${mib(withFlow.sumRss)}`,
    ];
    console.log(lines.join('\n'));
    log(`written to ${out}`);
    const good = (p: PacketCheck) => p.equal && p.recordAgrees && p.offset >= TWO32;
    if (rows !== core.flows || flow.client !== core.flow.client || !good(flow.first) || !good(flow.last) || load.sumPss >= BUDGET) process.exitCode = 1;
  } finally {
    await sampler.stop();
    await browser.close();
    await server.close();
  }
}

await main();
