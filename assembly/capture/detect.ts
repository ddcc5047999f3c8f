import { Warn } from "../util/warnings";

// Files that are not captures, named by up to their first SNIFF bytes (magic numbers as file(1) knows
// them), so that the warning can say "this looks like a PNG image" rather than only "not a capture".

// @ts-ignore: decorator
@inline export const SNIFF: u32 = 8;

// What a file that is not a capture looks like, from its first `n` bytes (fewer than SNIFF only
// when the file is that short): a warning of the not_a_capture kind (too_short_for_magic when it
// holds less than a magic number), or compressed_twice.
export function notACapture(p: usize, n: u32): Warn {
  if (starts(p, n, "\x1F\x8B")) return Warn.compressed_twice; // the host gunzips once
  if (starts(p, n, "\x89PNG\r\n\x1A\n")) return Warn.looks_like_png;
  if (starts(p, n, "\xFF\xD8\xFF")) return Warn.looks_like_jpeg;
  if (starts(p, n, "GIF8")) return Warn.looks_like_gif;
  if (starts(p, n, "%PDF-")) return Warn.looks_like_pdf;
  if (starts(p, n, "PK\x03\x04") || starts(p, n, "PK\x05\x06")) return Warn.looks_like_zip;
  if (starts(p, n, "\x7FELF")) return Warn.looks_like_elf;
  if (starts(p, n, "MZ")) return Warn.looks_like_exe;
  if (starts(p, n, "BZh")) return Warn.looks_like_bzip2;
  if (starts(p, n, "\xFD7zXZ\x00")) return Warn.looks_like_xz;
  if (starts(p, n, "\x28\xB5\x2F\xFD")) return Warn.looks_like_zstd;
  if (starts(p, n, "7z\xBC\xAF\x27\x1C") || starts(p, n, "Rar!\x1A\x07")) return Warn.looks_like_archive;
  if (starts(p, n, "<!DOCTYP") || starts(p, n, "<!doctyp") || starts(p, n, "<html") || starts(p, n, "<HTML")) return Warn.looks_like_html;
  if (starts(p, n, "<?xml")) return Warn.looks_like_xml;
  // captures of other tools (Wireshark's wiretap: snoop.c, netmon.c)
  if (starts(p, n, "snoop\x00\x00\x00")) return Warn.looks_like_snoop;
  if (starts(p, n, "GMBU") || starts(p, n, "RTSS")) return Warn.looks_like_netmon;
  return n < 4 ? Warn.too_short_for_magic : Warn.not_a_capture;
}

function starts(p: usize, n: u32, magic: string): bool {
  let len = <u32>magic.length;
  if (n < len) return false;
  for (let i: u32 = 0; i < len; i++) {
    if (<u32>load<u8>(p + i) != <u32>magic.charCodeAt(i)) return false;
  }
  return true;
}
