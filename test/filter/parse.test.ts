import { describe, it, expect } from 'vitest';
import { parse, type Expr } from '../../src/filter/parse.js';
import { FilterError } from '../../src/filter/errors.js';

/** A compact text form of the tree, so expectations read like the filter. */
function show(e: Expr | null): string {
  if (!e) return '';
  switch (e.kind) {
    case 'or': case 'and': return `(${show(e.left)} ${e.kind} ${show(e.right)})`;
    case 'not': return `!${show(e.expr)}`;
    case 'has': return e.field.name;
    case 'compare': return `${e.field.name} ${e.op} ${e.value.kind === 'string' ? `"${e.value.text}"` : e.value.text}`;
    case 'in': return `${e.field.name} in {${e.items.map((v) => v.text).join(' ')}}`;
  }
}

function error(src: string): FilterError {
  try { parse(src); } catch (e) { if (e instanceof FilterError) return e; throw e; }
  throw new Error(`no error for ${src}`);
}

describe('filter parser', () => {
  it('reads the examples from the docs', () => {
    expect(show(parse('tcp && port == 443'))).toBe('(tcp and port == 443)');
    expect(show(parse('tcp && port 443'))).toBe('(tcp and port == 443)');
    expect(show(parse('ip.addr == 10.0.0.1'))).toBe('ip.addr == 10.0.0.1');
    expect(show(parse('udp'))).toBe('udp');
    expect(show(parse('stream == 3'))).toBe('stream == 3');
    expect(show(parse('packets > 10'))).toBe('packets > 10');
  });

  it('reads a value right after a field as ==, as tcpdump does', () => {
    expect(show(parse('host 10.0.0.1 or host ::1'))).toBe('(host == 10.0.0.1 or host == ::1)');
    expect(show(parse('proto "udp"'))).toBe('proto == "udp"');
    expect(error('tcp port 443')).toMatchObject({ code: 'unexpected_token', at: 4 });
  });

  it('gives blank filters no tree', () => {
    expect(parse('')).toBeNull();
    expect(parse('   ')).toBeNull();
  });

  it('binds not tighter than and, and tighter than or', () => {
    expect(show(parse('a or b and not c'))).toBe('(a or (b and !c))');
    expect(show(parse('!a || b && c'))).toBe('(!a or (b and c))');
    expect(show(parse('(a or b) and c'))).toBe('((a or b) and c)');
    expect(show(parse('not not a'))).toBe('!!a');
  });

  it('accepts word and symbol operators alike', () => {
    for (const [w, s] of [['eq', '=='], ['ne', '!='], ['lt', '<'], ['le', '<='], ['gt', '>'], ['ge', '>=']]) {
      expect(show(parse(`bytes ${w} 5`))).toBe(`bytes ${s} 5`);
      expect(show(parse(`bytes${s}5`))).toBe(`bytes ${s} 5`);
    }
    expect(show(parse('tcp AND udp OR NOT icmp'))).toBe('((tcp and udp) or !icmp)');
  });

  it('reads addresses, prefixes, strings and sets as values', () => {
    expect(show(parse('ip.addr == fe80::1:2'))).toBe('ip.addr == fe80::1:2');
    expect(show(parse('ip.src == 10.0.0.0/8'))).toBe('ip.src == 10.0.0.0/8');
    expect(show(parse('proto == "udp"'))).toBe('proto == "udp"');
    expect(show(parse('proto == "a \\"b\\""'))).toBe('proto == "a "b""');
    expect(show(parse('port in {80, 443 8000..8004}'))).toBe('port in {80 443 8000..8004}');
  });

  it('points at the place of each syntax error', () => {
    expect(error('tcp && ')).toMatchObject({ code: 'unexpected_end', at: 7 });
    expect(error('port = 80')).toMatchObject({ code: 'single_equals', at: 5, end: 6 });
    expect(error('port == ')).toMatchObject({ code: 'expected_value', at: 5, end: 7 });
    expect(error('(tcp || udp')).toMatchObject({ code: 'unclosed_paren', at: 0, end: 1 });
    expect(error('tcp port 443')).toMatchObject({ code: 'unexpected_token', at: 4, end: 8, params: { found: 'port', wanted: 'and_or' } });
    expect(error('tcp && == 3')).toMatchObject({ code: 'unexpected_token', at: 7, params: { wanted: 'field' } });
    expect(error('tcp $ udp')).toMatchObject({ code: 'unexpected_char', at: 4 });
    expect(error('proto == "tcp')).toMatchObject({ code: 'unclosed_string', at: 9 });
    expect(error('port in {80')).toMatchObject({ code: 'unclosed_paren', at: 8 });
    expect(error('port in {}')).toMatchObject({ code: 'expected_value' });
    expect(error('port in 80')).toMatchObject({ code: 'unexpected_token', at: 8 });
    expect(error('a )')).toMatchObject({ code: 'unexpected_token', at: 2 });
  });

  it('says what went wrong in words', () => {
    expect(error('tcp port 443').message).toBe("expected 'and', 'or' or the end, found 'port'");
    expect(error('port = 80').message).toBe("use '==' to compare");
  });
});
