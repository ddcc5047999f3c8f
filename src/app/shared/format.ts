// Numbers, times and endpoints as the tables show them. Everything here returns plain text.

export { formatBytes, formatTime } from '../../core/report.js';

const counts = new Map<string, Intl.NumberFormat>();

/** 1,234,567 (grouped for the page's language). */
export function formatCount(n: number, lang = 'en'): string {
  let f = counts.get(lang);
  if (!f) { f = new Intl.NumberFormat(lang); counts.set(lang, f); }
  return f.format(n);
}

/** Seconds with a unit that keeps three or four significant digits: 850 µs, 12.3 ms, 4.21 s. */
export function formatDuration(s: number): string {
  const a = Math.abs(s);
  if (a === 0) return '0 s';
  if (a < 1e-3) return `${(s * 1e6).toFixed(a < 1e-5 ? 1 : 0)} µs`;
  if (a < 1) return `${(s * 1e3).toFixed(a < 1e-2 ? 2 : a < 1e-1 ? 1 : 0)} ms`;
  if (a < 120) return `${s.toFixed(a < 10 ? 3 : 2)} s`;
  const m = Math.floor(a / 60);
  return a < 3600 ? `${m} min ${Math.round(a % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Seconds since a start, to the microsecond: 12.345678. */
export function formatOffset(s: number): string {
  return s.toFixed(6);
}

export { formatEndpoint } from '../../core/report.js';
