// Turns a parsed filter into a predicate over flow indexes. Every field and value is checked here,
// once, so a filter that compiles cannot fail while it runs over a million flows.
//
// A field that holds two values (`port`, `ip.addr`: client and server) matches when either does, and
// `!=` means "neither equals", as in Wireshark 3.6 and later (`a != b` is `!(a == b)`).

import { FilterError } from './errors.js';
import type { CompareOp } from './lexer.js';
import { parse, type Expr, type FieldRef, type Value } from './parse.js';
import { lookupField, PROTOCOLS, type FieldSpec, type FlowSource } from './fields.js';
import { parseNetwork, inNetwork, type Network } from './address.js';

export type Predicate = (i: number) => boolean;

const TCP = 6, UDP = 17;

/** Compiles a filter; blank text matches every flow. Throws FilterError. */
export function compile(text: string, src: FlowSource): Predicate {
  const ast = parse(text);
  return ast ? node(ast, src) : () => true;
}

function node(e: Expr, src: FlowSource): Predicate {
  switch (e.kind) {
    case 'or': { const a = node(e.left, src), b = node(e.right, src); return (i) => a(i) || b(i); }
    case 'and': { const a = node(e.left, src), b = node(e.right, src); return (i) => a(i) && b(i); }
    case 'not': { const a = node(e.expr, src); return (i) => !a(i); }
    case 'has': return has(spec(e.field), src);
    case 'compare': return compare(e.field, e.op, e.value, src, e.opAt, e.opEnd);
    case 'in': return member(e.field, e.items, src);
  }
}

function spec(f: FieldRef): FieldSpec {
  const s = lookupField(f.name);
  if (!s) throw new FilterError('unknown_field', `'${f.name}' is not a field`, f.at, f.end, { field: f.name });
  return s;
}

/** A field written alone: true when the flow has it (a protocol, a family, a set flag). */
function has(s: FieldSpec, src: FlowSource): Predicate {
  switch (s.kind) {
    case 'protocol': return (i) => src.protocol(i) === s.proto;
    case 'family': return (i) => src.family(i) === s.family;
    case 'flag': return (i) => src.flag(i, s.name);
    case 'analysis': return withProto(s, src, (i) => src.analysis(i, s.flag) > 0);
    default: return withProto(s, src, () => true);
  }
}

/** The protocol a field implies (tcp.port: TCP; port: TCP or UDP), and'ed before the test. */
function withProto(s: FieldSpec, src: FlowSource, test: Predicate): Predicate {
  const proto = 'proto' in s ? s.proto : undefined;
  if (proto !== undefined) return (i) => src.protocol(i) === proto && test(i);
  if (s.kind === 'port') return (i) => { const p = src.protocol(i); return (p === TCP || p === UDP) && test(i); };
  return test;
}

const OPS: Record<CompareOp, (a: number, b: number) => boolean> = {
  '==': (a, b) => a === b, '!=': (a, b) => a !== b,
  '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
};

function compare(f: FieldRef, op: CompareOp, v: Value, src: FlowSource, opAt: number, opEnd: number): Predicate {
  const s = spec(f);
  const notComparable = (what: 'boolean' | 'address') =>
    new FilterError('not_comparable', `'${f.name}' is ${KINDS[what]}; use == or !=`, opAt, opEnd, { field: f.name, op, what });
  switch (s.kind) {
    case 'protocol':
    case 'family':
      throw new FilterError('bad_operator', `'${f.name}' is a protocol; write it alone, or compare one of its fields`,
        opAt, opEnd, { field: f.name, op });
    case 'flag': {
      const want = boolean(v, f);
      if (op !== '==' && op !== '!=') throw notComparable('boolean');
      return withProto(s, src, (i) => (src.flag(i, s.name) === want) === (op === '=='));
    }
    case 'address': {
      if (op !== '==' && op !== '!=') throw notComparable('address');
      const net = network(v, f);
      const eq = sided(s.sides, (i, side) => inNetwork(src.address(i, side), net));
      return op === '==' ? eq : (i) => !eq(i);
    }
    case 'port':
    case 'number':
    case 'analysis':
    case 'proto': {
      const want = s.kind === 'proto' ? protocol(v, f) : number(v, f, s.kind === 'port');
      const get = getter(s, src);
      const test = OPS[op];
      if (s.kind === 'port' && s.sides === 2) {
        if (op === '!=') { const eq = sided(2, (i, side) => src.port(i, side) === want); return withProto(s, src, (i) => !eq(i)); }
        return withProto(s, src, sided(2, (i, side) => test(src.port(i, side), want)));
      }
      return withProto(s, src, (i) => test(get(i), want));
    }
  }
}

