// Loads for wire formats. Callers check a header's length once, then read raw; the byte
// order lives in the helper's name.

// @ts-ignore: decorator
@inline export function be16(p: usize): u32 { return <u32>bswap<u16>(load<u16>(p)); }
// @ts-ignore: decorator
@inline export function be32(p: usize): u32 { return bswap<u32>(load<u32>(p)); }
// @ts-ignore: decorator
@inline export function le16(p: usize): u32 { return <u32>load<u16>(p); }
// @ts-ignore: decorator
@inline export function le32(p: usize): u32 { return load<u32>(p); }

// Capture headers come in the writer's byte order: `swap` is set per file or per pcapng section.
// @ts-ignore: decorator
@inline export function rd16(p: usize, swap: bool): u32 {
  let v = load<u16>(p);
  return <u32>(swap ? bswap<u16>(v) : v);
}
// @ts-ignore: decorator
@inline export function rd32(p: usize, swap: bool): u32 {
  let v = load<u32>(p);
  return swap ? bswap<u32>(v) : v;
}

// @ts-ignore: decorator
@inline export function min32(a: u32, b: u32): u32 { return a < b ? a : b; }
