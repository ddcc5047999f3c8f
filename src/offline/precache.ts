// Build step (a Vite plugin): once the site is written, list every file of dist/ and write sw.js, the
// service worker of service-worker.ts with that list and a version made from the files' contents.
// A hand-made precache of the build's own files is all the offline copy needs.

import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { Plugin } from 'vite';

const SOURCE = fileURLToPath(new URL('./service-worker.ts', import.meta.url));
export const SW_FILE = 'sw.js';
/** Served but not needed to run: documentation and source maps. */
const SKIP = /\.(md|map)$/;

export function precache(): Plugin {
  let outDir = '';
  return {
    name: 'seqack-precache',
    apply: 'build',
    configResolved(config) { outDir = resolve(config.root, config.build.outDir); },
    async closeBundle() {
      const files = (await list(outDir)).filter((f) => f !== SW_FILE && !SKIP.test(f)).sort();
      const hash = createHash('sha256');
      for (const f of files) hash.update(f).update('\0').update(await readFile(join(outDir, f)));
      const code = ts.transpileModule(await readFile(SOURCE, 'utf8'), {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: false },
      }).outputText.replace(/^export \{\};\s*$/m, '');
      const head = `const PRECACHE = ${JSON.stringify(files)};\nconst VERSION = ${JSON.stringify(hash.digest('hex').slice(0, 16))};\n`;
      await writeFile(join(outDir, SW_FILE), head + code);
    },
  };
}

async function list(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}
