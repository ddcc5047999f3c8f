// An element's height or width as state, learnt from a ResizeObserver only. Svelte's bind:clientHeight
// and bind:clientWidth also read the size as soon as the element appears, which forces a layout in the
// middle of rendering (10-15 ms when the flow table first shows, 15-20 ms when a flow's ladder does);
// the observer reports it after the frame's own layout, before its paint.

import type { Attachment } from 'svelte/attachments';

function observed(side: 'height' | 'width', set: (size: number) => void): Attachment<HTMLElement> {
  return (element) => {
    const observer = new ResizeObserver(([entry]) => set(entry.contentRect[side]));
    observer.observe(element);
    return () => observer.disconnect();
  };
}

/** Calls `set` with the element's content height (its clientHeight, without padding) as it changes. */
export const heightTo = (set: (height: number) => void) => observed('height', set);

/** Calls `set` with the element's content width (its clientWidth, without padding) as it changes. */
export const widthTo = (set: (width: number) => void) => observed('width', set);
