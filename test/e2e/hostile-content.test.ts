// Text from a capture is hostile: payloads that carry HTML and script must reach the page as text,
// never as markup, and never run.

import { describe, it, expect } from 'vitest';
import { PcapWriter, EtherType, IpProto, TcpFlag, ethernet, ipv4, tcp } from '../helpers/capture-writer.js';
import { openCapture, screenshot } from './harness.js';
import { useApp } from './app-page.js';

const { SYN, ACK, PSH } = TcpFlag;
const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b id="injected">bold</b>';

/** A connection whose request is the hostile text. */
function capture(): Buffer {
  const w = new PcapWriter();
  const body = new TextEncoder().encode(`GET / HTTP/1.1\r\nHost: ${HOSTILE}\r\n\r\n`);
  const segs: [boolean, number, number, number, Uint8Array][] = [
    [true, SYN, 100, 0, new Uint8Array(0)],
    [false, SYN | ACK, 500, 101, new Uint8Array(0)],
    [true, ACK, 101, 501, new Uint8Array(0)],
    [true, PSH | ACK, 101, 501, body],
  ];
  segs.forEach(([c, flags, seq, ack, data], i) => {
    w.packet(1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n, ethernet(EtherType.IPV4, ipv4(
      { src: c ? '10.0.0.1' : '10.0.0.2', dst: c ? '10.0.0.2' : '10.0.0.1', proto: IpProto.TCP },
      tcp({ sport: c ? 40000 : 80, dport: c ? 80 : 40000, flags, seq, ack }, data))));
  });
  return Buffer.from(w.bytes());
}

const app = useApp();

describe('hostile content', () => {
  it('shows payload bytes as text and runs nothing', async () => {
    const { page, errors } = await app.start();
    await openCapture(page, { name: '<img src=x onerror=alert(1)>.pcap', mimeType: 'application/octet-stream', buffer: capture() });
    const grid = page.getByTestId('flow-table');
    await grid.focus();
    await grid.press('Home');
    await grid.press('Enter');
    await page.getByTestId('flow-panel').waitFor();
    // the request: the fourth packet of the flow
    await page.locator('#packet-row-3').click();
    const hex = page.getByTestId('hexdump');
    await hex.waitFor();
    // the ASCII column shows the markup's characters as characters
    await expect.poll(async () => (await hex.textContent())?.replace(/\s+/g, '')).toContain('<script>');
    await screenshot(page, 'hostile-content');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    // the file name, shown in the top bar, is text too
    expect(await page.locator('body').textContent()).toContain('<img src=x onerror=alert(1)>.pcap');
    expect(errors).toEqual([]);
  });
});
