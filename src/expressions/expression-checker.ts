import type { ArgumentNode, CallNode, ExpressionNode } from './expression-ast.js';
import type { Diagnostic, DiagnosticCodeValue, SourceSpan } from './expression-diagnostic.js';
import { DiagnosticCode, makeDiagnostic } from './expression-diagnostic.js';
import { spellsNumber } from './functions/coerce.js';
import type { FunctionSpec, LiteralProblem, ParamKind, ParamSpec } from './functions/function-spec.js';
import type { ExprValue } from './value.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { FlowKeywords, FunctionAliases, NamedConstants } from './named-constants.js';

/** What the checker checks against. */
export interface CheckOptions {
  /** The function library, keyed by lower-cased name. */
  readonly functions: ReadonlyMap<string, FunctionSpec>;
  /**
   * The source schema's attribute names. When given, `[name]` must match one case-insensitively;
   * `[manager.displayName]` and `[urn:...:User:employeeNumber]` also pass when the part before a
   * `.` or the last `:` matches (the value lives inside that attribute).
   */
  readonly sourceAttributes?: readonly string[];
}

/** Finds the function a call names, following function-like keywords to the function that answers them. */
export function resolveFunction(
  functions: ReadonlyMap<string, FunctionSpec>,
  name: string,
): FunctionSpec | undefined {
  const lower = name.toLowerCase();
  const direct = functions.get(lower);
  if (direct) return direct;
  const alias = FunctionAliases.get(lower);
  return alias === undefined ? undefined : functions.get(alias);
}

/**
 * The number of arguments a function accepts (`max` is Infinity for an open list): the spec's own
 * `arity` when it has one, else derived from `params`.
 */
export function arity(spec: FunctionSpec): { min: number; max: number } {
  if (spec.arity) return { min: spec.arity.min, max: spec.arity.max ?? Number.POSITIVE_INFINITY };
  let min = 0;
  spec.params.forEach((param, i) => {
    if (!param.optional) min = i + 1;
  });
  const variadic = spec.params.some((param) => param.variadic);
  return { min, max: variadic ? Number.POSITIVE_INFINITY : spec.params.length };
}

/** Where the repeating tail starts and how many parameters repeat together (Switch: key, value). */
function variadicTail(spec: FunctionSpec): { start: number; size: number } | undefined {
  const size = spec.variadicGroupSize ?? 1;
  const last = spec.params[spec.params.length - 1];
  if (!last?.variadic || size < 1) return undefined;
  return { start: Math.max(0, spec.params.length - size), size };
}

/** The parameter an argument position binds to (the variadic tail repeats for all the rest). */
export function paramAt(spec: FunctionSpec, position: number): ParamSpec | undefined {
  const tail = variadicTail(spec);
  if (!tail || position < tail.start) return spec.params[position];
  return spec.params[tail.start + ((position - tail.start) % tail.size)];
}

/** The value of a literal argument, for a spec's `checkLiterals`; undefined when computed or omitted. */
function literalValue(node: ArgumentNode): ExprValue | undefined {
  switch (node.kind) {
    case 'string':
    case 'number':
    case 'constant':
      return node.value;
    default:
      return undefined;
  }
}

/**
 * Checks a parsed expression against the function library and, optionally, the source schema:
 * unknown functions (with a suggestion), argument counts, empty required arguments, literals of the
 * wrong type, unknown attributes, and asynchronous functions below the top. Returns every finding.
 */
