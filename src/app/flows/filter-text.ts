// Filter errors in the page's language. The filter module explains itself in English; here each
// error code has its own sentence, filled in with the parts the error names.

import type { FilterProblem } from '../../worker/analyzer.js';
import { t, type Key } from '../../i18n/i18n.svelte.js';

const WANTED: Record<string, Key> = { field: 'filter.wanted.field', and_or: 'filter.wanted.andOr' };
const KINDS: Record<string, Key> = {
  number: 'filter.kind.number', port: 'filter.kind.port', protocol: 'filter.kind.protocol',
  address: 'filter.kind.address', boolean: 'filter.kind.boolean',
};

export function describeFilterError(e: FilterProblem): string {
  const p = e.params;
  const wanted = p.wanted ? (WANTED[p.wanted] ? t(WANTED[p.wanted]) : `'${p.wanted}'`) : '';
  const what = p.what && KINDS[p.what] ? t(KINDS[p.what]) : '';
  const key = `filter.error.${e.code}` as Key;
  const text = t(key, { ...p, wanted, what });
  return text === key ? e.message : text;
}
