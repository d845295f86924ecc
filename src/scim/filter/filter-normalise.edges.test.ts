/**
 * normaliseFilter and normaliseValueFilter at their edges: which nodes are rebuilt and which are
 * returned as they are, value filters (relative names, `value` of a simple multi-valued
 * attribute, no sub-attributes of sub-attributes), complex attributes compared as a whole, and
 * names the resource type does not define when they are to be kept.
 */
import { describe, expect, it } from 'vitest';
import { defineAttribute } from '../schema/attribute-builders.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { isScimError } from '../scim-error.js';
import type { CompareFilter, Filter, LogicalFilter, ValuePathFilter } from './filter-ast.js';
import { normaliseFilter, normaliseValueFilter } from './filter-normalise.js';
import { parseFilter } from './filter-parser.js';
import { printFilter } from './filter-printer.js';

const SEATS = 'urn:example:params:scim:schemas:extension:seats:2.0:User';
const registry = SchemaRegistry.withCoreSchemas();
registry.registerSchema({
  id: SEATS,
  name: 'Seats',
  description: '',
  attributes: [
    // A complex attribute compared as a whole compares its `value`, here not the first sub-attribute.
    defineAttribute('seat', 'complex', '', {
      subAttributes: [defineAttribute('label', 'string', ''), defineAttribute('value', 'integer', '')],
    }),
    defineAttribute('bare', 'complex', '', { subAttributes: [defineAttribute('count', 'integer', '')] }),
    defineAttribute('flags', 'boolean', '', { multiValued: true }),
    defineAttribute('loginCount', 'integer', ''),
  ],
});
registry.attachExtension('User', SEATS);
const users = registry.compiled('User');
const groups = registry.compiled('Group');

const normalise = (text: string) => normaliseFilter(parseFilter(text), users);
const printed = (text: string) => printFilter(normalise(text));

function detailOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isScimError(error) && error.scimType === 'invalidFilter') return error.detail;
    throw error;
  }
  throw new Error('expected invalidFilter');
}

describe('normaliseFilter: rebuilt only where a literal changes', () => {
  it('a changed literal under not, in a value path or on one side of and/or is kept', () => {
    expect(printed('not (active eq "TRUE")')).toBe('not (active eq true)');
    expect(printed('active eq "true" or userName eq "x"')).toBe('active eq true or userName eq "x"');
    expect(printed('userName eq "x" and active eq "false"')).toBe('userName eq "x" and active eq false');
    expect(printed('emails[primary eq "true"]')).toBe('emails[primary eq true]');
    expect(printed('emails.primary eq "True"')).toBe('emails.primary eq true');
  });

  it('the rebuilt node keeps its kind and the unchanged side', () => {
    const source = parseFilter('userName eq "x" and active eq "false"') as LogicalFilter;
    const out = normaliseFilter(source, users) as LogicalFilter;
    expect(out).not.toBe(source);
    expect(out.kind).toBe('and');
    expect(out.left).toBe(source.left);
    expect((out.right as CompareFilter).value).toBe(false);
    expect(source.right).toMatchObject({ value: 'false' });
  });

  it('value paths, presence tests and not are returned as they are when nothing changes', () => {
    for (const text of ['emails[type eq "work"]', 'title pr', 'not (emails[value pr])', 'seat.label pr']) {
      const filter = parseFilter(text);
      expect(normaliseFilter(filter, users)).toBe(filter);
    }
    const inner = parseFilter('emails[type eq "work" or primary eq true]') as ValuePathFilter;
    expect((normaliseFilter(inner, users) as ValuePathFilter).filter).toBe(inner.filter);
  });
});

describe('normaliseFilter: numbers in quotes', () => {
  it('a quoted number may be padded with whitespace', () => {
    expect((normalise('loginCount gt " 3 "') as CompareFilter).value).toBe(3);
    expect((normalise('loginCount gt "\\t-1.5e2\\n"') as CompareFilter).value).toBe(-150);
  });

  it('a quoted number too large for a double is refused, not compared as Infinity', () => {
    expect(detailOf(() => normalise('loginCount gt "1e999"'))).toContain('"1e999" is not a number');
  });
});

