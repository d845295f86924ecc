/**
 * An application definition compiled once for the engine: each enabled object type's attribute
 * mappings and scoping filter, ready to run per object. Compiling is also the deepest check
 * `apps apply` makes of mappings and scope, so every problem comes back with the path where the
 * administrator wrote it (`objects.User.mappings[5].expression: ...`).
 */
import type { CompiledObjectMapping } from '../mapping/object-mapping.js';
import { compileObjectMapping } from '../mapping/object-mapping.js';
import type { CompiledScope } from '../scoping/compile-scope.js';
import { compileScope } from '../scoping/compile-scope.js';
import type { ConfigIssue } from '../source/config-issue.js';
import type { SourceSchemaOptions } from '../source/source-reader.js';
import type { AppDefinition, ObjectMappingDefinition } from './app-definition.js';

/** One object type, compiled. */
export interface CompiledObjectType {
  readonly definition: ObjectMappingDefinition;
  readonly mapping: CompiledObjectMapping;
  readonly scope: CompiledScope;
}

/** An app ready for the engine; an object type that is disabled is absent. */
export interface CompiledApp {
  readonly definition: AppDefinition;
  readonly User?: CompiledObjectType;
  readonly Group?: CompiledObjectType;
}

export type CompileAppResult =
  | { readonly ok: true; readonly app: CompiledApp }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/** Compiles every enabled object type; collects all problems rather than stopping at the first. */
export function compileApp(definition: AppDefinition, options: SourceSchemaOptions = {}): CompileAppResult {
  const issues: ConfigIssue[] = [];
  const compiled: { User?: CompiledObjectType; Group?: CompiledObjectType } = {};
  for (const objectType of ['User', 'Group'] as const) {
    const objectDefinition = definition.objects[objectType];
    if (!objectDefinition.enabled) continue;
    const kind = objectType === 'User' ? 'user' : 'group';
    const base = `objects.${objectType}`;
    const mapping = compileObjectMapping(
      kind,
      { mappings: objectDefinition.mappings },
      { ...options, path: `${base}.mappings` },
    );
    const scope = compileScope(kind, objectDefinition.scope, { ...options, path: `${base}.scope` });
    if (!mapping.ok) issues.push(...mapping.issues);
    if (!scope.ok) issues.push(...scope.issues);
    if (mapping.ok && scope.ok) {
      compiled[objectType] = { definition: objectDefinition, mapping: mapping.mapping, scope: scope.scope };
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, app: { definition, ...compiled } };
}
