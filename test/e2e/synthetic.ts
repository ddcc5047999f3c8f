// Captures made up on the spot, for sizes no fixture should have: `n` one-packet UDP flows, each from
// its own address and port, one millisecond apart.

export function manyUdpFlows(n: number): Buffer {
  const REC = 16 + 42;
  const out = Buffer.alloc(24 + n * REC);
  out.writeUInt32LE(0xa1b2c3d4, 0);
  out.writeUInt16LE(2, 4);
  out.writeUInt16LE(4, 6);
  out.writeUInt32LE(65535, 16);
  out.writeUInt32LE(1, 20); // Ethernet
  for (let i = 0; i < n; i++) {
    const p = 24 + i * REC;
    const t = 1_700_000_000_000 + i; // ms
    out.writeUInt32LE(Math.floor(t / 1000), p);
    out.writeUInt32LE((t % 1000) * 1000, p + 4);
    out.writeUInt32LE(42, p + 8);
    out.writeUInt32LE(42, p + 12);
    const e = p + 16;
    out.writeUInt16BE(0x0800, e + 12);
    const ip = e + 14;
    out[ip] = 0x45;
    out.writeUInt16BE(28, ip + 2);
    out[ip + 8] = 64;
    out[ip + 9] = 17;
    out.writeUInt32BE((10 << 24) | (i >>> 8), ip + 12); // 10.x.y.z: a new client for every 256 flows
    out.writeUInt32BE(0xc0a80001, ip + 16); // 192.168.0.1
    const udp = ip + 20;
    out.writeUInt16BE(1024 + (i & 0xff), udp);
    out.writeUInt16BE(53, udp + 2);
    out.writeUInt16BE(8, udp + 4);
  }
  return out;
}
