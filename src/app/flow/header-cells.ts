// A header laid out as the RFCs and textbooks draw it: rows 32 bits wide, each field a box as wide
// as its bits. A field that runs past a row's end goes on in the next; whole rows it fills are one
// box, so a 128-bit address is one box four rows tall.

import type { Layer } from '../../inspect/index.js';

export interface Cell {
  /** Index of the field in its layer. */
  field: number;
  /** Grid column (0-31) and row, width in bits and height in rows. */
  col: number;
  row: number;
  w: number;
  h: number;
  /** The first box of the field (it carries the name and value); later ones continue it. */
  first: boolean;
}

export const WORD = 32;

export function headerCells(l: Layer): { cells: Cell[]; rows: number } {
  const cells: Cell[] = [];
  let rows = 0;
  const base = l.start * 8;
  l.fields.forEach((f, i) => {
    let at = f.bit - base, left = f.bits, first = true;
    while (left > 0) {
      const row = Math.floor(at / WORD), col = at % WORD;
      if (col === 0 && left >= 2 * WORD) {
        // whole rows: one box
        const h = Math.floor(left / WORD);
        cells.push({ field: i, col: 0, row, w: WORD, h, first });
        at += h * WORD; left -= h * WORD;
      } else {
        const w = Math.min(left, WORD - col);
        cells.push({ field: i, col, row, w, h: 1, first });
        at += w; left -= w;
      }
      first = false;
      rows = Math.max(rows, Math.ceil(at / WORD));
    }
  });
  return { cells, rows };
}
