/** The audit log page's one-line account of a change, from the entry's before and after. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeAuditChange } from '../../src/console/components/audit-change.js';

describe('describeAuditChange', () => {
  it('names each changed setting of an apply with its old and new value, not the unchanged ones', () => {
    const before = { name: 'crm', settings: { scope: 'assigned', deletionThreshold: 500 }, enabled: true };
    const after = { name: 'crm', settings: { scope: 'all', deletionThreshold: 500 }, enabled: false };
    expect(describeAuditChange(before, after)).toEqual([
      'settings.scope: assigned → all',
      'enabled: true → false',
    ]);
  });

  it('compares lists whole and shortens long values', () => {
    const long = 'x'.repeat(100);
    expect(describeAuditChange({ list: [1, 2] }, { list: [1, 3] })).toEqual(['list: [1,2] → [1,3]']);
    expect(describeAuditChange({ a: long }, { a: 'y' })).toEqual([`a: ${'x'.repeat(59)}… → y`]);
    expect(describeAuditChange({ a: 1 }, { b: 1 })).toEqual(['a: 1 → (none)', 'b: (none) → 1']);
  });

  it('stops after six changes with how many more there are', () => {
    const before = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, i]));
    const after = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, i + 1]));
    const lines = describeAuditChange(before, after);
    expect(lines).toHaveLength(7);
    expect(lines[6]).toBe('and 3 more');
  });

  it('says who was assigned or unassigned, what was created, removed or deleted', () => {
    const assignment = { principalType: 'Group', principalId: 'g1', principalName: 'Sales', role: 'User' };
    expect(describeAuditChange(undefined, assignment)).toEqual(['group Sales as User']);
    expect(describeAuditChange(assignment, undefined)).toEqual(['group Sales as User']);
    expect(describeAuditChange(undefined, { name: 'oscar', role: 'operator' })).toEqual([
      'created oscar (operator)',
    ]);
    expect(describeAuditChange({ name: 'ci', kind: 'admin' }, undefined)).toEqual(['removed ci']);
    expect(describeAuditChange({ name: 'crm' }, { assignmentsRemoved: 2 })).toEqual([
      'deleted, 2 assignments removed',
    ]);
    expect(describeAuditChange(undefined, undefined)).toEqual([]);
    expect(describeAuditChange({ a: 1 }, { a: 1 })).toEqual(['no change']);
  });

  it('lists a change exactly when the two sides differ', () => {
    const value = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('a', 'b'), fc.boolean());
    const side = fc.dictionary(fc.constantFrom('p', 'q', 'r'), value);
    fc.assert(
      fc.property(side, side, (before, after) => {
        const lines = describeAuditChange(before, after);
        const differing = ['p', 'q', 'r'].filter(
          (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
        );
        if (differing.length === 0) expect(lines).toEqual(['no change']);
        else
          expect(lines.map((l) => l.split(':')[0])).toEqual(
            [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) =>
              differing.includes(k),
            ),
          );
      }),
    );
  });
});
