import { describe, expect, it } from 'vitest';
import { FlowKeywords, FunctionAliases, NamedConstants } from './named-constants.js';

describe('the named constants and keywords', () => {
  it('are the VBA compare constants with their VBA values and the boolean literals, by lower-cased name', () => {
    expect([...NamedConstants.entries()]).toEqual([
      ['vbbinarycompare', { name: 'vbBinaryCompare', value: 0 }],
      ['vbtextcompare', { name: 'vbTextCompare', value: 1 }],
      ['vbdatabasecompare', { name: 'vbDatabaseCompare', value: 2 }],
      ['true', { name: 'True', value: true }],
      ['false', { name: 'False', value: false }],
    ]);
  });

  it('spell the flow keywords as documented, with the scope each stops', () => {
    expect([...FlowKeywords.entries()]).toEqual([
      ['ignoreattributeflow', { name: 'IgnoreAttributeFlow', scope: 'attribute' }],
      ['ignoreobjectflow', { name: 'IgnoreObjectFlow', scope: 'object' }],
    ]);
  });

  it('answer AssertiveAppRoleAssignmentsComplex by AppRoleAssignmentsComplex', () => {
    expect([...FunctionAliases.entries()]).toEqual([
      ['assertiveapproleassignmentscomplex', 'approleassignmentscomplex'],
    ]);
  });
});
