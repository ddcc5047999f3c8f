// seqack FILE: the flows of a capture, as a table (default) or one JSON document (--json).
// Exit status: 0 clean, 1 read with warnings, 2 nothing could be read.

import { stat } from 'node:fs/promises';
import { analyzeFile } from '../core/node.js';
import { formatTable, formatWarning, type Report } from '../core/report.js';

const USAGE = `usage: seqack [--json] FILE

  Reads a pcap or pcapng capture (gzip-compressed or not) and lists its flows.

  --json     print one JSON document: {"capture": {...}, "flows": [...]}
  --help     show this help
`;

async function main(argv: string[]): Promise<number> {
  const files: string[] = [];
  let json = false;
  for (const a of argv) {
    if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') { process.stdout.write(USAGE); return 0; }
    else if (a.startsWith('-') && a !== '-') { process.stderr.write(`seqack: unknown option ${a}\n${USAGE}`); return 2; }
    else files.push(a);
  }
  if (files.length !== 1) { process.stderr.write(USAGE); return 2; }
  const file = files[0];
  try {
    const st = await stat(file);
    if (!st.isFile()) { process.stderr.write(`seqack: ${file}: not a file\n`); return 2; }
  } catch (e) {
    process.stderr.write(`seqack: ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
    return 2;
  }
  const engine = await analyzeFile(file);
  const capture = { file, ...engine.summary() };
  const report: Report = { capture, flows: engine.flows() };
  const warnings = capture.warnings;
  if (capture.packets === 0 && warnings.length > 0) {
    process.stderr.write(`seqack: ${file}: ${warnings[0].message}\n`);
    if (json) process.stdout.write(JSON.stringify(report, null, 1) + '\n');
    return 2;
  }
  process.stdout.write(json ? JSON.stringify(report, null, 1) + '\n' : formatTable(report));
  for (const w of warnings) process.stderr.write(`seqack: ${file}: ${formatWarning(w)}\n`);
  const shown = warnings.length;
  const total = Object.values(capture.warningCounts).reduce((s, n) => s + n, 0);
  if (total > shown) process.stderr.write(`seqack: ${file}: ${total - shown} more warnings of the same kinds\n`);
  return total > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(`seqack: ${(e as Error).message}\n`); process.exitCode = 2; },
);
