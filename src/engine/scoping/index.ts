/** Entra-compatible scoping filters: compile once, evaluate per object with the reason. */
export { compileScope, describeScopeVerdict } from './compile-scope.js';
export type {
  ScopeConfig,
  ScopeClauseConfig,
  CompiledScope,
  CompileScopeResult,
  CompileScopeOptions,
  ScopeVerdict,
  ScopeReason,
  ClauseFailure,
} from './compile-scope.js';
export { SCOPE_OPERATORS, findScopeOperator, takesValue } from './scoping-operators.js';
export type { ScopeOperator } from './scoping-operators.js';