describe('normaliseFilter: complex attributes compared as a whole', () => {
  it('the literal takes the type of the `value` sub-attribute', () => {
    expect((normalise('seat eq "3"') as CompareFilter).value).toBe(3);
    expect(detailOf(() => normalise('seat eq "three"'))).toContain('"three" is not a number');
  });

  it('a complex attribute without a `value` sub-attribute keeps the literal as written', () => {
    expect((normalise('bare eq "3"') as CompareFilter).value).toBe('3');
  });
});

describe('normaliseFilter: names inside value filters', () => {
  it('`value` of a simple multi-valued attribute is the value itself, in any case', () => {
    expect(printed('flags[value eq "true"]')).toBe('flags[value eq true]');
    expect(printed('flags[VALUE eq "False"]')).toBe('flags[VALUE eq false]');
    expect(detailOf(() => normalise('flags[value eq "yes"]'))).toContain('"yes" is not a boolean');
  });

  it('no other name is a sub-attribute of a simple attribute', () => {
    expect(detailOf(() => normalise('flags[type eq "true"]'))).toContain('"flags[type]"');
  });

  it('a complex attribute without a `value` sub-attribute has no `value`', () => {
    expect(detailOf(() => normalise('name[value eq "x"]'))).toContain('no sub-attribute "value" of "name"');
  });

  it('sub-attributes of sub-attributes and URN-qualified names are refused, naming the path', () => {
    expect(detailOf(() => normalise('emails[type.value eq "work"]'))).toContain('"emails[type.value]"');
    const qualified = 'emails[urn:ietf:params:scim:schemas:core:2.0:User:type eq "work"]';
    expect(detailOf(() => normalise(qualified))).toContain(
      'emails[urn:ietf:params:scim:schemas:core:2.0:User:type]',
    );
  });

  it('an unknown name in a value filter says where it is', () => {
    expect(detailOf(() => normalise('userName eq "x" or emails[tpye eq "work"]'))).toMatch(
      /^"emails\[tpye\]": no sub-attribute "tpye" of "emails"; did you mean "type"\? \(at position 26\)$/,
    );
  });
});

describe('normaliseFilter with unknown: keep', () => {
  const keep = (filter: Filter) => normaliseFilter(filter, users, { unknown: 'keep' });

  it('an unknown name inside a known value path is left as written', () => {
    const filter = parseFilter('emails[tpye eq "work"]');
    expect(keep(filter)).toBe(filter);
  });

  it('a value path on an unknown attribute is left as written, inner names unread', () => {
    // `active` is a User attribute, but not a sub-attribute of `badges`: its literal stays.
    for (const text of ['badges[active eq "yes"]', 'badges[type eq "work"]']) {
      const filter = parseFilter(text);
      expect(keep(filter)).toBe(filter);
    }
    const filter = parseFilter('members[value eq "x"] or displayName eq "g"');
    expect(normaliseFilter(filter, groups, { unknown: 'keep' })).toBe(filter);
  });
});

describe('normaliseValueFilter', () => {
  const emails = users.resolver.attribute(undefined, 'emails');
  if (emails === undefined) throw new Error('emails is a User attribute');

  it('reads names relative to one value of the attribute', () => {
    const filter = normaliseValueFilter(parseFilter('type eq "work" and primary eq "True"'), emails);
    expect(printFilter(filter)).toBe('type eq "work" and primary eq true');
  });

  it('refuses unknown names by default and keeps them when asked', () => {
    const unknown = parseFilter('tpye eq "work"');
    expect(detailOf(() => normaliseValueFilter(unknown, emails))).toContain('did you mean "type"');
    expect(normaliseValueFilter(unknown, emails, { unknown: 'keep' })).toBe(unknown);
  });
});
