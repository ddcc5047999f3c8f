// Zeek's view of a TCP connection (conn.log conn_state, history, orig/resp bytes, missed bytes),
// kept in the last ZEEK_SIZE bytes of each flow's TCP record.

// @ts-ignore: decorator
@inline export const ZEEK_SIZE: u32 = 128;

// A new connection; `z` points at its zeroed ZEEK_SIZE bytes.
export function zeekBegin(z: usize): void {}

// One packet of the connection (packet.ts holds it), sent by endpoint A when `fromA`.
export function zeekPacket(z: usize, fromA: bool): void {}
