import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { JsonObject } from '../../shared/json.js';
import type { CompiledScope, ScopeClauseConfig, ScopeConfig, ScopeVerdict } from './compile-scope.js';
import { compileScope, describeScopeVerdict } from './compile-scope.js';
import { ENTERPRISE, fullUser, userSource } from '../source/test-fixtures.js';

function scope(config: ScopeConfig): CompiledScope {
  const result = compileScope('user', config);
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return result.scope;
}

function clause(attribute: string, operator: string, value?: string): ScopeConfig {
  return { filters: [{ clauses: [{ attribute, operator, ...(value !== undefined ? { value } : {}) }] }] };
}

function userWith(fields: JsonObject, enterprise: JsonObject = {}): ReturnType<typeof userSource> {
  const resource = { ...fullUser(), ...fields };
  resource[ENTERPRISE] = { ...(resource[ENTERPRISE] as JsonObject), ...enterprise };
  return userSource(resource);
}

const passes = (config: ScopeConfig, source = userSource()): boolean =>
  scope(config).evaluate(source).inScope;

describe('operators', () => {
  it('EQUALS and NOT EQUALS are case-sensitive', () => {
    expect(passes(clause('department', 'EQUALS', 'Tour Operations'))).toBe(true);
    expect(passes(clause('department', 'EQUALS', 'tour operations'))).toBe(false);
    expect(passes(clause('department', 'NOT EQUALS', 'tour operations'))).toBe(true);
    expect(passes(clause('department', 'NOT EQUALS', 'Tour Operations'))).toBe(false);
  });

  it('EQUALS compares booleans and numbers by their text', () => {
    expect(passes(clause('accountEnabled', 'EQUALS', 'True'))).toBe(true);
    expect(passes(clause('accountEnabled', 'EQUALS', 'false'))).toBe(false);
    expect(passes(clause('employeeId', 'EQUALS', '701984'), userWith({}, { employeeNumber: 701984 }))).toBe(
      true,
    );
  });

  it('NOT EQUALS holds for an empty attribute', () => {
    expect(passes(clause('costCenter', 'NOT EQUALS', 'x'))).toBe(true);
  });

  it('IS TRUE and IS FALSE read booleans', () => {
    expect(passes(clause('accountEnabled', 'IS TRUE'))).toBe(true);
    expect(passes(clause('accountEnabled', 'IS FALSE'))).toBe(false);
    expect(passes(clause('IsSoftDeleted', 'IS FALSE'))).toBe(true);
    expect(passes(clause('department', 'IS TRUE'))).toBe(false);
    expect(passes(clause('accountEnabled', 'IS FALSE'), userWith({ active: false }))).toBe(true);
  });

  it('IS NULL and IS NOT NULL treat empty strings and lists as null', () => {
    expect(passes(clause('costCenter', 'IS NULL'))).toBe(true);
    expect(passes(clause('department', 'IS NULL'))).toBe(false);
    expect(passes(clause('department', 'IS NOT NULL'))).toBe(true);
    expect(passes(clause('department', 'IS NULL'), userWith({}, { department: '' }))).toBe(true);
    expect(passes(clause('emails', 'IS NULL'), userWith({ emails: [] }))).toBe(true);
  });

  it('REGEX MATCH uses .NET patterns, unanchored and case-sensitive', () => {
    expect(passes(clause('employeeId', 'REGEX MATCH', '([1-9][0-9])'))).toBe(true);
    expect(passes(clause('employeeId', 'REGEX MATCH', '^\\d{6}\\z'))).toBe(true);
    expect(passes(clause('department', 'REGEX MATCH', '^tour'))).toBe(false);
    expect(passes(clause('department', 'REGEX MATCH', '(?i)^tour'))).toBe(true);
    expect(passes(clause('costCenter', 'REGEX MATCH', '.*'))).toBe(false);
  });

  it('NOT REGEX MATCH is false on an empty attribute', () => {
    expect(passes(clause('department', 'NOT REGEX MATCH', '^Sales'))).toBe(true);
    expect(passes(clause('department', 'NOT REGEX MATCH', '^Tour'))).toBe(false);
    expect(passes(clause('costCenter', 'NOT REGEX MATCH', '^Sales'))).toBe(false);
  });

  it('the Greater/Less operators compare integers only', () => {
    expect(passes(clause('employeeId', 'Greater_Than', '701983'))).toBe(true);
    expect(passes(clause('employeeId', 'Greater_Than', '701984'))).toBe(false);
    expect(passes(clause('employeeId', 'Greater_Than_OR_EQUALS', '701984'))).toBe(true);
    expect(passes(clause('employeeId', 'Less_Than', '701985'))).toBe(true);
    expect(passes(clause('employeeId', 'Less_Than', '701984'))).toBe(false);
    expect(passes(clause('employeeId', 'Less_Than_OR_EQUALS', '701984'))).toBe(true);
    // Numerically, not as text: "9" < "10".
    expect(passes(clause('employeeId', 'Less_Than', '10'), userWith({}, { employeeNumber: '9' }))).toBe(true);
    // An attribute that is not an integer fails every comparison.
    expect(passes(clause('department', 'Greater_Than', '0'))).toBe(false);
    expect(passes(clause('department', 'Less_Than', '0'))).toBe(false);
    expect(passes(clause('employeeId', 'Greater_Than', '1'), userWith({}, { employeeNumber: '7.5' }))).toBe(
      false,
    );
    // Beyond 2^53 still exact.
    expect(
      passes(
        clause('employeeId', 'Greater_Than', '9007199254740992'),
        userWith({}, { employeeNumber: '9007199254740993' }),
      ),
    ).toBe(true);
  });

  it('Includes is a case-sensitive substring test', () => {
    expect(passes(clause('department', 'Includes', 'Operations'))).toBe(true);
    expect(passes(clause('department', 'Includes', 'operations'))).toBe(false);
    expect(passes(clause('costCenter', 'Includes', ''))).toBe(false);
  });

  it('ENDS_WITH is a case-sensitive suffix test that fails on an empty attribute', () => {
    expect(passes(clause('department', 'ENDS_WITH', 'Operations'))).toBe(true);
    expect(passes(clause('department', 'ENDS_WITH', 'operations'))).toBe(false);
    expect(passes(clause('department', 'ENDS_WITH', 'Tour'))).toBe(false);
    expect(passes(clause('costCenter', 'ENDS_WITH', ''))).toBe(false);
    expect(passes(clause('department', 'ends with', 'Operations'))).toBe(true);
  });

  it('& holds when the attribute occurs in the value, !& when it does not; both fail on empty', () => {
    expect(passes(clause('department', '&', 'Sales,Tour Operations,HR'))).toBe(true);
    expect(passes(clause('department', '&', 'Sales,tour operations'))).toBe(false);
    expect(passes(clause('department', '&', 'Tour'))).toBe(false);
    expect(passes(clause('department', '!&', 'Sales,HR'))).toBe(true);
    expect(passes(clause('department', '!&', 'Sales,Tour Operations'))).toBe(false);
    expect(passes(clause('costCenter', '&', 'anything'))).toBe(false);
    expect(passes(clause('costCenter', '!&', 'anything'))).toBe(false);
    // A multi-valued attribute: & when one value occurs, !& when none does.
    expect(passes(clause('emails.value', '&', 'babs@jensen.org bjensen@example.com'))).toBe(true);
    expect(passes(clause('emails.value', '!&', 'babs@jensen.org'))).toBe(false);
  });

  it('a multi-valued attribute passes when one value does', () => {
    expect(passes(clause('emails.value', 'EQUALS', 'babs@jensen.org'))).toBe(true);
    expect(passes(clause('emails.value', 'NOT EQUALS', 'babs@jensen.org'))).toBe(false);
  });

  it('reads the manager as its directory id', () => {
    expect(passes(clause('manager', 'EQUALS', '26118915-6090-4610-87e4-49d8ca9f808d'))).toBe(true);
  });

  it('accepts operator spellings with underscores, spaces and any case', () => {
    expect(passes(clause('department', 'not_equals', 'x'))).toBe(true);
    expect(passes(clause('employeeId', 'GREATER THAN', '1'))).toBe(true);
  });
});

