import type { Diagnostic } from './expression-diagnostic.js';
import { DiagnosticCode, makeDiagnostic } from './expression-diagnostic.js';
import type { ExpressionNode } from './expression-ast.js';
import { parseExpression } from './expression-parser.js';
import { checkExpression } from './expression-checker.js';
import { compileTree } from './expression-compiler.js';
import type { FunctionSpec } from './functions/function-spec.js';
import { ExpressionRuntimeError } from './functions/function-spec.js';
import type { EvaluationContext, ExprValue, SourceAttributes } from './value.js';
import { defaultFunctions } from './default-functions.js';
import { FunctionAliases } from './named-constants.js';

export type { Diagnostic } from './expression-diagnostic.js';

/** Options for compiling one expression. */
export interface CompileOptions {
  /** The source schema's attribute names; when given, unknown `[attributes]` are diagnostics. */
  readonly sourceAttributes?: readonly string[];
  /** The function library (lower-cased name -> spec); defaults to the built-in functions. */
  readonly functions?: ReadonlyMap<string, FunctionSpec>;
}

/** A checked, compiled expression: compile once, evaluate per object. */
export interface CompiledExpression {
  readonly source: string;
  /** True when the expression's top is an asynchronous function (SelectUniqueValue). */
  readonly isAsync: boolean;
  /** The attribute names the expression reads, as written, without duplicates (case-insensitively). */
  readonly referencedAttributes: readonly string[];
  /**
   * True when the expression calls AssertiveAppRoleAssignmentsComplex: its result is the complete set
   * of roles, so the engine removes roles the target has beyond it.
   */
  readonly assertiveAppRoles: boolean;
  /** True when the expression calls Redact: the provisioning log shows "[Redact]" instead of the value. */
  readonly redacted: boolean;
  /** Evaluates synchronously; throws ExpressionRuntimeError when `isAsync`, or when a function fails. */
  evaluate(attributes: SourceAttributes, ctx: EvaluationContext): ExprValue;
  /** Evaluates any expression; the only way to evaluate one whose `isAsync` is true. */
  evaluateAsync(attributes: SourceAttributes, ctx: EvaluationContext): Promise<ExprValue>;
}

/** The outcome of compiling: the expression, or every diagnostic found, in source order. */
export type CompileResult =
  { ok: true; expression: CompiledExpression } | { ok: false; diagnostics: readonly Diagnostic[] };

/**
 * Parses, checks and compiles an Entra-style mapping expression. Never throws on any input: syntax
 * and checking problems come back as diagnostics with stable codes and line:column positions.
 */
export function compileExpression(source: string, options: CompileOptions = {}): CompileResult {
  if (typeof source !== 'string') {
    return {
      ok: false,
      diagnostics: [
        makeDiagnostic('', DiagnosticCode.empty, 'Expression must be a string', { start: 0, end: 0 }),
      ],
    };
  }
  const functions = options.functions ?? defaultFunctions;
  const parsed = parseExpression(source);
  const diagnostics = [...parsed.diagnostics];
  const root = parsed.expression;
  if (root) {
    diagnostics.push(
      ...checkExpression(source, root, {
        functions,
        ...(options.sourceAttributes ? { sourceAttributes: options.sourceAttributes } : {}),
      }),
    );
  }
  if (!root || diagnostics.length > 0) {
    diagnostics.sort((a, b) => a.span.start - b.span.start);
    return { ok: false, diagnostics };
  }
  const tree = compileTree(root, functions);
  const evaluate = tree.evaluate;
  const evaluateAsync =
    tree.evaluateAsync ??
    ((attributes: SourceAttributes, ctx: EvaluationContext): Promise<ExprValue> => {
      try {
        return Promise.resolve(evaluate(attributes, ctx));
      } catch (error) {
        return Promise.reject(
          error instanceof Error ? error : new ExpressionRuntimeError('expression', String(error)),
        );
      }
    });
  const facts = collectFacts(root);
  const expression: CompiledExpression = {
    source,
    isAsync: tree.evaluateAsync !== undefined,
    referencedAttributes: facts.attributes,
    assertiveAppRoles: facts.assertive,
    redacted: facts.redacted,
    evaluate,
    evaluateAsync,
  };
  return { ok: true, expression };
}

function collectFacts(root: ExpressionNode): { attributes: string[]; assertive: boolean; redacted: boolean } {
  const seen = new Map<string, string>();
  let assertive = false;
  let redacted = false;
  const visit = (node: ExpressionNode): void => {
    switch (node.kind) {
      case 'attribute':
        if (!seen.has(node.name.toLowerCase())) seen.set(node.name.toLowerCase(), node.name);
        return;
      case 'call':
        if (FunctionAliases.has(node.name.toLowerCase())) assertive = true;
        if (node.name.toLowerCase() === 'redact') redacted = true;
        for (const arg of node.args) if (arg.kind !== 'omitted') visit(arg);
        return;
      case 'comparison':
        visit(node.left);
        visit(node.right);
        return;
      default:
        return;
    }
  };
  visit(root);
  return { attributes: [...seen.values()], assertive, redacted };
}