function member(f: FieldRef, items: Value[], src: FlowSource): Predicate {
  const s = spec(f);
  if (s.kind === 'address') {
    const nets = items.map((v) => network(v, f));
    return sided(s.sides, (i, side) => { const a = src.address(i, side); return nets.some((n) => inNetwork(a, n)); });
  }
  if (s.kind !== 'port' && s.kind !== 'number' && s.kind !== 'proto' && s.kind !== 'analysis') {
    throw new FilterError('bad_operator', `'${f.name}' cannot be looked up in a set`, f.at, f.end, { field: f.name, op: 'in' });
  }
  const ranges = items.map((v): [number, number] => {
    const dots = v.kind === 'word' ? v.text.indexOf('..') : -1;
    if (dots < 0) { const n = s.kind === 'proto' ? protocol(v, f) : number(v, f, s.kind === 'port'); return [n, n]; }
    const lo = number({ ...v, text: v.text.slice(0, dots) }, f, false);
    const hi = number({ ...v, text: v.text.slice(dots + 2) }, f, false);
    return [lo, hi];
  });
  const inSet = (n: number) => ranges.some(([lo, hi]) => n >= lo && n <= hi);
  if (s.kind === 'port') return withProto(s, src, sided(s.sides, (i, side) => inSet(src.port(i, side))));
  const get = getter(s, src);
  return withProto(s, src, (i) => inSet(get(i)));
}

function getter(s: FieldSpec, src: FlowSource): (i: number) => number {
  if (s.kind === 'number') return (i) => src.number(i, s.name);
  if (s.kind === 'analysis') return (i) => src.analysis(i, s.flag);
  if (s.kind === 'port' && s.sides !== 2) { const side = s.sides; return (i) => src.port(i, side); }
  return (i) => src.protocol(i);
}

/** Client, server, or either. */
function sided(sides: 0 | 1 | 2, test: (i: number, side: 0 | 1) => boolean): Predicate {
  if (sides !== 2) return (i) => test(i, sides);
  return (i) => test(i, 0) || test(i, 1);
}

/** What a value should have been; the page words these keys in its own language. */
const KINDS = {
  number: 'a number', port: 'a port (0 to 65535)', protocol: 'a protocol name or number',
  address: 'an IPv4 or IPv6 address', boolean: 'true or false',
} as const;

function bad(v: Value, f: FieldRef, what: keyof typeof KINDS): FilterError {
  return new FilterError('bad_value', `'${v.text}' is not ${KINDS[what]} (for '${f.name}')`, v.at, v.end, { value: v.text, field: f.name, what });
}

function number(v: Value, f: FieldRef, port: boolean): number {
  const t = v.text;
  const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : NaN;
  if (Number.isNaN(n)) throw bad(v, f, 'number');
  if (port && (!Number.isInteger(n) || n > 65535)) throw bad(v, f, 'port');
  return n;
}

function protocol(v: Value, f: FieldRef): number {
  if (/^\d/.test(v.text)) return number(v, f, false);
  const p = PROTOCOLS.get(v.text.toLowerCase());
  if (p === undefined) throw bad(v, f, 'protocol');
  return p;
}

function network(v: Value, f: FieldRef): Network {
  const n = parseNetwork(v.text);
  if (!n) throw bad(v, f, 'address');
  return n;
}

function boolean(v: Value, f: FieldRef): boolean {
  const t = v.text.toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw bad(v, f, 'boolean');
}
