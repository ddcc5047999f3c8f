// seqack FILE: the flows of a capture, as a table (default), one JSON document (--json), CSV (--csv)
// or a Zeek conn.log (--zeek). Exit status: 0 clean, 1 read with warnings, 2 nothing could be read.

import { stat } from 'node:fs/promises';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile } from '../core/node.js';
import { tableLines, csvLines, jsonPieces, joined, formatWarning } from '../core/report.js';
import { readPacket, packetJson } from '../core/packets.js';
import { Packet } from '../core/layout.js';
import { zeekLines } from '../core/zeek-log.js';
import type { Engine } from '../core/engine.js';

const USAGE = `usage: seqack [--json [--packets] | --csv | --zeek] FILE

  Reads a pcap or pcapng capture (gzip-compressed or not) and lists its flows.

  --json      one JSON document: {"capture": {...}, "flows": [...]}
  --packets   with --json, also "packets": one entry per packet, with Wireshark's analysis flags
  --csv       flows as CSV
  --zeek      flows as a Zeek conn.log (TSV)
  --help      this help
`;

type Output = 'table' | 'json' | 'csv' | 'zeek';

async function main(argv: string[]): Promise<number> {
  const files: string[] = [];
  let output: Output = 'table';
  let packets = false;
  for (const a of argv) {
    if (a === '--json') output = 'json';
    else if (a === '--csv') output = 'csv';
    else if (a === '--zeek') output = 'zeek';
    else if (a === '--packets') packets = true;
    else if (a === '--help' || a === '-h') { process.stdout.write(USAGE); return 0; }
    else if (a.startsWith('-') && a !== '-') { process.stderr.write(`seqack: unknown option ${a}\n${USAGE}`); return 2; }
    else files.push(a);
  }
  if (files.length !== 1) { process.stderr.write(USAGE); return 2; }
  if (packets && output !== 'json') { process.stderr.write('seqack: --packets goes with --json\n'); return 2; }
  const file = files[0];
  try {
    const st = await stat(file);
    if (!st.isFile()) { process.stderr.write(`seqack: ${file}: not a file\n`); return 2; }
  } catch (e) {
    process.stderr.write(`seqack: ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
    return 2;
  }
  const spill = packets ? new Spill() : null;
  if (spill) {
    process.once('exit', () => spill.remove()); // also after EPIPE or Ctrl-C, which exit at once
    process.once('SIGINT', () => process.exit(130));
  }
  try {
    return await report(file, output, spill);
  } finally {
    spill?.remove();
  }
}

async function report(file: string, output: Output, spill: Spill | null): Promise<number> {
  const engine = await analyzeFile(file, spill ? { onPackets: (v) => spill.write(v) } : {});
  const capture = { file, ...engine.summary() };
  const warnings = capture.warnings;
  const nothing = capture.packets === 0 && warnings.length > 0;
  if (nothing) process.stderr.write(`seqack: ${file}: ${warnings[0].message}\n`);
  // Flows are summarised one at a time as they are written: a capture of millions of flows would
  // not fit in one string, nor its summaries in the heap.
  const flows = () => engine.eachFlow();
  const text = output === 'json' ? joined(jsonPieces(capture, flows(), spill ? packetPieces(engine, spill) : []))
    : nothing ? []
      : joined(output === 'csv' ? csvLines(flows()) : output === 'zeek' ? zeekLines(flows()) : tableLines(capture, flows), '\n');
  for (const part of text) await write(part);
  if (nothing) return 2;
  for (const w of warnings) process.stderr.write(`seqack: ${file}: ${formatWarning(w)}\n`);
  const total = Object.values(capture.warningCounts).reduce((s, n) => s + n, 0);
  if (total > warnings.length) process.stderr.write(`seqack: ${file}: ${total - warnings.length} more warnings of the same kinds\n`);
  return total > 0 ? 1 : 0;
}

/**
 * The packet records as the core wrote them, kept in a temporary file until the document's packets
 * member is written after its flows (which are complete only at the end): in memory they would take
 * 96 bytes a packet, gigabytes for a big capture.
 */
class Spill {
  readonly #dir = mkdtempSync(join(tmpdir(), 'seqack-'));
  readonly #path = join(this.#dir, 'packets');
  readonly #fd = openSync(this.#path, 'w+');

  write(v: DataView): void {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    for (let at = 0; at < bytes.length;) at += writeSync(this.#fd, bytes, at);
  }

  /** The records in order, a block of whole records at a time. */
  *blocks(): Generator<DataView> {
    const buf = new Uint8Array(Packet.size * 16384);
    for (let pos = 0; ;) {
      let n = 0;
      while (n < buf.length) {
        const got = readSync(this.#fd, buf, n, buf.length - n, pos + n);
        if (got === 0) break;
        n += got;
      }
      if (n === 0) return;
      pos += n;
      yield new DataView(buf.buffer, 0, n);
    }
  }

  #removed = false;

  remove(): void {
    if (this.#removed) return;
    this.#removed = true;
    closeSync(this.#fd);
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** The document's packets member, a packet a piece: packet records become JSON only as they are written. */
function* packetPieces(engine: Engine, spill: Spill): Generator<string> {
  yield ',"packets":[';
  const flowKey = (flow: number) => engine.flowKey(flow);
  let first = true;
  for (const v of spill.blocks()) {
    for (let k = 0; k < v.byteLength / Packet.size; k++) {
      yield (first ? '\n' : ',\n') + JSON.stringify(packetJson(readPacket(v, k), flowKey));
      first = false;
    }
  }
  yield '\n]';
}

/** Writes to standard output, waiting for the pipe to drain when it is full. */
function write(s: string): Promise<void> {
  return new Promise((resolve) => { if (process.stdout.write(s)) resolve(); else process.stdout.once('drain', resolve); });
}

// Piped into `head`: stop quietly when the reader goes away.
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); throw e; });

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(`seqack: ${(e as Error).message}\n`); process.exitCode = 2; },
);
