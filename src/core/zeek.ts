// Zeek's conn.log view of a TCP connection, read from the core's ZeekConn (assembly/analysis/zeek.ts).

export interface ZeekConn {
  connState: string;
  history: string;
  /** Zeek's originator is the flow's client (false: Zeek flipped the roles the other way). */
  origIsClient: boolean;
  origBytes: number;
  respBytes: number;
  missedBytes: number;
}

export function readZeek(_v: DataView, _p: number, _clientIsB: boolean): ZeekConn | null {
  return null;
}
