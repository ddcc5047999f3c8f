// Figures as files: an <svg> with the styles it is drawn with written into it (a file has no style
// sheet), a <canvas> as it is, and PNGs drawn from either.

/** Properties that decide how SVG shapes and text look. */
const PAINT = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-linecap', 'stroke-linejoin',
  'stroke-opacity', 'opacity', 'paint-order', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor',
  'dominant-baseline', 'visibility', 'display'];

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A drawn <svg> as a standalone file, on the page's background colour. */
export function svgFile(svg: SVGSVGElement): { svg: Blob; width: number; height: number } {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  inline(svg, copy);
  const box = svg.getBoundingClientRect();
  const width = Math.ceil(Number(svg.getAttribute('width')) || box.width);
  const height = Math.ceil(Number(svg.getAttribute('height')) || box.height);
  copy.setAttribute('xmlns', SVG_NS);
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  if (!copy.hasAttribute('viewBox')) copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', cssColor('--bg'));
  copy.prepend(bg);
  return { svg: svgBlob(copy), width, height };
}

export function svgBlob(svg: SVGSVGElement): Blob {
  return new Blob([new XMLSerializer().serializeToString(svg)], { type: 'image/svg+xml' });
}

function inline(from: Element, to: Element): void {
  const style = getComputedStyle(from);
  to.setAttribute('style', PAINT.map((p) => `${p}:${style.getPropertyValue(p)}`).join(';'));
  for (let i = 0; i < from.children.length && i < to.children.length; i++) inline(from.children[i], to.children[i]);
}

/** A <canvas> as an SVG file that holds its picture. */
export async function canvasSvg(canvas: HTMLCanvasElement): Promise<Blob> {
  const { width, height } = canvas.getBoundingClientRect();
  const data = await blobDataUrl(await canvasPng(canvas));
  return new Blob([`<svg xmlns="${SVG_NS}" width="${Math.ceil(width)}" height="${Math.ceil(height)}">`
    + `<image href="${data}" width="100%" height="100%"/></svg>`], { type: 'image/svg+xml' });
}

export function canvasPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas gave no image'))), 'image/png'));
}

/** Browsers refuse canvases much taller than this (Chromium: 32767 pixels a side). */
const MAX_SIDE = 16384;

/** An SVG file drawn into a PNG at twice its size, or smaller where it would be too big. */
export async function svgPng(svg: Blob, width: number, height: number): Promise<Blob> {
  const url = URL.createObjectURL(svg);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const scale = Math.min(2, MAX_SIDE / width, MAX_SIDE / height);
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const ctx = canvas.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    return await canvasPng(canvas);
  } finally {
    URL.revokeObjectURL(url);
  }
}

function blobDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result as string);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(blob);
  });
}

/** A colour of the page's theme (a custom property) as the browser resolves it, e.g. rgb(47, 111, 222). */
export function cssColor(name: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${name})`;
  probe.style.display = 'none';
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}
