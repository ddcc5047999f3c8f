// The story of one TCP connection, told by the core: handshake, teardown and each endpoint's RFC 9293
// states. Each case is a connection written segment by segment, as a textbook draws it; what the test
// expects follows from the segments, never from seqack's output.

import { describe, it, expect } from 'vitest';
import { PcapWriter, EtherType, IpProto, TcpFlag, ethernet, ipv4, tcp, tcpOption, payload } from '../helpers/capture-writer.js';
import { analyze } from '../helpers/analyze.js';
import type { FlowSummary } from '../../src/core/engine.js';

const { SYN, ACK, FIN, RST, PSH } = TcpFlag;
const C_ISN = 1000, S_ISN = 2000;
const T0 = 1_700_000_000_000_000_000n;

/** One segment: who sends it, its flags, relative seq and ack, payload length, time in ms. */
interface Seg { from: 'c' | 's'; flags: number; seq: number; ack?: number; len?: number; ms: number; options?: Uint8Array[] }

async function connection(segs: Seg[]): Promise<FlowSummary> {
  const w = new PcapWriter();
  for (const s of segs) {
    const c = s.from === 'c';
    const seg = tcp({
      sport: c ? 40000 : 80, dport: c ? 80 : 40000, flags: s.flags, options: s.options,
      seq: (c ? C_ISN : S_ISN) + s.seq, ack: s.flags & ACK ? (c ? S_ISN : C_ISN) + (s.ack ?? 0) : 0,
    }, payload(s.len ?? 0));
    w.packet(T0 + BigInt(s.ms * 1000) * 1000n, ethernet(EtherType.IPV4,
      ipv4({ src: c ? '10.0.0.1' : '10.0.0.2', dst: c ? '10.0.0.2' : '10.0.0.1', proto: IpProto.TCP }, seg)));
  }
  const { flows } = await analyze(w.bytes());
  expect(flows).toHaveLength(1);
  return flows[0];
}

const handshake: Seg[] = [
  { from: 'c', flags: SYN, seq: 0, ms: 0, options: [tcpOption.mss(1460), tcpOption.sackPermitted(), tcpOption.windowScale(7)] },
  { from: 's', flags: SYN | ACK, seq: 0, ack: 1, ms: 10, options: [tcpOption.mss(1400)] },
  { from: 'c', flags: ACK, seq: 1, ack: 1, ms: 20 },
];
const request: Seg[] = [
  { from: 'c', flags: PSH | ACK, seq: 1, ack: 1, len: 100, ms: 30 },
  { from: 's', flags: PSH | ACK, seq: 1, ack: 101, len: 300, ms: 40 },
];
const states = (f: FlowSummary, side: 'client' | 'server') => f.tcp![side].states.map((s) => s.state);

describe('the three-way handshake', () => {
  it('names both ISNs, the options, the three segments and the initial RTT', async () => {
    const f = await connection([...handshake, ...request]);
    const t = f.tcp!;
    expect(t.handshake.outcome).toBe('complete');
    expect([t.handshake.syn?.frame, t.handshake.synAck?.frame, t.handshake.ack?.frame]).toEqual([1, 2, 3]);
    expect(t.client.isn).toBe(C_ISN);
    expect(t.server.isn).toBe(S_ISN);
    expect(t.client.options).toEqual({ mss: 1460, windowScale: 7, sackPermitted: true, timestamps: false, fastOpen: false });
    expect(t.server.options?.mss).toBe(1400);
    expect(t.server.options?.windowScale).toBeNull();
    expect(t.initialRtt).toBeCloseTo(0.020, 9);
    expect(f.client).toEqual({ ip: '10.0.0.1', port: 40000 });
    expect(f.midstream).toBe(false);
  });

  it('is refused when the SYN is answered by RST', async () => {
    const f = await connection([
      { from: 'c', flags: SYN, seq: 0, ms: 0 },
      { from: 's', flags: RST | ACK, seq: 0, ack: 1, ms: 1 },
    ]);
    expect(f.tcp!.handshake.outcome).toBe('refused');
    expect(f.tcp!.teardown.reset).toMatchObject({ by: 'server', frame: 2 });
  });

  it('is unanswered when only SYNs go out, and counts the retransmitted ones', async () => {
    const f = await connection([
      { from: 'c', flags: SYN, seq: 0, ms: 0 },
      { from: 'c', flags: SYN, seq: 0, ms: 1000 },
      { from: 'c', flags: SYN, seq: 0, ms: 3000 },
    ]);
    expect(f.tcp!.handshake.outcome).toBe('unanswered');
    expect(f.tcp!.handshake.synRetransmissions).toBe(2);
    expect(f.tcp!.analysis.retransmission).toBe(2);
    expect(states(f, 'client')).toEqual(['SYN_SENT']);
  });

  it('is missing when the capture starts mid-stream: the server is guessed from its port', async () => {
    const f = await connection([
      { from: 's', flags: PSH | ACK, seq: 1, ack: 101, len: 300, ms: 0 },
      { from: 'c', flags: ACK, seq: 101, ack: 301, ms: 5 },
    ]);
    expect(f.tcp!.handshake.outcome).toBe('none');
    expect(f.midstream).toBe(true);
    expect(f.server.port).toBe(80);
    expect(f.tcp!.client.state).toBe('ESTABLISHED');
  });
});

