// Recursive descent over the tokens. Precedence as in Wireshark: not binds tightest, then and, then
// or; parentheses group.
//
//   expr    = and { ("or" | "||") and }
//   and     = unary { ("and" | "&&") unary }
//   unary   = ("not" | "!") unary | primary
//   primary = "(" expr ")" | field [ [op] value | "in" "{" item { [","] item } "}" ]
//   item    = value            (a word "a..b" is a range)

import { FilterError } from './errors.js';
import { tokenize, type CompareOp, type Token } from './lexer.js';

export interface Value { kind: 'word' | 'string'; text: string; at: number; end: number }
export interface FieldRef { name: string; at: number; end: number }

export type Expr =
  | { kind: 'or' | 'and'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'has'; field: FieldRef }
  | { kind: 'compare'; field: FieldRef; op: CompareOp; opAt: number; opEnd: number; value: Value }
  | { kind: 'in'; field: FieldRef; items: Value[] };

const WANTED: Record<string, string> = { field: 'a field name', and_or: "'and', 'or' or the end" };

/** Parses a filter; an empty (or blank) filter gives null, which matches everything. */
export function parse(src: string): Expr | null {
  const tokens = tokenize(src);
  if (tokens[0].kind === 'end') return null;
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const describe = (t: Token) => (t.kind === 'string' ? `"${t.text}"` : `'${t.text}'`);

  function expr(): Expr {
    let left = and();
    while (peek().kind === 'or') { next(); left = { kind: 'or', left, right: and() }; }
    return left;
  }
  function and(): Expr {
    let left = unary();
    while (peek().kind === 'and') { next(); left = { kind: 'and', left, right: unary() }; }
    return left;
  }
  function unary(): Expr {
    if (peek().kind === 'not') { next(); return { kind: 'not', expr: unary() }; }
    return primary();
  }
  function primary(): Expr {
    const t = next();
    if (t.kind === '(') {
      const inner = expr();
      const close = peek();
      if (close.kind !== ')') {
        if (close.kind === 'end') throw new FilterError('unclosed_paren', "this '(' is never closed", t.at, t.end, { found: '(' });
        throw unexpected(close, ')');
      }
      next();
      return inner;
    }
    if (t.kind !== 'word') throw unexpected(t, 'field');
    const field: FieldRef = { name: t.text, at: t.at, end: t.end };
    const op = peek();
    if (op.kind === 'op') {
      next();
      return { kind: 'compare', field, op: op.text as CompareOp, opAt: op.at, opEnd: op.end, value: value(op) };
    }
    if (op.kind === 'in') { next(); return { kind: 'in', field, items: set() }; }
    // tcpdump's shorthand, `port 443` and `host 10.0.0.1`: a value right after a field means "==".
    if (op.kind === 'string' || (op.kind === 'word' && /^[0-9:]/.test(op.text))) {
      return { kind: 'compare', field, op: '==', opAt: op.at, opEnd: op.at, value: value(op) };
    }
    return { kind: 'has', field };
  }
  function value(after: Token): Value {
    const t = peek();
    if (t.kind === 'word' || t.kind === 'string') { next(); return { kind: t.kind, text: t.text, at: t.at, end: t.end }; }
    throw new FilterError('expected_value', `a value is missing after '${after.text}'`, t.kind === 'end' ? after.at : t.at,
      t.kind === 'end' ? after.end : t.end, { op: after.text });
  }
  function set(): Value[] {
    const open = next();
    if (open.kind !== '{') throw unexpected(open, '{');
    const items: Value[] = [];
    for (;;) {
      const t = peek();
      if (t.kind === '}') { next(); break; }
      if (t.kind === ',') { next(); continue; }
      if (t.kind === 'end') throw new FilterError('unclosed_paren', "this '{' is never closed", open.at, open.end, { found: '{' });
      items.push(value(open));
    }
    if (!items.length) throw new FilterError('expected_value', "the set '{}' is empty", open.at, peek().at, { op: '{' });
    return items;
  }
  /** `wanted` is 'field', 'and_or' or a bracket; the page words it in its own language. */
  function unexpected(t: Token, wanted: string): FilterError {
    const words = WANTED[wanted] ?? `'${wanted}'`;
    if (t.kind === 'end') return new FilterError('unexpected_end', `the filter ends where ${words} was expected`, t.at, t.end, { wanted });
    return new FilterError('unexpected_token', `expected ${words}, found ${describe(t)}`, t.at, t.end, { wanted, found: t.text });
  }

  const result = expr();
  const rest = peek();
  if (rest.kind !== 'end') throw unexpected(rest, 'and_or');
  return result;
}