export function checkExpression(source: string, root: ExpressionNode, options: CheckOptions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (code: DiagnosticCodeValue, message: string, span: SourceSpan): void => {
    diagnostics.push(makeDiagnostic(source, code, message, span));
  };
  const knownAttributes = options.sourceAttributes
    ? new Set(options.sourceAttributes.map((name) => name.toLowerCase()))
    : undefined;
  const functionNames = (): string[] => [...options.functions.values()].map((spec) => spec.name);

  const visit = (node: ArgumentNode, isRoot: boolean): void => {
    switch (node.kind) {
      case 'call':
        checkCall(node, isRoot);
        for (const arg of node.args) visit(arg, false);
        return;
      case 'comparison':
        visit(node.left, false);
        visit(node.right, false);
        return;
      case 'attribute':
        if (knownAttributes && options.sourceAttributes && !isKnownAttribute(node.name, knownAttributes)) {
          const suggestion = didYouMean(node.name, options.sourceAttributes);
          report(
            DiagnosticCode.unknownAttribute,
            `Unknown attribute [${node.name}]${suggestion ? ` - did you mean [${suggestion}]?` : ''}`,
            node.span,
          );
        }
        return;
      case 'string':
      case 'number':
      case 'constant':
      case 'flow':
      case 'omitted':
      case 'invalid':
        return;
      default:
        return assertNever(node);
    }
  };

  const checkCall = (node: CallNode, isRoot: boolean): void => {
    const spec = resolveFunction(options.functions, node.name);
    if (!spec) {
      const lower = node.name.toLowerCase();
      const bare = FlowKeywords.get(lower) ?? NamedConstants.get(lower);
      const suggestion = bare ? undefined : didYouMean(node.name, functionNames());
      report(
        DiagnosticCode.unknownFunction,
        bare
          ? `${bare.name} is a keyword, not a function: write it without parentheses`
          : `Unknown function '${node.name}'${suggestion ? ` - did you mean '${suggestion}'?` : ''}`,
        node.nameSpan,
      );
      return;
    }
    if (spec.async && !isRoot) {
      report(
        DiagnosticCode.asyncNotTopLevel,
        `${spec.name} must be the whole expression; it cannot be nested inside another call or comparison`,
        node.nameSpan,
      );
    }
    const { min, max } = arity(spec);
    const count = node.args.length;
    if (count < min || count > max) {
      const expected =
        max === Number.POSITIVE_INFINITY ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
      report(
        DiagnosticCode.argumentCount,
        `${spec.name} takes ${expected} argument${expected === '1' ? '' : 's'} but got ${count}`,
        node.span,
      );
    } else {
      const tail = variadicTail(spec);
      if (tail && tail.size > 1 && count > tail.start && (count - tail.start) % tail.size !== 0) {
        const names = spec.params.slice(tail.start).map((param) => param.name);
        report(
          DiagnosticCode.argumentCount,
          `${spec.name} takes its arguments after the first ${tail.start} in groups of ${tail.size} (${names.join(', ')}) but got ${count - tail.start}`,
          node.span,
        );
      }
    }
    node.args.forEach((arg, position) => {
      const param = paramAt(spec, position);
      if (!param) return;
      if (arg.kind === 'omitted') {
        if (!param.optional) {
          report(
            DiagnosticCode.missingArgument,
            `Argument ${position + 1} of ${spec.name} (${param.name}) is required`,
            arg.span,
          );
        }
        return;
      }
      const problem = literalTypeProblem(arg, param.kind);
      if (problem) {
        report(
          DiagnosticCode.argumentType,
          `Argument ${position + 1} of ${spec.name} (${param.name}) must be a ${param.kind}: ${problem}`,
          arg.span,
        );
      }
    });
    if (spec.checkLiterals) {
      let problems: readonly LiteralProblem[] = [];
      try {
        problems = spec.checkLiterals(node.args.map(literalValue));
      } catch (error) {
        problems = [{ argumentIndex: -1, message: error instanceof Error ? error.message : String(error) }];
      }
      for (const problem of problems) {
        const arg = node.args[problem.argumentIndex];
        report(DiagnosticCode.invalidLiteral, `${spec.name}: ${problem.message}`, arg ? arg.span : node.span);
      }
    }
  };

  visit(root, true);
  return diagnostics;
}

/**
 * Why a literal argument cannot serve as a parameter of this kind, or undefined when it can (or is
 * not a literal: computed values are converted, or rejected, at run time by the function).
 * Strings that spell a number or a boolean pass, as Entra converts them.
 */
function literalTypeProblem(node: ExpressionNode, kind: ParamKind): string | undefined {
  switch (kind) {
    case 'any':
    case 'string':
      return undefined;
    case 'number':
      if (node.kind === 'string' && !spellsNumber(node.value)) {
        return `"${node.value}" is not a number`;
      }
      if (node.kind === 'constant' && typeof node.value === 'boolean') return `${node.name} is not a number`;
      if (node.kind === 'flow') return 'a flow keyword is not a number';
      return undefined;
    case 'boolean':
      if (node.kind === 'string' && !/^(true|false)$/i.test(node.value.trim())) {
        return `"${node.value}" is not True or False`;
      }
      if (node.kind === 'flow') return 'a flow keyword is not a boolean';
      return undefined;
    default:
      return assertNever(kind);
  }
}

function isKnownAttribute(name: string, known: ReadonlySet<string>): boolean {
  const lower = name.toLowerCase();
  if (known.has(lower)) return true;
  for (let i = 0; i < lower.length; i++) {
    const ch = lower[i];
    if ((ch === '.' || ch === ':') && known.has(lower.slice(0, i))) return true;
  }
  return false;
}

function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