describe('groups and clauses', () => {
  const config: ScopeConfig = {
    filters: [
      {
        clauses: [
          { attribute: 'department', operator: 'EQUALS', value: 'Sales' },
          { attribute: 'country', operator: 'EQUALS', value: 'US' },
        ],
      },
      { clauses: [{ attribute: 'jobTitle', operator: 'Includes', value: 'Guide' }] },
    ],
  };

  it('passes when every clause of one group holds, and names that group', () => {
    const verdict = scope(config).evaluate(userSource());
    expect(verdict).toEqual({ inScope: true, reason: { kind: 'groupPassed', group: 1 } });
    expect(describeScopeVerdict(verdict)).toBe('in scope: scoping filter 2 passed');
  });

  it('fails when every group has a failing clause, naming each with the value it saw', () => {
    const verdict = scope(config).evaluate(userWith({ title: 'Driver' }));
    expect(verdict).toEqual({
      inScope: false,
      reason: {
        kind: 'allGroupsFailed',
        failures: [
          {
            group: 0,
            clause: 0,
            attribute: 'department',
            operator: 'EQUALS',
            value: 'Sales',
            actual: 'Tour Operations',
          },
          {
            group: 1,
            clause: 0,
            attribute: 'jobTitle',
            operator: 'Includes',
            value: 'Guide',
            actual: 'Driver',
          },
        ],
      },
    });
    expect(describeScopeVerdict(verdict)).toBe(
      'out of scope: filter 1, clause 1: department EQUALS "Sales" saw "Tour Operations"; ' +
        'filter 2, clause 1: jobTitle Includes "Guide" saw "Driver"',
    );
  });

  it('puts everything in scope without filters', () => {
    for (const config of [undefined, { filters: [] }]) {
      const result = compileScope('user', config);
      expect(result.ok && result.scope.evaluate(userSource())).toEqual({
        inScope: true,
        reason: { kind: 'noFilter' },
      });
    }
  });
});

