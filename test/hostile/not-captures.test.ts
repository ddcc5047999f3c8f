// Files that are not captures, and bytes that are nothing at all. A file whose format its first bytes
// give away is named ("this looks like a PNG image, not a capture") under the one code the app and
// the CLI know, not_a_capture; random bytes end in a result like any other input, and after good
// packets they take none of them away.

import { describe, expect, test } from 'vitest';
import { LinkType, PcapngWriter, concat } from '../helpers/capture-writer.js';
import { analyze } from '../helpers/analyze.js';
import { expectWarnings } from '../helpers/traffic.js';
import { rng } from './fuzz.js';
import { pcapOf, readHostile, trace } from './hostile.js';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** The first bytes of each format, as its files begin, and what the warning calls it. */
const FORMATS: [string, Uint8Array, string][] = [
  ['a PNG image', ascii('\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x10'), 'a PNG image'],
  ['a JPEG image', ascii('\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01'), 'a JPEG image'],
  ['a GIF image', ascii('GIF89a\x10\x00\x10\x00'), 'a GIF image'],
  ['a PDF document', ascii('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'), 'a PDF document'],
  ['a ZIP archive', ascii('PK\x03\x04\x14\x00\x00\x00\x08\x00'), 'a ZIP archive'],
  ['an empty ZIP archive', ascii('PK\x05\x06' + '\x00'.repeat(18)), 'a ZIP archive'],
  ['an ELF program', ascii('\x7fELF\x02\x01\x01\x00' + '\x00'.repeat(8)), 'an ELF program'],
  ['a Windows program', ascii('MZ\x90\x00\x03\x00\x00\x00'), 'a Windows program'],
  ['a bzip2 file', ascii('BZh91AY&SY'), 'bzip2-compressed'],
  ['an xz file', ascii('\xfd7zXZ\x00\x00\x04'), 'xz-compressed'],
  ['a zstd file', ascii('\x28\xb5\x2f\xfd\x04\x58\x00\x00'), 'zstd-compressed'],
  ['a 7-Zip archive', ascii('7z\xbc\xaf\x27\x1c\x00\x04'), '7-Zip or RAR archive'],
  ['a RAR archive', ascii('Rar!\x1a\x07\x01\x00'), '7-Zip or RAR archive'],
  ['an HTML page', ascii('<!DOCTYPE html>\n<html>'), 'an HTML page'],
  ['an XML document', ascii('<?xml version="1.0"?>'), 'an XML document'],
  ['a snoop capture', ascii('snoop\x00\x00\x00\x00\x00\x00\x02'), 'a snoop capture'],
  ['a Network Monitor capture', ascii('GMBU\x00\x02\x01\x00'), 'Microsoft Network Monitor'],
];

describe('files that are not captures, named for what they are', () => {
  for (const [name, head, says] of FORMATS) {
    test(name, async () => {
      const r = await readHostile(concat(head, ascii('\x00 and then the rest of the file')));
      expectWarnings(r, [{ code: 'not_a_capture', packet: 0, offset: 0 }]);
      expect(r.summary.warnings[0].message).toMatch(new RegExp(`this looks like .*${says}`));
      expect(r.summary).toMatchObject({ packets: 0, format: 'unknown', stopped: true });
    });
  }

  test('a file as short as its magic number is still named', async () => {
    const r = await readHostile(ascii('%PDF-'));
    expect(r.summary.warnings.map((w) => [w.code, w.message])).toEqual([['not_a_capture', expect.stringContaining('a PDF document')]]);
  });

  test('a file shorter than any magic number says how short it is', async () => {
    for (const bytes of ['h', 'he', '\xd4\xc3\xb2']) {
      const r = await readHostile(ascii(bytes));
      expectWarnings(r, [{ code: 'not_a_capture', packet: 0, offset: 0 }]);
      expect(r.summary.warnings[0].message).toBe(`not a pcap or pcapng capture: the file ends after ${bytes.length} of the 4 bytes of a capture's magic number`);
    }
  });

  test('text says what it starts with', async () => {
    const r = await readHostile(ascii('hello, these are notes\n'));
    expect(r.summary.warnings.map((w) => w.message)).toEqual(['not a pcap or pcapng capture: the file starts with 0x68656c6c']);
  });
});

describe('random bytes', () => {
  const random = (seed: number, n: number) => { const r = rng(seed); return Uint8Array.from({ length: n }, () => Math.floor(r() * 256)); };

  test('alone: not a capture', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = await readHostile(random(seed, 1 << 12));
      expectWarnings(r, [{ code: 'not_a_capture', packet: 0, offset: 0 }]);
    }
  });

  test('after good packets: every packet before them is read as in the whole file', async () => {
    const { bytes: pcap } = pcapOf(trace);
    const ng = new PcapngWriter({});
    ng.interface({ linkType: LinkType.ETHERNET });
    for (const p of trace.packets) ng.packet(0, p.time, p.data);
    for (const clean of [pcap, ng.bytes()]) {
      const whole = await analyze(clean);
      for (let seed = 1; seed <= 20; seed++) {
        const r = await readHostile(concat(clean, random(seed, 1 << 12)));
        expect(r.packets.slice(0, whole.packets.length)).toEqual(whole.packets);
        expect(r.summary.warnings.length).toBeGreaterThan(0);
      }
    }
  });

  test('in place of the packets, after a file header: it ends in a result, and a named warning', async () => {
    const { bytes: pcap } = pcapOf(trace);
    for (let seed = 1; seed <= 20; seed++) {
      const r = await readHostile(concat(pcap.subarray(0, 24), random(seed, 1 << 14)));
      expect(r.summary.warnings.length).toBeGreaterThan(0);
      expect(r.summary.warnings.every((w) => /^[a-z_]+$/.test(w.code))).toBe(true);
    }
  });
});
