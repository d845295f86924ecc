/**
 * Evaluates a mapping expression outside a cycle: what `provisio expr` and the admin API's
 * `POST /expressions/evaluate` (the console's expression editor) both call. Against inline
 * attributes, or against a directory user read the way a mapping reads it (Entra's attribute names
 * and SCIM paths through the engine's source readers). Diagnostics keep their span and the
 * did-you-mean the checker offers, so the editor can underline and suggest.
 */
import type { DirectoryStore } from '../../directory/directory-store.js';
import { findUser } from './find-user.js';
import { compileSourceReader, knownSourceNames } from '../source/source-reader.js';
import { plainSourceValue } from '../source/source-object.js';
import { compileExpression, type CompiledExpression } from '../../expressions/compile-expression.js';
import { createEvaluationContext } from '../../expressions/create-context.js';
import { FlowSignal, type EvaluationContext } from '../../expressions/value.js';
import type { JsonObject, JsonValue } from '../../shared/json.js';

export interface ExpressionDiagnosticView {
  readonly code: string;
  readonly message: string;
  /** Offsets into the expression (UTF-16 code units), `expression.slice(start, end)`. */
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
  /** The name the checker suggests for a misspelt function or attribute. */
  readonly suggestion?: string;
}

/** One evaluation's result: a value (null when a flow signal stops it, which `flow` names) or the error. */
export type EvaluationResult =
  | {
      readonly ok: true;
      readonly value: JsonValue;
      readonly flow?: 'IgnoreAttributeFlow' | 'IgnoreObjectFlow';
    }
  | { readonly ok: false; readonly error: string };

export type ExpressionOutcome =
  | EvaluationResult
  | { readonly ok: false; readonly diagnostics: readonly ExpressionDiagnosticView[] }
  | { readonly ok: false; readonly userNotFound: string };

/** How an evaluation may be pinned: the clock, the randomness (Guid, RandomString), taken values. */
export interface EvaluationSettings {
  /** Default: the real time. */
  readonly now?: Date;
  /** Default: a random seed. */
  readonly seed?: number;
  /** Values already present in the target (SelectUniqueValue); default none. */
  readonly taken?: readonly string[];
}

export function evaluationContext(settings: EvaluationSettings = {}): EvaluationContext {
  return createEvaluationContext({
    now: settings.now ?? new Date(),
    seed: settings.seed ?? Math.floor(Math.random() * 2 ** 32),
    taken: [...(settings.taken ?? [])],
  });
}

/** Evaluates a compiled expression once; a function's error is a result, not a throw. */
export async function evaluateCompiled(
  expression: CompiledExpression,
  attributes: Readonly<Record<string, unknown>>,
  context: EvaluationContext,
): Promise<EvaluationResult> {
  try {
    const value = await expression.evaluateAsync(attributes, context);
    if (value === FlowSignal.ignoreAttribute) return { ok: true, value: null, flow: 'IgnoreAttributeFlow' };
    if (value === FlowSignal.ignoreObject) return { ok: true, value: null, flow: 'IgnoreObjectFlow' };
    return { ok: true, value: value as JsonValue };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** `did you mean 'Join'?` or `did you mean [surname]?` at the end of a checker message. */
const SUGGESTION = /did you mean (?:'([^']+)'|\[([^\]]+)\])\?$/;

export async function evaluateExpression(
  directory: Pick<DirectoryStore, 'get' | 'list'>,
  request: { readonly expression: string; readonly user?: string; readonly attributes?: JsonObject },
  settings: EvaluationSettings = {},
): Promise<ExpressionOutcome> {
  // Attribute names are checked only against a directory user, whose names are known; inline
  // attributes are the caller's own, as with `provisio expr --attrs`.
  const compiled = compileExpression(
    request.expression,
    request.user !== undefined ? { sourceAttributes: knownSourceNames('user') } : {},
  );
  if (!compiled.ok) {
    return {
      ok: false,
      diagnostics: compiled.diagnostics.map((d) => {
        const match = SUGGESTION.exec(d.message);
        const suggestion = match?.[1] ?? match?.[2];
        return {
          code: d.code,
          message: d.message,
          start: d.span.start,
          end: d.span.end,
          line: d.line,
          column: d.column,
          ...(suggestion !== undefined ? { suggestion } : {}),
        };
      }),
    };
  }
  let attributes: Record<string, unknown> = { ...request.attributes };
  if (request.user !== undefined) {
    const user = await findUser(directory, request.user);
    if (user === undefined) return { ok: false, userNotFound: request.user };
    const source = {
      kind: 'user' as const,
      resource: { ...user.attributes, id: user.id },
      context: { assigned: true, inScope: true },
    };
    const read: Record<string, unknown> = {};
    for (const name of compiled.expression.referencedAttributes) {
      read[name] = plainSourceValue(compileSourceReader('user', name)(source));
    }
    attributes = { ...read, ...request.attributes };
  }
  return evaluateCompiled(compiled.expression, attributes, evaluationContext(settings));
}
