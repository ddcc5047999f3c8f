// How one packet of a flow is described in the ladder and the packet list.

import { tcpFlagNames } from '../../core/packets.js';
import { ANALYSIS_FLAGS } from '../../core/layout.js';
import type { FlowPackets } from '../../worker/analyzer.js';

export function flagText(flags: number): string {
  return tcpFlagNames(flags).join(', ');
}

/** The packet record's analysis bits as Wireshark's tcp.analysis names. */
export function analysisNames(bits: number): string[] {
  return ANALYSIS_FLAGS.filter((_, i) => bits & (1 << i));
}

const SYN = 2, FIN = 1, RST = 4;

/** What kind of segment it is, for colour: the handshake, the teardown, a reset, or plain. */
export function segmentKind(flags: number, analysis: number): 'syn' | 'fin' | 'rst' | 'problem' | 'plain' {
  if (flags & RST) return 'rst';
  if (analysis) return 'problem';
  if (flags & SYN) return 'syn';
  if (flags & FIN) return 'fin';
  return 'plain';
}

/** As Wireshark's Info column: "[SYN, ACK] Seq=0 Ack=1 Len=0"; the length alone outside TCP. */
export function segmentLabel(packets: FlowPackets, k: number, tcp: boolean): string {
  if (!tcp) return `Len=${packets.len[k]}`;
  const f = flagText(packets.flags[k]);
  const ack = packets.flags[k] & 16 ? ` Ack=${packets.ack[k]}` : '';
  return `${f ? `[${f}] ` : ''}Seq=${packets.seq[k]}${ack} Len=${packets.len[k]}`;
}

/** Seconds since the flow's first packet, in milliseconds below a second. */
export function segmentTime(s: number): string {
  return s < 1 ? `${(s * 1000).toFixed(3)} ms` : `${s.toFixed(4)} s`;
}
