// What a TCP flow costs the core whatever its traffic: its flow record and its TCP record (the
// Wireshark, tcptrace and Zeek state). Unacknowledged segments, and the Zeek state only some flows
// need (ended connections, data above a hole), come from pools on top.

import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { Flow, TcpFlow, TcpSide, ZEEK_OFFSET, ZEEK_SIZE, TCP_SIZE } from '../../src/core/layout.js';
import { instantiate } from '../../src/core/wasm.js';
import { wasmPath } from '../../src/core/node.js';

test('a TCP flow takes at most 1,208 bytes of the core, as the core itself counts them', async () => {
  const core = await instantiate(await readFile(wasmPath()));
  expect(core.flowSize()).toBe(Flow.size);
  expect(core.tcpSize()).toBe(TCP_SIZE);
  expect(ZEEK_OFFSET).toBe(TcpFlow.size + 2 * TcpSide.size);
  expect(TCP_SIZE).toBe(ZEEK_OFFSET + ZEEK_SIZE);
  expect(Flow.size + TCP_SIZE).toBeLessThanOrEqual(1208);
  // every part a multiple of 8 bytes: the 64-bit fields of both sides and of Zeek's state stay aligned
  for (const size of [TcpFlow.size, TcpSide.size, ZEEK_SIZE]) expect(size % 8).toBe(0);
});
