// A flow row's cells, written to the DOM directly. While a file loads, every row on screen gets new
// data ten times a second; as Svelte blocks (a keyed block, an if and a few effects per cell) the
// ~400 cells of a screenful took 30-40 ms to create. Only what changed is written, so a cell whose
// text stays the same is not laid out again.

import type { FlowRow } from '../../worker/analyzer.js';
import { COLUMNS, problems } from './columns.js';
import { t } from '../../i18n/i18n.svelte.js';

function div(className: string): HTMLDivElement {
  const d = document.createElement('div');
  d.className = className;
  return d;
}

function cell(c: (typeof COLUMNS)[number]): HTMLDivElement {
  const d = div(c.numeric ? `c-${c.id} numeric` : `c-${c.id}`);
  d.setAttribute('role', 'gridcell');
  return d;
}

/** Fills `row` with the cells of flow `r`, or a placeholder bar while its data is on its way. */
export function drawCells(row: HTMLElement, r: FlowRow | undefined): void {
  const drawn = row.childElementCount === COLUMNS.length;
  if (!r) {
    if (drawn || !row.firstElementChild) row.replaceChildren(div('placeholder'));
    return;
  }
  if (!drawn) row.replaceChildren(...COLUMNS.map(cell));
  const cells = row.children as HTMLCollectionOf<HTMLElement>;
  COLUMNS.forEach((c, i) => {
    const d = cells[i];
    if (c.id === 'problems') {
      const badges = problems(r).map((p) => ({ text: t(p.key, { n: p.n ?? '' }), bad: p.bad }));
      const title = badges.map((b) => b.text).join(' · ');
      if (d.title === title) return;
      d.title = title;
      d.replaceChildren(...badges.map((b) => {
        const s = document.createElement('span');
        s.className = b.bad ? 'badge bad' : 'badge';
        s.textContent = b.text;
        return s;
      }));
      return;
    }
    const text = c.text(r);
    if (d.textContent !== text) d.textContent = text;
    const title = c.title?.(r) ?? '';
    if (d.title !== title) d.title = title;
  });
}
