// IP addresses as people write them: dotted quads, and IPv6 in RFC 5952's canonical form.

export function formatAddress(mem: Uint8Array, p: number, family: number): string {
  if (family === 4) return `${mem[p]}.${mem[p + 1]}.${mem[p + 2]}.${mem[p + 3]}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((mem[p + i] << 8) | mem[p + i + 1]);
  // The longest run of two or more zero words becomes "::" (the first, on a tie).
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (best < 0) return hex(words);
  return `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLen))}`;
}
