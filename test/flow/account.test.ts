// The flow told in words, from the engine's facts on real captures: each handshake outcome and kind
// of teardown gets its sentence, and no sentence in either language is left with a hole.

import { describe, it, expect } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeFile } from '../../src/core/node.js';
import type { FlowSummary } from '../../src/core/engine.js';
import type { FlowRow } from '../../src/worker/analyzer.js';
import { account, type Translate } from '../../src/app/flow/account.js';
import { en } from '../../src/i18n/en.js';
import { ko } from '../../src/i18n/ko.js';

const CORPUS = fileURLToPath(new URL('../fixtures/corpus', import.meta.url));

const translate = (table: Record<string, string>): Translate => (key, params) =>
  (table[key] ?? key).replace(/\{(\w+)\}/g, (m, k: string) => (params && k in params ? String(params[k]) : m));

const tell = (f: FlowSummary, table: Record<string, string> = en) =>
  account({ ...f, index: 0, start: 0 } as FlowRow, translate(table), (n) => n.toLocaleString('en-US')).join('\n');

async function flows(name: string): Promise<FlowSummary[]> {
  return (await analyzeFile(join(CORPUS, name))).flows().filter((f) => f.tcp);
}

describe('the account of a flow', () => {
  it('tells a SYN the client took back, one never answered, and a flow caught mid-stream', async () => {
    const [abandoned] = await flows('zeek/traces/tcp/syn-then-rst.pcap');
    expect(tell(abandoned)).toContain('The client 1.1.1.1:13131 chose ISN 0 and sent SYN (no options) to the server 1.1.1.2:31313 in frame 1. '
      + 'The client gave up before any answer: it sent RST 309 µs after its SYN (frame 2).');
    const [unanswered] = await flows('zeek/traces/tcp/syn-bad.pcap');
    expect(tell(unanswered)).toContain('No SYN+ACK came back');
    expect(tell(unanswered)).toContain('the client is in SYN_SENT and the server in LISTEN');
    const [reset] = await flows('zeek/traces/tcp/single-rst.pcap');
    expect(tell(reset)).toMatch(/^The capture joins the connection mid-stream/);
    expect(tell(reset)).toContain('The client reset the connection at 0 s (frame 1).');
  });

  it('tells each kind of close', async () => {
    const replay = await flows('tcpreplay/test.pcap');
    const simultaneous = replay.find((f) => f.tcp!.teardown.simultaneous)!;
    expect(tell(simultaneous)).toContain('Both ends closed at once (a simultaneous close)');
    expect(tell(simultaneous)).toContain('Both ends waited in TIME_WAIT');
    expect(tell(simultaneous)).toContain('The client sent 27 bytes in one data segment; the server sent no data.');
    expect(tell(simultaneous)).toContain('2 segments were retransmitted (client 2, server 0).');
    const half = replay.find((f) => f.tcp!.teardown.outcome === 'half-closed')!;
    expect(tell(half)).toContain('The server closed first, with a FIN at 460 ms (frame 119). The client never sent its own FIN');
    const open = replay.find((f) => f.tcp!.teardown.outcome === 'open' && f.tcp!.handshake.outcome === 'complete')!;
    expect(tell(open)).toContain('Neither side closed');
    const [fourWay] = await flows('tcptrace/input/6syns.dmp');
    expect(tell(fourWay)).toContain('It had to send the SYN 3 more times.');
    expect(tell(fourWay)).toContain('after a separate ACK of the first FIN (four segments in all)');
    const [gap] = await flows('zeek/traces/ldap/gap-data-missing.pcapng');
    expect(tell(gap)).toContain('The client closed first, with a FIN at 171 ms (frame 17). The server reset the connection at 171 ms (frame 18).');
    const [zwnd] = await flows('tcptrace/input/zwnd.dmp');
    expect(tell(zwnd)).toContain('The server advertised a zero window 7 times');
  });

  it('leaves no hole in any sentence, in English or Korean, for any TCP flow of the corpus', async () => {
    const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? files(p) : /\.(pcap|pcapng|dmp)$/.test(n) ? [p.slice(CORPUS.length + 1)] : [];
    });
    let told = 0;
    for (const name of files(CORPUS)) {
      for (const f of await flows(name)) {
        for (const table of [en, ko]) {
          const text = tell(f, table);
          expect(text, name).not.toMatch(/\{\w+\}|undefined|NaN|story\./);
          told++;
        }
      }
    }
    expect(told).toBeGreaterThan(300);
  });
});
