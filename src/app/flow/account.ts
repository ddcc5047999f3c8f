// The flow told in plain words, as a textbook tells a TCP connection's life: who opened it with which
// ISN and options, how the other side answered and after how long, what data went each way and what
// went wrong, and who closed it how. Only the flow's facts are used; sentences come from the string
// table, so the account reads the same in every language. ISNs are absolute, Seq and Ack relative,
// as Wireshark shows them.

import type { FlowRow } from '../../worker/analyzer.js';
import type { TcpDirection, TcpOptions } from '../../core/tcp-summary.js';
import type { Key } from '../../i18n/i18n.svelte.js';
import { formatDuration, formatEndpoint } from '../shared/format.js';

export type Translate = (key: Key, params?: Record<string, string | number>) => string;

type SideName = 'client' | 'server';

/** The account as paragraphs: the opening, the data, the closing. */
export function account(flow: FlowRow, t: Translate, formatCount: (n: number) => string): string[] {
  const tcp = flow.tcp;
  if (!tcp) return [udpAccount(flow, t, formatCount)];
  const ends = { client: formatEndpoint(flow.client, flow.proto), server: formatEndpoint(flow.server, flow.proto) };
  const side = (s: SideName) => t(`side.${s}`);
  const other = (s: SideName): SideName => (s === 'client' ? 'server' : 'client');
  const at = (abs: number) => formatDuration(abs - flow.first);
  const bytes = (n: number) => t('story.bytes', { n: formatCount(n) });
  const opts = (o: TcpOptions | null) => optionText(o, t);

  // The opening.
  const open: string[] = [];
  const hs = tcp.handshake, c = tcp.client, s = tcp.server;
  const synOf = (d: TcpDirection) => ({ isn: d.isn ?? '?', options: opts(d.options) });
  const plural = (base: string, n: number, params: Record<string, string | number> = {}) =>
    t(`${base}.${n === 1 ? 'one' : 'other'}` as Key, { n: formatCount(n), ...params });
  if (hs.outcome === 'none') {
    open.push(t('story.midstream', { client: ends.client, server: ends.server }));
  } else {
    if (hs.syn) {
      open.push(t('story.syn', { client: ends.client, server: ends.server, ...synOf(c), frame: hs.syn.frame }));
      if (hs.synRetransmissions) open.push(plural('story.synAgain', hs.synRetransmissions));
      if (hs.dataOnSyn) open.push(t('story.synData'));
    } else {
      open.push(t('story.noSyn', { client: ends.client }));
    }
    if (hs.synAck) {
      const after = hs.syn ? t('story.after', { d: formatDuration(hs.synAck.time - hs.syn.time) }) : '';
      open.push(t('story.synAck', { server: ends.server, after, ...synOf(s), frame: hs.synAck.frame }));
      if (hs.synAckRetransmissions) open.push(plural('story.synAckAgain', hs.synAckRetransmissions));
    }
    if (hs.outcome === 'complete' && hs.ack) {
      const rtt = tcp.initialRtt !== null ? t('story.rtt', { rtt: formatDuration(tcp.initialRtt) }) : '';
      const after = hs.synAck ? formatDuration(hs.ack.time - hs.synAck.time) : '';
      open.push(t('story.ack', { after, frame: hs.ack.frame, rtt }));
    } else if (hs.outcome === 'refused') {
      // An RST from the server refuses; one from the client itself gives up before any answer.
      const r = tcp.teardown.reset;
      const after = r && hs.syn ? formatDuration(r.time - hs.syn.time) : '?';
      open.push(t(r?.by === 'client' ? 'story.abandoned' : 'story.refused', { after, frame: r?.frame ?? '?' }));
    } else if (hs.outcome === 'unanswered') {
      open.push(t('story.unanswered'));
    } else if (hs.outcome === 'incomplete' && hs.syn && !hs.ack) {
      open.push(t('story.noFinalAck'));
    }
  }

  // The data, and what went wrong on the way.
  const data: string[] = [];
  if (hs.outcome !== 'refused' && hs.outcome !== 'unanswered') {
    const sent = {
      client: bytes(c.uniqueBytes), cseg: plural('story.segments', c.dataPackets),
      server: bytes(s.uniqueBytes), sseg: plural('story.segments', s.dataPackets),
    };
    data.push(t(!c.uniqueBytes && !s.uniqueBytes ? 'story.noData' : !s.uniqueBytes ? 'story.dataClientOnly'
      : !c.uniqueBytes ? 'story.dataServerOnly' : 'story.data', sent));
  }
  const re = c.retransmittedPackets + s.retransmittedPackets;
  if (re) data.push(plural('story.retransmitted', re, { client: formatCount(c.retransmittedPackets), server: formatCount(s.retransmittedPackets) }));
  const a = tcp.analysis;
  if (a.lost_segment) data.push(plural('story.lost', a.lost_segment));
  if (a.out_of_order) data.push(plural('story.outOfOrder', a.out_of_order));
  if (a.duplicate_ack) data.push(plural('story.dupAcks', a.duplicate_ack));
  for (const who of ['client', 'server'] as const) {
    const d = tcp[who];
    if (d.zeroWindows) data.push(plural('story.zeroWindow', d.zeroWindows, { side: side(who) }));
  }
  if (a.keep_alive) data.push(plural('story.keepAlive', a.keep_alive));

  // The closing.
  const close: string[] = [];
  const td = tcp.teardown;
  const finOf = (w: SideName) => tcp[w].fin;
  if (td.outcome === 'fin' && td.simultaneous) {
    const f1 = finOf('client'), f2 = finOf('server');
    close.push(t('story.simultaneous', { t1: f1 ? at(f1.time) : '?', t2: f2 ? at(f2.time) : '?' }));
  } else if ((td.outcome === 'fin' || td.outcome === 'half-closed' || (td.outcome === 'reset' && td.activeCloser)) && td.activeCloser) {
    const first = td.activeCloser, second = other(first);
    const f1 = finOf(first)!, f2 = finOf(second);
    close.push(t('story.closedFirst', { side: side(first), at: at(f1.time), frame: f1.frame }));
    if (f2 && td.outcome !== 'half-closed') {
      const how = td.finAck === 'combined' ? t('story.finAckCombined') : td.finAck === 'separate' ? t('story.finAckSeparate') : '';
      close.push(t('story.secondFin', { side: side(second), d: formatDuration(f2.time - f1.time), frame: f2.frame, how }));
      if (td.halfClose?.dataAfterFin) close.push(t('story.dataAfterFin', { side: side(second) }));
    } else if (td.outcome === 'half-closed') {
      close.push(t(td.halfClose?.dataAfterFin ? 'story.halfClosedData' : 'story.halfClosed', { side: side(second) }));
    }
  }
  if (td.outcome === 'reset' && td.reset && hs.outcome !== 'refused') {
    close.push(t('story.reset', { side: side(td.reset.by), at: at(td.reset.time), frame: td.reset.frame }));
  }
  if (td.outcome === 'open') close.push(t('story.open'));
  if (c.state === 'TIME_WAIT' && s.state === 'TIME_WAIT') close.push(t('story.timeWaitBoth'));
  else if (td.timeWait) close.push(t('story.timeWait', { side: side(td.timeWait) }));
  if (hs.outcome !== 'none' || td.outcome !== 'open') close.push(t('story.endStates', { client: c.state, server: s.state }));

  return [open, data, close].filter((p) => p.length).map((p) => p.join(' '));
}

function optionText(o: TcpOptions | null, t: Translate): string {
  if (!o) return t('story.noOptions');
  const parts: string[] = [];
  if (o.mss !== null) parts.push(`MSS ${o.mss}`);
  if (o.windowScale !== null) parts.push(t('story.optWs', { n: o.windowScale }));
  if (o.sackPermitted) parts.push(t('story.optSack'));
  if (o.timestamps) parts.push(t('story.optTs'));
  if (o.fastOpen) parts.push('TFO');
  return parts.length ? parts.join(', ') : t('story.noOptions');
}

function udpAccount(flow: FlowRow, t: Translate, formatCount: (n: number) => string): string {
  return t('story.udp', {
    client: formatEndpoint(flow.client, flow.proto), server: formatEndpoint(flow.server, flow.proto),
    cp: formatCount(flow.packets.client), sp: formatCount(flow.packets.server),
    cb: t('story.bytes', { n: formatCount(flow.payload.client) }), sb: t('story.bytes', { n: formatCount(flow.payload.server) }),
    d: formatDuration(flow.duration),
  });
}
