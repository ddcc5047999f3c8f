// Which rows of a long list are on screen. Browsers cap an element's height (about 17.9 million px
// in Firefox, 33.5 million in Chrome), so past SCROLL_MAX the scrollbar is scaled: one pixel of
// scrolling moves more than one pixel of rows, and rows are placed relative to the viewport.

export const SCROLL_MAX = 8_000_000;

export interface Window {
  /** First and last (exclusive) row to draw, with a little overscan. */
  first: number;
  last: number;
  /** Height of the scrolled content. */
  height: number;
  /** Top of row `i` in content coordinates. */
  top: (i: number) => number;
}

export function visibleRows(count: number, rowHeight: number, scrollTop: number, viewport: number, overscan = 4): Window {
  const full = count * rowHeight;
  const height = Math.min(full, SCROLL_MAX);
  const ratio = ratioOf(full, height, viewport);
  const virtualTop = scrollTop * ratio;
  const first = Math.max(0, Math.floor(virtualTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((virtualTop + viewport) / rowHeight) + overscan);
  return { first, last, height, top: (i) => scrollTop + i * rowHeight - virtualTop };
}

/** The scrollTop that shows row `i` (the least movement from `scrollTop`). */
export function scrollToShow(i: number, count: number, rowHeight: number, scrollTop: number, viewport: number): number {
  const full = count * rowHeight;
  const ratio = ratioOf(full, Math.min(full, SCROLL_MAX), viewport);
  const virtualTop = scrollTop * ratio;
  const top = i * rowHeight;
  if (top < virtualTop) return top / ratio;
  if (top + rowHeight > virtualTop + viewport) return (top + rowHeight - viewport) / ratio;
  return scrollTop;
}

function ratioOf(full: number, height: number, viewport: number): number {
  return height > viewport && full > height ? (full - viewport) / (height - viewport) : 1;
}

/** Arrow keys, Page Up/Down, Home and End over `count` rows; null for other keys. */
export function moveByKey(key: string, active: number, count: number, page: number): number | null {
  const last = count - 1;
  switch (key) {
    case 'ArrowDown': return Math.min(last, active + 1);
    case 'ArrowUp': return Math.max(0, active - 1);
    case 'PageDown': return Math.min(last, active + page);
    case 'PageUp': return Math.max(0, active - page);
    case 'Home': return 0;
    case 'End': return last;
    default: return null;
  }
}
