// What a TCP flow costs the core whatever its traffic: its flow record and its TCP record (the
// Wireshark, tcptrace and Zeek state). Unacknowledged segments, the Wireshark flag counts and rarer
// tcptrace counters (a TcpExtra, made on a flow's first such event), and the Zeek state only some
// flows need (ended connections, data above a hole), come from pools on top.

import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { Flow, TcpFlow, TcpSide, TcpRare, TcpExtra, ZEEK_OFFSET, ZEEK_SIZE, TCP_SIZE } from '../../src/core/layout.js';
import { instantiate } from '../../src/core/wasm.js';
import { wasmPath } from '../../src/core/node.js';

test('a TCP flow takes at most 1,016 bytes of the core, as the core itself counts them', async () => {
  const core = await instantiate(await readFile(wasmPath()));
  expect(core.flowSize()).toBe(Flow.size);
  expect(core.tcpSize()).toBe(TCP_SIZE);
  expect(core.tcpExtraSize()).toBe(TcpExtra.size);
  expect(ZEEK_OFFSET).toBe(TcpFlow.size + 2 * TcpSide.size);
  expect(TCP_SIZE).toBe(ZEEK_OFFSET + ZEEK_SIZE);
  expect(Flow.size + TCP_SIZE).toBeLessThanOrEqual(1016);
  // every part a multiple of 8 bytes: the 64-bit fields of both sides and of Zeek's state stay aligned
  for (const size of [TcpFlow.size, TcpSide.size, ZEEK_SIZE, TcpRare.size, TcpExtra.size]) expect(size % 8).toBe(0);
  expect(TcpExtra.rareB).toBe(TcpExtra.rareA + TcpRare.size);
  expect(TcpExtra.size).toBe(TcpExtra.rareB + TcpRare.size);
});
