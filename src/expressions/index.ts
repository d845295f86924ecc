/**
 * The mapping-expression language: what the engine, the admin API and the CLI import.
 * docs/expression-syntax.md describes the language; docs/expressions.md the functions.
 */
export { compileExpression } from './compile-expression.js';
export type { CompileOptions, CompileResult, CompiledExpression } from './compile-expression.js';
export { createEvaluationContext } from './create-context.js';
export type { ContextOptions } from './create-context.js';
export { parseExpression } from './expression-parser.js';
export type { ParseResult } from './expression-parser.js';
export { checkExpression } from './expression-checker.js';
export type { CheckOptions } from './expression-checker.js';
export type * from './expression-ast.js';
export { DiagnosticCode, formatDiagnostic } from './expression-diagnostic.js';
export type { Diagnostic, DiagnosticCodeValue, SourceSpan } from './expression-diagnostic.js';
export { ExpressionLimits } from './expression-limits.js';
export { FlowSignal, isFlowSignal } from './value.js';
export type {
  EvaluationContext,
  ExprValue,
  ScalarValue,
  SourceAttributes,
  AppRoleAssignment,
} from './value.js';
export { ExpressionRuntimeError } from './functions/function-spec.js';
export type { FunctionSpec } from './functions/function-spec.js';
export { builtinFunctions } from './functions/index.js';
