/**
 * Bare names the language knows besides function calls. Entra's docs use the VBA compare constants
 * (`InStr("repEated", "e", 3, vbBinaryCompare)`) with their VBA values, and the two flow keywords
 * as values (`IIF(..., [department], IgnoreAttributeFlow)`). `True` and `False` are VBA's boolean
 * literals; Entra's docs pass booleans as strings, which works too.
 */
export const NamedConstants: ReadonlyMap<
  string,
  { readonly name: string; readonly value: number | boolean }
> = new Map(
  (
    [
      ['vbBinaryCompare', 0],
      ['vbTextCompare', 1],
      ['vbDatabaseCompare', 2],
      ['True', true],
      ['False', false],
    ] as const
  ).map(([name, value]) => [name.toLowerCase(), { name, value }]),
);

/** `IgnoreAttributeFlow` / `IgnoreObjectFlow`, keyed by lower-cased spelling. */
export const FlowKeywords: ReadonlyMap<
  string,
  { readonly name: string; readonly scope: 'attribute' | 'object' }
> = new Map([
  ['ignoreattributeflow', { name: 'IgnoreAttributeFlow', scope: 'attribute' }],
  ['ignoreobjectflow', { name: 'IgnoreObjectFlow', scope: 'object' }],
]);

/**
 * Function-like keywords: called like functions, answered by another function of the library.
 * `AssertiveAppRoleAssignmentsComplex([appRoleAssignments])` computes the same roles as
 * AppRoleAssignmentsComplex; "assertive" tells the engine the result is the complete set (roles
 * not in it are removed from the target), which CompiledExpression reports as `assertiveAppRoles`.
 */
export const FunctionAliases: ReadonlyMap<string, string> = new Map([
  ['assertiveapproleassignmentscomplex', 'approleassignmentscomplex'],
]);
