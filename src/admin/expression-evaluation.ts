/**
 * Evaluates a mapping expression for the console's expression editor, as `provisio expr` does:
 * against inline attributes, or against a directory user read the way a mapping reads it (Entra's
 * attribute names and SCIM paths through the engine's source readers). Diagnostics keep their
 * span and the did-you-mean the checker offers, so the editor can underline and suggest.
 */
import type { DirectoryStore, StoredResource } from '../directory/directory-store.js';
import { compileSourceReader, knownSourceNames } from '../engine/source/source-reader.js';
import { plainSourceValue } from '../engine/source/source-object.js';
import { compileExpression } from '../expressions/compile-expression.js';
import { createEvaluationContext } from '../expressions/create-context.js';
import { FlowSignal } from '../expressions/value.js';
import { parseFilter } from '../scim/filter/filter-parser.js';
import type { JsonObject, JsonValue } from '../shared/json.js';

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

export type ExpressionOutcome =
  | {
      readonly ok: true;
      readonly value: JsonValue;
      readonly flow?: 'IgnoreAttributeFlow' | 'IgnoreObjectFlow';
    }
  | { readonly ok: false; readonly diagnostics: readonly ExpressionDiagnosticView[] }
  | { readonly ok: false; readonly error: string }
  | { readonly ok: false; readonly userNotFound: string };

/** `did you mean 'Join'?` or `did you mean [surname]?` at the end of a checker message. */
const SUGGESTION = /did you mean (?:'([^']+)'|\[([^\]]+)\])\?$/;

export async function evaluateExpression(
  directory: Pick<DirectoryStore, 'get' | 'list'>,
  request: { readonly expression: string; readonly user?: string; readonly attributes?: JsonObject },
  now: Date = new Date(),
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
  const context = createEvaluationContext({ now, seed: Math.floor(Math.random() * 2 ** 32), taken: [] });
  try {
    const value = await compiled.expression.evaluateAsync(attributes, context);
    if (value === FlowSignal.ignoreAttribute) return { ok: true, value: null, flow: 'IgnoreAttributeFlow' };
    if (value === FlowSignal.ignoreObject) return { ok: true, value: null, flow: 'IgnoreObjectFlow' };
    return { ok: true, value: value as JsonValue };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** A user by directory id, else by userName (case-insensitive, as SCIM compares it). */
export async function findUser(
  directory: Pick<DirectoryStore, 'get' | 'list'>,
  ref: string,
): Promise<StoredResource | undefined> {
  const options = { includeMembers: false, includeGroups: true };
  const byId = await directory.get('User', ref, options);
  if (byId !== undefined) return byId;
  const filter = parseFilter(`userName eq ${JSON.stringify(ref)}`);
  return (await directory.list('User', { filter, startIndex: 1, count: 1, ...options })).resources[0];
}
