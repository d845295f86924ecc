import { describe, expect, it } from 'vitest';
import { call, testContext } from './test-helper.js';

const assignments = [
  { id: '06b07648-ecfe-589f-9d2f-6325724a46ee', value: 'Admin', displayName: 'Admin' },
  { id: '06b07648-ecfe-599f-9d2f-6325724a46ee', value: 'User', displayName: 'User' },
];
const ctx = { ...testContext(), appRoleAssignments: assignments };

describe('app role functions', () => {
  it('AppRoleAssignmentsComplex returns every role in the PATCH form Entra documents', () => {
    expect(call('AppRoleAssignmentsComplex', [null], ctx)).toEqual([
      '{"id":"06b07648-ecfe-589f-9d2f-6325724a46ee","value":"Admin","displayName":"Admin"}',
      '{"id":"06b07648-ecfe-599f-9d2f-6325724a46ee","value":"User","displayName":"User"}',
    ]);
  });
  it('AssertiveAppRoleAssignmentsComplex returns SCIM role objects, and [] when no roles remain', () => {
    expect(call('AssertiveAppRoleAssignmentsComplex', [null], ctx)).toEqual([
      '{"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"Admin","value":"Admin"}',
      '{"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"User","value":"User"}',
    ]);
    expect(call('AssertiveAppRoleAssignmentsComplex', [null], testContext())).toEqual([]);
  });
  it('SingleAppRoleAssignment returns the first role value', () => {
    expect(call('SingleAppRoleAssignment', [null], ctx)).toBe('Admin');
    expect(call('SingleAppRoleAssignment', [null], testContext())).toBeNull();
  });
  it('reads the argument when the context has no assignments', () => {
    expect(call('SingleAppRoleAssignment', [['Reader', 'Writer']])).toBe('Reader');
    expect(
      call('AppRoleAssignmentsComplex', ['{"id":"1","value":"Admin","displayName":"Administrators"}']),
    ).toEqual(['{"id":"1","value":"Admin","displayName":"Administrators"}']);
    expect(call('AppRoleAssignmentsComplex', [null])).toBeNull();
  });
});