describe('the teardown', () => {
  it('four segments: the client closes first and waits in TIME_WAIT', async () => {
    const f = await connection([...handshake, ...request,
      { from: 'c', flags: FIN | ACK, seq: 101, ack: 301, ms: 50 },
      { from: 's', flags: ACK, seq: 301, ack: 102, ms: 51 },
      { from: 's', flags: FIN | ACK, seq: 301, ack: 102, ms: 60 },
      { from: 'c', flags: ACK, seq: 102, ack: 302, ms: 61 },
    ]);
    const t = f.tcp!.teardown;
    expect(t).toMatchObject({ outcome: 'fin', activeCloser: 'client', timeWait: 'client', finAck: 'separate', simultaneous: false, reset: null });
    expect(t.halfClose?.duration).toBe(0.01);
    expect(states(f, 'client')).toEqual(['SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT']);
    expect(states(f, 'server')).toEqual(['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSED']);
    expect(f.tcp!.client.states.map((s) => s.frame)).toEqual([1, 2, 6, 7, 8]);
    expect(f.tcp!.completeness).toBe(31);
  });

  it('three segments: the server closes first, the client answers with FIN+ACK', async () => {
    const f = await connection([...handshake, ...request,
      { from: 's', flags: FIN | ACK, seq: 301, ack: 101, ms: 50 },
      { from: 'c', flags: FIN | ACK, seq: 101, ack: 302, ms: 51 },
      { from: 's', flags: ACK, seq: 302, ack: 102, ms: 52 },
    ]);
    expect(f.tcp!.teardown).toMatchObject({ outcome: 'fin', activeCloser: 'server', timeWait: 'server', finAck: 'combined' });
    expect(f.tcp!.server.state).toBe('TIME_WAIT');
    expect(f.tcp!.client.state).toBe('CLOSED');
  });

  it('a simultaneous close: both FINs cross, both sides pass CLOSING to TIME_WAIT', async () => {
    const f = await connection([...handshake, ...request,
      { from: 'c', flags: FIN | ACK, seq: 101, ack: 301, ms: 50 },
      { from: 's', flags: FIN | ACK, seq: 301, ack: 101, ms: 50 },
      { from: 'c', flags: ACK, seq: 102, ack: 302, ms: 51 },
      { from: 's', flags: ACK, seq: 302, ack: 102, ms: 51 },
    ]);
    expect(f.tcp!.teardown.simultaneous).toBe(true);
    expect(states(f, 'client').slice(-2)).toEqual(['CLOSING', 'TIME_WAIT']);
    expect(states(f, 'server').slice(-2)).toEqual(['CLOSING', 'TIME_WAIT']);
  });

  it('a half-close: the server keeps sending after the client\'s FIN', async () => {
    const f = await connection([...handshake, ...request,
      { from: 'c', flags: FIN | ACK, seq: 101, ack: 301, ms: 50 },
      { from: 's', flags: ACK, seq: 301, ack: 102, ms: 51 },
      { from: 's', flags: PSH | ACK, seq: 301, ack: 102, len: 500, ms: 100 },
      { from: 'c', flags: ACK, seq: 102, ack: 801, ms: 101 },
      { from: 's', flags: FIN | ACK, seq: 801, ack: 102, ms: 250 },
      { from: 'c', flags: ACK, seq: 102, ack: 802, ms: 251 },
    ]);
    const t = f.tcp!.teardown;
    expect(t.halfClose).toEqual({ duration: 0.2, dataAfterFin: true });
    expect(t.activeCloser).toBe('client');
  });

  it('a reset in the middle of the data', async () => {
    const f = await connection([...handshake, ...request, { from: 'c', flags: RST | ACK, seq: 101, ack: 301, ms: 70 }]);
    expect(f.tcp!.teardown).toMatchObject({ outcome: 'reset', reset: { by: 'client', frame: 6 } });
    expect(f.tcp!.client.state).toBe('CLOSED');
    expect(f.tcp!.server.state).toBe('CLOSED');
  });

  it('still open at the end of the capture', async () => {
    const f = await connection([...handshake, ...request]);
    expect(f.tcp!.teardown).toMatchObject({ outcome: 'open', activeCloser: null, timeWait: null });
    expect(f.tcp!.client.state).toBe('ESTABLISHED');
  });
});

describe('each direction, as tcptrace counts it', () => {
  it('counts data, retransmissions, duplicate ACKs and RTT samples by Karn\'s rule', async () => {
    const f = await connection([...handshake,
      { from: 'c', flags: ACK, seq: 1, ack: 1, len: 1000, ms: 30 },     // 1..1001
      { from: 'c', flags: ACK, seq: 1001, ack: 1, len: 1000, ms: 31 },  // lost on the way
      { from: 'c', flags: ACK, seq: 2001, ack: 1, len: 1000, ms: 32 },
      { from: 's', flags: ACK, seq: 1, ack: 1001, ms: 40 },             // acks the first: an RTT sample
      { from: 's', flags: ACK, seq: 1, ack: 1001, ms: 41 },             // duplicate
      { from: 'c', flags: ACK, seq: 1001, ack: 1, len: 1000, ms: 300 }, // retransmitted
      { from: 's', flags: ACK, seq: 1, ack: 3001, ms: 310 },            // acks the third after a later copy of the second
    ]);
    const c = f.tcp!.client;
    expect(c).toMatchObject({ dataPackets: 4, dataBytes: 4000, uniqueBytes: 3000, retransmittedPackets: 1, retransmittedBytes: 1000 });
    // tcptrace counts the server's duplicate of ACK 1001 in the column of the data it acknowledges
    expect(c.duplicateAcks).toBe(1);
    expect(f.tcp!.server.duplicateAcks).toBe(0);
    // the SYN (10 ms) and the first segment (10 ms); not the retransmitted second, and not the third,
    // whose ACK came after the second was sent again
    expect(c.rtt?.samples).toBe(2);
    expect(c.rtt?.min).toBeCloseTo(0.010, 9);
    expect(c.rtt?.max).toBeCloseTo(0.010, 9);
    expect(c.rttFrom3whs).toBeCloseTo(0.010, 9);
  });
});
