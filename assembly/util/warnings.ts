// Every warning seqack can raise, declared once. A warning names what was wrong; the record that
// carries it names where (packet number and file offset). `%d` and `%x` in a message stand for the
// warning's detail value, formatted by the host.

export const enum Warn {
  // the capture file itself: reading stops here, everything before is kept
  empty_file = 1,
  not_a_capture,
  compressed_twice,
  truncated_file_header,
  unsupported_version,
  truncated_record,
  bad_record_length,
  bad_block_length,
  block_length_mismatch,
  bad_byte_order_magic,
  no_section_header,
  // not_a_capture too, for a file whose own format its first bytes give away (capture/detect.ts)
  looks_like_png,
  looks_like_jpeg,
  looks_like_gif,
  looks_like_pdf,
  looks_like_zip,
  looks_like_elf,
  looks_like_exe,
  looks_like_bzip2,
  looks_like_xz,
  looks_like_zstd,
  looks_like_archive,
  looks_like_html,
  looks_like_xml,
  looks_like_snoop,
  looks_like_netmon,
  too_short_for_magic,
  // one record: counted, the rest of the file is read as usual
  block_too_short,
  unknown_interface,
  too_many_interfaces,
  caplen_over_wirelen,
  // one packet's headers: the packet is counted, analysis uses what could be decoded
  truncated_link_header,
  truncated_ipv4_header,
  bad_ipv4_header_len,
  bad_ipv4_total_len,
  truncated_ipv6_header,
  bad_ipv6_ext_header,
  ip_version_mismatch,
  truncated_tcp_header,
  bad_tcp_header_len,
  bad_tcp_option_len,
  truncated_udp_header,
  too_many_encapsulations,
  table_full,
  tcp_table_full,
  COUNT
}

// Indexed by Warn; "name|message".
const TEXT: StaticArray<string> = [
  "",
  "empty_file|the file is empty",
  "not_a_capture|not a pcap or pcapng capture: the file starts with 0x%x",
  "compressed_twice|the decompressed data is compressed again",
  "truncated_file_header|the file ends inside its %d-byte file header",
  "unsupported_version|unsupported pcap or pcapng version %d",
  "truncated_record|the file ends inside a record: %d bytes are missing",
  "bad_record_length|a packet record claims %d captured bytes, more than a record can hold",
  "bad_block_length|a pcapng block claims a length of %d bytes (at least 12, a multiple of 4)",
  "block_length_mismatch|a pcapng block's trailing length differs from its leading length %d",
  "bad_byte_order_magic|a pcapng section header has an unknown byte-order magic 0x%x",
  "no_section_header|a pcapng block of type 0x%x appears before any section header",
  "not_a_capture|this looks like a PNG image, not a capture",
  "not_a_capture|this looks like a JPEG image, not a capture",
  "not_a_capture|this looks like a GIF image, not a capture",
  "not_a_capture|this looks like a PDF document, not a capture",
  "not_a_capture|this looks like a ZIP archive, not a capture: extract the capture from it first",
  "not_a_capture|this looks like an ELF program, not a capture",
  "not_a_capture|this looks like a Windows program, not a capture",
  "not_a_capture|this looks like a bzip2-compressed file: decompress it first (only gzip is read as it is)",
  "not_a_capture|this looks like an xz-compressed file: decompress it first (only gzip is read as it is)",
  "not_a_capture|this looks like a zstd-compressed file: decompress it first (only gzip is read as it is)",
  "not_a_capture|this looks like a 7-Zip or RAR archive, not a capture: extract the capture from it first",
  "not_a_capture|this looks like an HTML page, not a capture",
  "not_a_capture|this looks like an XML document, not a capture",
  "not_a_capture|this looks like a snoop capture, which seqack does not read: convert it to pcapng (editcap -F pcapng)",
  "not_a_capture|this looks like a Microsoft Network Monitor capture, which seqack does not read: convert it to pcapng (editcap -F pcapng)",
  "not_a_capture|not a pcap or pcapng capture: the file ends after %d of the 4 bytes of a capture's magic number",
  "block_too_short|a pcapng block of type 0x%x is shorter than its fixed fields",
  "unknown_interface|a packet names interface %d, which no interface description block declared",
  "too_many_interfaces|a pcapng section declares more than %d interfaces: packets of the later ones are not decoded",
  "caplen_over_wirelen|the captured length is larger than the packet's length on the wire (%d)",
  "truncated_link_header|the packet ends inside its link-layer header (link type %d)",
  "truncated_ipv4_header|the packet ends inside its IPv4 header",
  "bad_ipv4_header_len|IPv4 header length %d is under 20 bytes or past the packet",
  "bad_ipv4_total_len|IPv4 total length %d is shorter than its header",
  "truncated_ipv6_header|the packet ends inside its IPv6 header",
  "bad_ipv6_ext_header|IPv6 extension header %d runs past the packet",
  "ip_version_mismatch|an IP header claims version %d where its link layer said otherwise",
  "truncated_tcp_header|the packet ends inside its TCP header",
  "bad_tcp_header_len|TCP data offset %d is under 20 bytes or past the packet",
  "bad_tcp_option_len|a TCP option of kind %d has a length under 2 or past the header",
  "truncated_udp_header|the packet ends inside its UDP header",
  "too_many_encapsulations|more than %d nested VLAN, MPLS, LLC or tunnel headers",
  "table_full|the flow table is full at %d flows: packets of later flows are counted but not analysed",
  "tcp_table_full|the TCP table is full at %d connections: packets of later connections are counted but not analysed",
];

export function warningText(code: u32): string {
  return code < <u32>TEXT.length ? TEXT[code] : "";
}

// Warnings of the current push, drained by the host after each call.
// record: 0 code u32 | 4 packet u32 | 8 offset u64 | 16 detail u32 | 20 pad
// @ts-ignore: decorator
@inline export const WARN_SIZE: u32 = 24;
// @ts-ignore: decorator
@inline const WARN_CAP: u32 = 4096; // per push; more are counted in `warnDropped`

export const warnBuf: usize = heap.alloc(<usize>(WARN_CAP * WARN_SIZE));
export let warnLen: u32 = 0;
export let warnDropped: u32 = 0;

export function warn(code: Warn, packet: u32, offset: u64, detail: u32): void {
  if (warnLen >= WARN_CAP) { warnDropped++; return; }
  let p = warnBuf + <usize>(warnLen * WARN_SIZE);
  store<u32>(p, <u32>code);
  store<u32>(p, packet, 4);
  store<u64>(p, offset, 8);
  store<u32>(p, detail, 16);
  warnLen++;
}

export function resetWarnings(): void { warnLen = 0; warnDropped = 0; }
