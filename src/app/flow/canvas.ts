// Canvas helpers: a backing store sized for the screen's pixel ratio (crisp on HiDPI), and the page's
// theme colours resolved to values a canvas understands (CSS light-dark() pairs included).

/** Sizes the canvas for `width` x `height` CSS pixels; returns its context, scaled to CSS pixels. */
export function fitCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const ratio = globalThis.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(width * ratio)), h = Math.max(1, Math.round(height * ratio));
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  const ctx = canvas.getContext('2d');
  ctx?.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

/** The computed colour of each CSS custom property, as seen from `el`. */
export function themeColors<K extends string>(el: HTMLElement, vars: Record<K, string>): Record<K, string> {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  el.appendChild(probe);
  const out = {} as Record<K, string>;
  for (const [k, v] of Object.entries(vars) as [K, string][]) {
    probe.style.color = v.startsWith('--') ? `var(${v})` : v;
    out[k] = getComputedStyle(probe).color;
  }
  probe.remove();
  return out;
}

/** Calls `fn` whenever the system's light/dark preference changes; returns the unsubscribe. */
export function onSchemeChange(fn: () => void): () => void {
  const mq = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
  mq?.addEventListener('change', fn);
  return () => mq?.removeEventListener('change', fn);
}