describe('validation', () => {
  const issues = (config: unknown): string[] => {
    const result = compileScope('user', config as ScopeConfig);
    return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
  };

  it('names the path of every problem', () => {
    expect(
      issues({
        filters: [
          { clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'x' }] },
          {
            clauses: [
              { attribute: 'department', operator: 'EQUAL', value: 'x' },
              { attribute: 'departmnt', operator: 'EQUALS', value: 'x' },
              { attribute: 'employeeId', operator: 'Greater_Than', value: '12.5' },
              { attribute: 'employeeId', operator: 'REGEX MATCH', value: '(?>atomic)' },
              { attribute: 'employeeId', operator: 'EQUALS' },
              { attribute: 'employeeId', operator: 'IS NULL', value: 'x' },
            ],
          },
          { clauses: [] },
        ],
      }),
    ).toEqual([
      "scope.filters[1].clauses[0].operator: unknown operator 'EQUAL', did you mean 'EQUALS'?",
      "scope.filters[1].clauses[1].attribute: unknown source attribute 'departmnt', did you mean 'department'?",
      "scope.filters[1].clauses[2].value: Greater_Than compares integers: '12.5' is not an integer",
      'scope.filters[1].clauses[3].value: invalid regular expression: the atomic group (?> at position 1 is not supported',
      'scope.filters[1].clauses[4].value: EQUALS needs a value',
      'scope.filters[1].clauses[5].value: IS NULL takes no value',
      'scope.filters[2].clauses: a filter needs at least one clause',
    ]);
  });

  it('never throws on malformed configuration', () => {
    expect(issues({})).toEqual(['scope.filters: must be a list of filters']);
    expect(issues({ filters: [null, { clauses: [null, { attribute: 3, operator: 4 }] }] })).toEqual([
      'scope.filters[0].clauses: must be a list of clauses',
      'scope.filters[1].clauses[0]: must be an object with attribute, operator and value',
      'scope.filters[1].clauses[1].attribute: a source attribute name is required',
      'scope.filters[1].clauses[1].operator: an operator is required (one of EQUALS, NOT EQUALS, IS TRUE, IS FALSE, IS NULL, IS NOT NULL, REGEX MATCH, NOT REGEX MATCH, Greater_Than, Greater_Than_OR_EQUALS, Less_Than, Less_Than_OR_EQUALS, Includes, ENDS_WITH, &, !&)',
    ]);
  });
});

