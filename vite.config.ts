/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { precache } from './src/offline/precache.js';

export default defineConfig({
  // Relative asset paths: the built site works from any static host and any sub-path.
  base: './',
  // precache: sw.js, the offline copy of every built file (src/offline/)
  plugins: [svelte(), precache()],
  worker: { format: 'es' },
  build: { outDir: 'dist', target: 'es2022', emptyOutDir: true },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The end-to-end tests share one Chromium and one server; keep files from fighting over two cores.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
