// Cuts a filter into tokens. Field names, numbers, addresses (IPv4, IPv6, CIDR) and protocol names
// all lex as one kind of word: which one it is depends on where it stands, as in Wireshark's dfilter.

import { FilterError } from './errors.js';

export type TokenKind = 'word' | 'string' | 'op' | 'and' | 'or' | 'not' | 'in' | '(' | ')' | '{' | '}' | ',' | 'end';

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export interface Token {
  kind: TokenKind;
  /** The token as written; for a string, its value with escapes resolved; for an op, its symbol form. */
  text: string;
  at: number;
  end: number;
}

const WORD_OPS: Record<string, CompareOp> = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };
const KEYWORDS: Record<string, TokenKind> = { and: 'and', or: 'or', not: 'not', in: 'in' };

// Letters, digits and the punctuation inside field names, addresses, CIDR prefixes and ranges.
const isWordChar = (c: string) => /[A-Za-z0-9_.:/-]/.test(c);

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, text: string, at: number, end: number) => out.push({ kind, text, at, end });
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const two = src.slice(i, i + 2);
    if (two === '&&') { push('and', two, i, i + 2); i += 2; continue; }
    if (two === '||') { push('or', two, i, i + 2); i += 2; continue; }
    if (two === '==' || two === '!=' || two === '<=' || two === '>=') { push('op', two, i, i + 2); i += 2; continue; }
    if (c === '<' || c === '>') { push('op', c, i, i + 1); i++; continue; }
    if (c === '!') { push('not', c, i, i + 1); i++; continue; }
    if (c === '=') throw new FilterError('single_equals', "use '==' to compare", i, i + 1);
    if ('(){},'.includes(c)) { push(c as TokenKind, c, i, i + 1); i++; continue; }
    if (c === '"') { i = readString(src, i, out); continue; }
    if (isWordChar(c)) {
      const at = i;
      while (i < src.length && isWordChar(src[i])) i++;
      const word = src.slice(at, i);
      const lower = word.toLowerCase();
      if (WORD_OPS[lower]) push('op', WORD_OPS[lower], at, i);
      else if (KEYWORDS[lower]) push(KEYWORDS[lower], lower, at, i);
      else push('word', word, at, i);
      continue;
    }
    throw new FilterError('unexpected_char', `unexpected character '${c}'`, i, i + 1, { found: c });
  }
  push('end', '', src.length, src.length);
  return out;
}

function readString(src: string, start: number, out: Token[]): number {
  let i = start + 1;
  let value = '';
  while (i < src.length && src[i] !== '"') {
    if (src[i] === '\\' && i + 1 < src.length) i++;
    value += src[i++];
  }
  if (i >= src.length) throw new FilterError('unclosed_string', 'the string has no closing quote', start, src.length);
  out.push({ kind: 'string', text: value, at: start, end: i + 1 });
  return i + 1;
}
