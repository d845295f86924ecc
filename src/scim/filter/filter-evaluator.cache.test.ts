/**
 * evaluateFilter and matchesValueFilter cache one compiled predicate per parsed filter and per
 * resolver (or attribute): the same filter object evaluated with another resolver must follow that
 * resolver's schema, not reuse the predicate compiled for the first.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/json.js';
import { defineAttribute } from '../schema/attribute-builders.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { evaluateFilter, matchesValueFilter } from './filter-evaluator.js';
import { parseFilter } from './filter-parser.js';

const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';

/** A registry whose extension declares `badge` as caseExact or not. */
function resolverWithBadge(caseExact: boolean) {
  const registry = SchemaRegistry.withCoreSchemas();
  registry.registerSchema({
    id: ACME,
    name: 'AcmeUser',
    description: '',
    attributes: [
      defineAttribute('badge', 'string', '', { caseExact }),
      defineAttribute('tags', 'string', '', { caseExact, multiValued: true }),
    ],
  });
  registry.attachExtension('User', ACME);
  return registry.resolver('User');
}

const exact = resolverWithBadge(true);
const folded = resolverWithBadge(false);
const user: JsonObject = { userName: 'u', [ACME]: { badge: 'AbC-123' } };

describe('evaluateFilter: one parsed filter, several resolvers', () => {
  it('a filter first evaluated without a resolver follows the resolver given later', () => {
    const filter = parseFilter(`${ACME}:badge eq "abc-123"`);
    expect(evaluateFilter(filter, user)).toBe(true);
    expect(evaluateFilter(filter, user, exact)).toBe(false);
    expect(evaluateFilter(filter, user)).toBe(true);
  });

  it('a filter first evaluated with a resolver is not reused without one', () => {
    const filter = parseFilter(`${ACME}:badge eq "abc-123"`);
    expect(evaluateFilter(filter, user, exact)).toBe(false);
    expect(evaluateFilter(filter, user)).toBe(true);
  });

  it('each resolver gets its own predicate', () => {
    const filter = parseFilter(`${ACME}:badge eq "abc-123"`);
    expect(evaluateFilter(filter, user, folded)).toBe(true);
    expect(evaluateFilter(filter, user, exact)).toBe(false);
    expect(evaluateFilter(filter, user, folded)).toBe(true);
  });
});

describe('matchesValueFilter: one parsed filter, several attributes', () => {
  // Without an attribute definition strings compare ignoring case.
  const tags = exact.resolve(ACME, 'tags');

  it('a value filter first matched without an attribute follows the attribute given later', () => {
    const filter = parseFilter('value eq "Blue"');
    expect(matchesValueFilter(filter, 'blue', undefined)).toBe(true);
    expect(matchesValueFilter(filter, 'blue', tags)).toBe(false);
    expect(matchesValueFilter(filter, 'blue', undefined)).toBe(true);
  });

  it('a value filter first matched with an attribute is not reused without one', () => {
    const filter = parseFilter('value eq "Blue"');
    expect(matchesValueFilter(filter, 'blue', tags)).toBe(false);
    expect(matchesValueFilter(filter, 'blue', undefined)).toBe(true);
  });
});