describe('properties', () => {
  const attributes = ['department', 'jobTitle', 'city'] as const;
  const paths: Record<(typeof attributes)[number], (r: JsonObject, v: string | undefined) => void> = {
    department: (r, v) => {
      (r[ENTERPRISE] as JsonObject).department = v ?? null;
    },
    jobTitle: (r, v) => {
      if (v === undefined) delete r.title;
      else r.title = v;
    },
    city: (r, v) => {
      (r.addresses as JsonObject[])[0]!.locality = v ?? null;
    },
  };
  const text = fc.constantFrom('Sales', 'sales', 'Sales EMEA', 'HR', '');
  const value = fc.option(text, { nil: undefined });
  const arbClause = fc.record({
    attribute: fc.constantFrom(...attributes),
    operator: fc.constantFrom(
      'EQUALS',
      'NOT EQUALS',
      'Includes',
      'IS NULL',
      'IS NOT NULL',
      'REGEX MATCH',
      'NOT REGEX MATCH',
      'ENDS_WITH',
      '&',
      '!&',
    ),
    value: fc.constantFrom('Sales', 'sales', 'HR', 'S', '^Sales$', 'Sales EMEA,HR', 'EMEA'),
  });
  const arbConfig = fc.array(fc.record({ clauses: fc.array(arbClause, { minLength: 1, maxLength: 3 }) }), {
    minLength: 1,
    maxLength: 4,
  });
  const arbUser = fc.record({ department: value, jobTitle: value, city: value });

  /** The documented semantics, written out plainly. */
  function model(c: ScopeClauseConfig, actual: string | undefined): boolean {
    const empty = actual === undefined || actual === '';
    const v = c.value!;
    switch (c.operator) {
      case 'EQUALS':
        return !empty && actual === v;
      case 'NOT EQUALS':
        return empty || actual !== v;
      case 'Includes':
        return !empty && actual.includes(v);
      case 'IS NULL':
        return empty;
      case 'IS NOT NULL':
        return !empty;
      case 'REGEX MATCH':
        return !empty && new RegExp(v, 'u').test(actual);
      case 'NOT REGEX MATCH':
        return !empty && !new RegExp(v, 'u').test(actual);
      case 'ENDS_WITH':
        return !empty && actual.endsWith(v);
      case '&':
        return !empty && v.includes(actual);
      case '!&':
        return !empty && !v.includes(actual);
      default:
        throw new Error(c.operator);
    }
  }

  it('is OR over groups of AND over clauses, and the reason says why', () => {
    fc.assert(
      fc.property(arbConfig, arbUser, (groups, user) => {
        const config: ScopeConfig = {
          filters: groups.map((g) => ({
            clauses: g.clauses.map((c) =>
              c.operator.startsWith('IS') ? { attribute: c.attribute, operator: c.operator } : c,
            ),
          })),
        };
        const resource = fullUser();
        for (const a of attributes) paths[a](resource, user[a]);
        const verdict: ScopeVerdict = scope(config).evaluate(userSource(resource));
        const groupResults = groups.map((g) => g.clauses.map((c) => model(c, user[c.attribute])));
        const expected = groupResults.some((g) => g.every(Boolean));
        expect(verdict.inScope).toBe(expected);
        if (verdict.reason.kind === 'groupPassed') {
          expect(groupResults[verdict.reason.group]!.every(Boolean)).toBe(true);
          // The first passing group is named.
          expect(groupResults.findIndex((g) => g.every(Boolean))).toBe(verdict.reason.group);
        } else if (verdict.reason.kind === 'allGroupsFailed') {
          expect(verdict.reason.failures.map((f) => f.group)).toEqual(groups.map((_, i) => i));
          for (const f of verdict.reason.failures) {
            // The named clause is the first that fails, and it saw the user's value.
            expect(groupResults[f.group]!.indexOf(false)).toBe(f.clause);
            expect(f.actual).toBe(user[f.attribute as (typeof attributes)[number]] ?? null);
          }
        } else throw new Error('a filter was configured');
      }),
      { numRuns: 300 },
    );
  });

  it('NOT EQUALS is the negation of EQUALS for any value', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string(), { nil: undefined }), (expected, actual) => {
        const source = userWith({ title: actual ?? null });
        const eq = passes(clause('jobTitle', 'EQUALS', expected), source);
        const ne = passes(clause('jobTitle', 'NOT EQUALS', expected), source);
        expect(ne).toBe(!eq);
      }),
    );
  });

  it('integer comparisons agree with BigInt order', () => {
    fc.assert(
      fc.property(fc.bigInt(-(10n ** 20n), 10n ** 20n), fc.bigInt(-(10n ** 20n), 10n ** 20n), (a, b) => {
        const source = userWith({}, { employeeNumber: a.toString() });
        expect(passes(clause('employeeId', 'Greater_Than', b.toString()), source)).toBe(a > b);
        expect(passes(clause('employeeId', 'Greater_Than_OR_EQUALS', b.toString()), source)).toBe(a >= b);
        expect(passes(clause('employeeId', 'Less_Than', b.toString()), source)).toBe(a < b);
        expect(passes(clause('employeeId', 'Less_Than_OR_EQUALS', b.toString()), source)).toBe(a <= b);
      }),
    );
  });
});
