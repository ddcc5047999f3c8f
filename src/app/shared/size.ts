// An element's height as state, learnt from a ResizeObserver only. Svelte's bind:clientHeight also
// reads the height as soon as the element appears, which forces a layout in the middle of rendering
// (10-15 ms when the flow table first shows); the observer reports it after the frame's own layout.

import type { Attachment } from 'svelte/attachments';

/** Calls `set` with the element's content height (its clientHeight, without padding) as it changes. */
export function heightTo(set: (height: number) => void): Attachment<HTMLElement> {
  return (element) => {
    const observer = new ResizeObserver(([entry]) => set(entry.contentRect.height));
    observer.observe(element);
    return () => observer.disconnect();
  };
}
