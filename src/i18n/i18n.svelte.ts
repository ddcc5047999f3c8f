// The page's language: English or Korean, first from navigator.language, then as the reader picks.
// Strings are looked up by key; {name} in a string is replaced by a parameter.

import { en, type Key } from './en.js';
import { ko } from './ko.js';

export type Lang = 'en' | 'ko';
export type { Key };

const TABLES: Record<Lang, Record<Key, string>> = { en, ko };
const STORE = 'seqack.lang';

function initial(): Lang {
  const saved = globalThis.localStorage?.getItem(STORE);
  if (saved === 'en' || saved === 'ko') return saved;
  return globalThis.navigator?.language?.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

class I18n {
  lang = $state<Lang>(initial());

  set(lang: Lang): void {
    this.lang = lang;
    globalThis.localStorage?.setItem(STORE, lang);
    if (globalThis.document) document.documentElement.lang = lang;
  }

  t(key: Key, params?: Record<string, string | number>): string {
    const s = TABLES[this.lang][key] ?? en[key];
    return params ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m)) : s;
  }
}

export const i18n = new I18n();

/** The string for `key` in the page's language (reactive where it is read). */
export const t = (key: Key, params?: Record<string, string | number>): string => i18n.t(key, params);
