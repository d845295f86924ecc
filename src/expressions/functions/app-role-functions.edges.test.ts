import { describe, expect, it } from 'vitest';
import { call } from './test-helper.js';

/** The roles AppRoleAssignmentsComplex reads from an `[appRoleAssignments]` argument, parsed back. */
function rolesOf(argument: readonly (string | number | boolean | null)[]): unknown {
  const result = call('AppRoleAssignmentsComplex', [argument]);
  return result === null ? null : (result as string[]).map((text) => JSON.parse(text));
}

describe('app role functions reading the [appRoleAssignments] argument', () => {
  it('skips entries that are not strings, and empty strings', () => {
    expect(call('SingleAppRoleAssignment', [[5, true, null, '', 'Admin']])).toBe('Admin');
    expect(rolesOf([5, '', 'Admin'])).toEqual([{ id: '', value: 'Admin', displayName: 'Admin' }]);
  });

  it('reads a string that does not start with "{" as a plain role value, even when it is JSON', () => {
    expect(call('SingleAppRoleAssignment', [['42']])).toBe('42');
    expect(rolesOf(['true', '"Reader"'])).toEqual([
      { id: '', value: 'true', displayName: 'true' },
      { id: '', value: '"Reader"', displayName: '"Reader"' },
    ]);
  });

  it('skips JSON objects without a string value', () => {
    expect(rolesOf(['{"id":"1"}', '{"value":5}', '{"value":"Admin"}'])).toEqual([
      { id: '', value: 'Admin', displayName: 'Admin' },
    ]);
  });

  it('takes id and displayName only when they are strings: no id is "", no name is the value', () => {
    expect(rolesOf(['{"value":"Admin","id":7,"displayName":3}'])).toEqual([
      { id: '', value: 'Admin', displayName: 'Admin' },
    ]);
    expect(rolesOf(['{"value":"Admin","id":"r1","displayName":"Administrators"}'])).toEqual([
      { id: 'r1', value: 'Admin', displayName: 'Administrators' },
    ]);
  });
});
