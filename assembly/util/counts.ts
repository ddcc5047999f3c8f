// What the capture holds that seqack does not decode, counted by kind and value so that it can be
// reported ("ethertype 0x0806: 12 packets") instead of vanishing.

export const enum Kind {
  linkType = 1,   // value: LINKTYPE_*
  etherType = 2,  // value: ethertype, 0 for 802.2 LLC without SNAP
  ipProto = 3,    // value: IP protocol number (carried, but no transport decoder)
  pppProto = 4,   // value: PPP protocol
  nullFamily = 5, // value: BSD address family
  ipVersion = 6,  // value: version nibble of a raw IP packet
  laterFragment = 7, // value: 4 or 6
}

// entry: 0 kind u32 | 4 value u32 | 8 count u64
// @ts-ignore: decorator
@inline export const COUNT_SIZE: u32 = 16;
// @ts-ignore: decorator
@inline const COUNT_CAP: u32 = 256; // distinct (kind, value) pairs; further ones go to the last slot

export const countsBuf: usize = heap.alloc(<usize>(COUNT_CAP * COUNT_SIZE));
export let countsLen: u32 = 0;

export function count(kind: Kind, value: u32): void {
  let end = countsBuf + <usize>(countsLen * COUNT_SIZE);
  for (let p = countsBuf; p < end; p += COUNT_SIZE) {
    if (load<u32>(p) == <u32>kind && load<u32>(p, 4) == value) {
      store<u64>(p, load<u64>(p, 8) + 1, 8);
      return;
    }
  }
  if (countsLen == COUNT_CAP) { // a hostile file with endless distinct values: fold into one slot
    let last = end - COUNT_SIZE;
    store<u32>(last, 0xFFFFFFFF, 4);
    store<u64>(last, load<u64>(last, 8) + 1, 8);
    return;
  }
  store<u32>(end, <u32>kind);
  store<u32>(end, value, 4);
  store<u64>(end, 1, 8);
  countsLen++;
}

export function resetCounts(): void { countsLen = 0; }

// Link types seen, with their packets. entry: 0 linkType u32 | 4 pad | 8 packets u64
// @ts-ignore: decorator
@inline const LINK_CAP: u32 = 64;
export const linksBuf: usize = heap.alloc(<usize>(LINK_CAP * COUNT_SIZE));
export let linksLen: u32 = 0;

// Returns the slot, so that a reader can count packets without searching again.
export function linkSlot(linkType: u32): usize {
  let end = linksBuf + <usize>(linksLen * COUNT_SIZE);
  for (let p = linksBuf; p < end; p += COUNT_SIZE) {
    if (load<u32>(p) == linkType) return p;
  }
  if (linksLen == LINK_CAP) return end - COUNT_SIZE;
  store<u32>(end, linkType);
  store<u64>(end, 0, 8);
  linksLen++;
  return end;
}

export function resetLinks(): void { linksLen = 0; }
