// Numbers, times and endpoints as the tables show them. Everything here returns plain text.

export { formatBytes, formatTime } from '../../core/report.js';

/**
 * 1,234,567. English and Korean both group by threes with a comma, so this is done by hand: the
 * page's first Intl.NumberFormat costs 20-40 ms of the main thread, loading its locale data.
 */
export function formatCount(n: number): string {
  const digits = String(Math.abs(Math.round(n)));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  return n < 0 && out !== '0' ? '-' + out : out;
}

/** A wait still to come, in whole seconds: 8 s, 2 min 5 s, 1 h 3 min. */
export function formatLeft(s: number): string {
  const n = Math.max(1, Math.ceil(s));
  if (n < 60) return `${n} s`;
  return n < 3600 ? `${Math.floor(n / 60)} min ${n % 60} s` : `${Math.floor(n / 3600)} h ${Math.floor(n / 60) % 60} min`;
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
