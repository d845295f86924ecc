/**
 * Attribute mappings compiled once per object mapping, then applied per object. Each mapping takes
 * a source attribute, a constant or an expression to a target path, Entra's way:
 * - "Apply this mapping": `always`, or `onCreate` (only when the object is created in the target);
 * - "Default value if null": used when the source is null, and only on create (Entra does not use
 *   it to update an existing object);
 * - matching attributes with a precedence 1..n, the order in which the engine tries them to find the
 *   object in the target; their values come back in that order, whatever the operation;
 * - IgnoreFlowIfNullOrEmpty / IgnoreAttributeFlow leave the target attribute out of the flow;
 *   IgnoreObjectFlow skips the object;
 * - a value produced through Redact() is sent, but its target path is listed as redacted so the
 *   provisioning log shows "[Redact]" instead.
 * References (manager, members) stay SourceReference markers in the output, listed in `references`,
 * for the engine to replace with target ids.
 */
import type { JsonObject, JsonValue } from '../../shared/json.js';
import type {
  CompiledExpression,
  EvaluationContext,
  ExprValue,
  FunctionSpec,
  SourceAttributes,
} from '../../expressions/index.js';
import {
  ExpressionRuntimeError,
  FlowSignal,
  compileExpression,
  createEvaluationContext,
  isFlowSignal,
} from '../../expressions/index.js';
import type { ConfigIssue } from '../source/config-issue.js';
import { SourceNameError } from '../source/config-issue.js';
import type { SourceKind, SourceObject, SourceValue } from '../source/source-object.js';
import { isSourceReference, plainSourceValue } from '../source/source-object.js';
import type { SourceReader, SourceSchemaOptions } from '../source/source-reader.js';
import { compileSourceReader, knownSourceNames } from '../source/source-reader.js';
import { findEntraAlias } from '../source/entra-aliases.js';
import type { TargetPath } from './target-path.js';
import { coerceToTargetType, compileTargetPath, targetTypeOf, writeTargetValue } from './target-path.js';
import type { TargetType } from './target-path.js';
import type { AttributeResolver } from '../../scim/schema/schema-types.js';
import { SchemaRegistry } from '../../scim/schema/schema-registry.js';

/** One attribute mapping as an administrator writes it: exactly one of source, constant, expression. */
export interface AttributeMappingConfig {
  readonly target: string;
  /** Direct mapping: a source attribute (Entra name or SCIM path). */
  readonly source?: string;
  /** Constant mapping. */
  readonly constant?: string;
  /** Expression mapping (docs/expression-syntax.md). */
  readonly expression?: string;
  /** Entra's "Apply this mapping"; `always` by default. */
  readonly apply?: 'always' | 'onCreate';
  /** Entra's "Default value if null"; applies on create only. */
  readonly defaultValue?: string;
  /** Present for a matching attribute: its matching precedence, 1 first. */
  readonly matchingPrecedence?: number;
}

/** The attribute mappings of one object type (users or groups) to one app. */
export interface ObjectMappingConfig {
  readonly mappings: readonly AttributeMappingConfig[];
}

/** Options of compileObjectMapping. */
export interface CompileMappingOptions extends SourceSchemaOptions {
  /** The function library; defaults to the built-in functions. */
  readonly functions?: ReadonlyMap<string, FunctionSpec>;
  /** Prefix of issue paths; `mappings` by default. */
  readonly path?: string;
  /**
   * The target's schema, to send string results as the declared boolean or number type; defaults
   * to RFC 7643's User (with EnterpriseUser) or Group. `null` sends values as they come.
   */
  readonly targetSchema?: AttributeResolver | null;
}

/** What the engine creates or updates. */
export type MappingOperation = 'create' | 'update';

/** Options of one mapObject call. */
export interface MapObjectOptions {
  readonly operation: MappingOperation;
  /**
   * Clock, randomness and the target's uniqueness answers for expressions. Defaults to a
   * deterministic context (fixed clock, seeded randomness); production supplies a real one.
   */
  readonly evaluation?: EvaluationContext;
}

/** A matching attribute's value for this object. */
export interface MatchingValue {
  readonly target: string;
  readonly precedence: number;
  /** Null when the object has no value for it: the engine then tries the next one. */
  readonly value: SourceValue;
  readonly redacted: boolean;
}

/** The result of mapping one object. */
export interface MappedObject {
  /** True when an expression returned IgnoreObjectFlow: nothing is provisioned. */
  readonly skip: boolean;
  /** The target object: nested JSON, `null` leaves meaning "clear" (updates only). */
  readonly target: JsonObject;
  /** Target paths whose values came through Redact(): logs must not show them. */
  readonly redactedPaths: readonly string[];
  /** Matching attributes in precedence order. */
  readonly matching: readonly MatchingValue[];
  /** Target paths whose values are SourceReference markers (or lists of them) to resolve. */
  readonly references: readonly string[];
  /** Expressions that failed for this object, at `mappings[i].expression`; the object must not be exported. */
  readonly errors: readonly ConfigIssue[];
}

/** A compiled object mapping. */
export interface CompiledObjectMapping {
  readonly kind: SourceKind;
  /** True when an expression is asynchronous (SelectUniqueValue): use mapObjectAsync. */
  readonly isAsync: boolean;
  /** Target paths in mapping order. */
  readonly targets: readonly string[];
  mapObject(source: SourceObject, options: MapObjectOptions): MappedObject;
  mapObjectAsync(source: SourceObject, options: MapObjectOptions): Promise<MappedObject>;
}

/** The compiled mapping, or every problem found. */
export type CompileMappingResult =
  | { readonly ok: true; readonly mapping: CompiledObjectMapping }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

type Evaluate = (
  source: SourceObject,
  attributes: SourceAttributes,
  ctx: EvaluationContext,
) => ExprValue | SourceValue;

interface CompiledAttributeMapping {
  readonly index: number;
  readonly path: string;
  readonly target: TargetPath;
  readonly targetType: TargetType;
  readonly onCreateOnly: boolean;
  readonly defaultValue: string | undefined;
  readonly precedence: number | undefined;
  /** Position among the matching attributes in precedence order; -1 when not one. */
  matchingRank: number;
  readonly redacted: boolean;
  readonly evaluate: Evaluate;
  /** Only Entra's manager and members aliases yield references; other values skip the check. */
  readonly mayReference: boolean;
  readonly expression?: CompiledExpression;
}

const defaultContext = createEvaluationContext();

let coreSchemas: SchemaRegistry | undefined;

function defaultTargetSchema(kind: SourceKind): AttributeResolver {
  coreSchemas ??= SchemaRegistry.withCoreSchemas();
  return coreSchemas.resolver(kind === 'user' ? 'User' : 'Group');
}

/** Compiles an object mapping for sources of `kind`; never throws on bad configuration. */
export function compileObjectMapping(
  kind: SourceKind,
  config: ObjectMappingConfig,
  options: CompileMappingOptions = {},
): CompileMappingResult {
  const base = options.path ?? 'mappings';
  if (typeof config !== 'object' || config === null || !Array.isArray(config.mappings)) {
    return { ok: false, issues: [{ path: base, message: 'must be a list of attribute mappings' }] };
  }
  const issues: ConfigIssue[] = [];
  const compiled: CompiledAttributeMapping[] = [];
  const readers = new Map<string, { name: string; read: SourceReader }>();
  const targetKeys = new Map<string, string>();
  const wholeTops = new Map<string, string>();
  const partTops = new Map<string, string>();
  const precedences = new Map<number, string>();
  let known: string[] | undefined;
  const targetSchema =
    options.targetSchema === undefined ? defaultTargetSchema(kind) : (options.targetSchema ?? undefined);

  config.mappings.forEach((mapping: AttributeMappingConfig, index: number) => {
    const path = `${base}[${index}]`;
    if (typeof mapping !== 'object' || mapping === null) {
      issues.push({ path, message: 'must be an object with a target and a source, constant or expression' });
      return;
    }
    let target: TargetPath | undefined;
    try {
      target = compileTargetPath(mapping.target);
    } catch (error) {
      issues.push({ path: `${path}.target`, message: (error as Error).message });
    }
    if (target) {
      const earlier = targetKeys.get(target.key);
      const whole = target.sub === undefined && target.entry === undefined;
      const clash = earlier ?? (whole ? partTops.get(target.topKey) : wholeTops.get(target.topKey));
      if (clash !== undefined) {
        issues.push({ path: `${path}.target`, message: `'${target.text}' overlaps the target of ${clash}` });
      }
      targetKeys.set(target.key, path);
      (whole ? wholeTops : partTops).set(target.topKey, path);
    }
    const kinds = (['source', 'constant', 'expression'] as const).filter((k) => mapping[k] !== undefined);
    if (kinds.length !== 1) {
      issues.push({
        path,
        message:
          kinds.length === 0
            ? 'needs a source, a constant or an expression'
            : `takes one of source, constant and expression, not ${kinds.join(' and ')}`,
      });
      return;
    }
    const apply = mapping.apply ?? 'always';
    if (apply !== 'always' && apply !== 'onCreate') {
      issues.push({
        path: `${path}.apply`,
        message: `must be 'always' or 'onCreate', not '${String(apply)}'`,
      });
    }
    if (mapping.defaultValue !== undefined && typeof mapping.defaultValue !== 'string') {
      issues.push({ path: `${path}.defaultValue`, message: 'must be a string' });
    }
    const precedence = mapping.matchingPrecedence;
    if (precedence !== undefined) {
      if (!Number.isInteger(precedence) || precedence < 1) {
        issues.push({ path: `${path}.matchingPrecedence`, message: 'must be a whole number from 1' });
      } else if (precedences.has(precedence)) {
        issues.push({
          path: `${path}.matchingPrecedence`,
          message: `precedence ${precedence} is already taken by ${precedences.get(precedence)}`,
        });
      } else precedences.set(precedence, path);
    }
    let evaluate: Evaluate | undefined;
    let mayReference = false;
    let expression: CompiledExpression | undefined;
    const which = kinds[0]!;
    if (which === 'source') {
      if (typeof mapping.source !== 'string') {
        issues.push({ path: `${path}.source`, message: 'must be a source attribute name' });
      } else {
        try {
          evaluate = compileSourceReader(kind, mapping.source, options);
          mayReference = findEntraAlias(kind, mapping.source)?.source.kind === 'special';
        } catch (error) {
          if (!(error instanceof SourceNameError)) throw error;
          issues.push({ path: `${path}.source`, message: error.message });
        }
      }
    } else if (which === 'constant') {
      const constant = mapping.constant;
      if (typeof constant !== 'string')
        issues.push({ path: `${path}.constant`, message: 'must be a string' });
      else evaluate = () => constant;
    } else {
      known ??= knownSourceNames(kind, options);
      const result = compileExpression(mapping.expression as string, {
        sourceAttributes: known,
        ...(options.functions ? { functions: options.functions } : {}),
      });
      if (!result.ok) {
        for (const d of result.diagnostics) {
          issues.push({ path: `${path}.expression`, message: diagnosticText(d.message, d.line, d.column) });
        }
      } else {
        expression = result.expression;
        let attributesOk = true;
        for (const name of expression.referencedAttributes) {
          if (readers.has(name)) continue;
          try {
            readers.set(name, { name, read: compileSourceReader(kind, name, options) });
          } catch (error) {
            if (!(error instanceof SourceNameError)) throw error;
            issues.push({ path: `${path}.expression`, message: `[${name}]: ${error.message}` });
            attributesOk = false;
          }
        }
        const evaluateExpression = expression.evaluate;
        if (attributesOk) evaluate = (_source, attributes, ctx) => evaluateExpression(attributes, ctx);
      }
    }
    if (kind === 'group' && target && writesMembership(target)) {
      const fromMembers =
        which === 'source' &&
        mayReference &&
        typeof mapping.source === 'string' &&
        mapping.source.toLowerCase() === 'members' &&
        target.sub === undefined &&
        target.entry === undefined;
      if (!fromMembers) {
        // Anything else would be replaced by the members the engine works out, without a word.
        issues.push({
          path: `${path}.target`,
          message:
            `'${target.text}' is the group's membership, which is provisioned from the directory's ` +
            `members (references resolved to the members' accounts); map it only as ` +
            `{ target: members, source: members }`,
        });
        return;
      }
    }
    if (!target || !evaluate) return;
    compiled.push({
      index,
      path,
      target,
      targetType: targetTypeOf(target, targetSchema),
      onCreateOnly: apply === 'onCreate',
      defaultValue: typeof mapping.defaultValue === 'string' ? mapping.defaultValue : undefined,
      precedence: Number.isInteger(precedence) && (precedence as number) >= 1 ? precedence : undefined,
      matchingRank: -1,
      redacted: expression?.redacted ?? false,
      evaluate,
      mayReference,
      ...(expression ? { expression } : {}),
    });
  });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, mapping: buildMapping(kind, compiled, [...readers.values()]) };
}

/** `Unknown function 'Jion' - did you mean 'Join'?` at 1:1 -> `unknown function 'Jion' at 1:1, did you mean 'Join'?`. */
/** The core Group `members` attribute (or a part of it), by name or with the Group URN. */
function writesMembership(target: TargetPath): boolean {
  return (
    target.attribute.toLowerCase() === 'members' &&
    (target.urn === undefined || target.urn.toLowerCase() === 'urn:ietf:params:scim:schemas:core:2.0:group')
  );
}

function diagnosticText(message: string, line: number, column: number): string {
  const split = / - (did you mean .*)$/u.exec(message);
  const head = split ? message.slice(0, split.index) : message;
  const lead = head.charAt(0).toLowerCase() + head.slice(1);
  return `${lead} at ${line}:${column}${split ? `, ${split[1]}` : ''}`;
}

function buildMapping(
  kind: SourceKind,
  mappings: readonly CompiledAttributeMapping[],
  readers: readonly { name: string; read: SourceReader }[],
): CompiledObjectMapping {
  const isAsync = mappings.some((m) => m.expression?.isAsync === true);
  const matchingOrder = mappings
    .filter((m) => m.precedence !== undefined)
    .sort((a, b) => (a.precedence as number) - (b.precedence as number));
  const hasMatching = matchingOrder.length > 0;
  matchingOrder.forEach((m, rank) => {
    m.matchingRank = rank;
  });

  const attributesOf = (source: SourceObject): SourceAttributes => {
    const attributes: Record<string, unknown> = {};
    for (const { name, read } of readers) attributes[name] = plainSourceValue(read(source));
    return attributes;
  };
  const contextOf = (source: SourceObject, options: MapObjectOptions): EvaluationContext => {
    const base = options.evaluation ?? defaultContext;
    const roles = source.context.appRoleAssignments;
    return roles ? { ...base, appRoleAssignments: roles } : base;
  };

  const assemble = (
    values: readonly (ExprValue | SourceValue | Failure)[],
    operation: MappingOperation,
  ): MappedObject => {
    const target: JsonObject = {};
    const redactedPaths: string[] = [];
    const references: string[] = [];
    const errors: ConfigIssue[] = [];
    const matchingValues = hasMatching
      ? new Array<MatchingValue | undefined>(matchingOrder.length)
      : undefined;
    const create = operation === 'create';
    for (let i = 0; i < mappings.length; i++) {
      const m = mappings[i]!;
      const raw = values[i];
      if (raw instanceof Failure) {
        errors.push({ path: `${m.path}.expression`, message: raw.message });
        continue;
      }
      if (raw === SKIPPED) continue;
      if (isFlowSignal(raw)) {
        if (raw === FlowSignal.ignoreObject) return skipped();
        continue;
      }
      let value = m.expression ? toSourceValue(raw as ExprValue) : (raw as SourceValue);
      if (value === null && create && m.defaultValue !== undefined) value = m.defaultValue;
      if (m.targetType !== undefined) value = coerceToTargetType(value as JsonValue, m.targetType);
      if (matchingValues && m.precedence !== undefined) {
        matchingValues[m.matchingRank] = {
          target: m.target.text,
          precedence: m.precedence,
          value,
          redacted: m.redacted,
        };
      }
      if (m.onCreateOnly && !create) continue;
      // Nothing to clear on a new object.
      if (value === null && create) continue;
      writeTargetValue(target, m.target, value as JsonValue);
      if (m.redacted) redactedPaths.push(m.target.text);
      if (m.mayReference && isReferenceValue(value)) references.push(m.target.text);
    }
    const matching: MatchingValue[] = [];
    if (matchingValues) for (const found of matchingValues) if (found) matching.push(found);
    return { skip: false, target, redactedPaths, matching, references, errors };
  };

  const needed = (m: CompiledAttributeMapping, operation: MappingOperation): boolean =>
    !(m.onCreateOnly && operation === 'update' && m.precedence === undefined);

  return {
    kind,
    isAsync,
    targets: mappings.map((m) => m.target.text),
    mapObject(source, options) {
      const attributes = readers.length > 0 ? attributesOf(source) : EMPTY_ATTRIBUTES;
      const ctx = contextOf(source, options);
      const values: (ExprValue | SourceValue | Failure)[] = new Array(mappings.length);
      for (let i = 0; i < mappings.length; i++) {
        const m = mappings[i]!;
        if (!needed(m, options.operation)) {
          values[i] = SKIPPED;
          continue;
        }
        if (m.expression?.isAsync) {
          values[i] = new Failure(
            `${m.expression.source} is asynchronous (SelectUniqueValue): map with mapObjectAsync`,
          );
          continue;
        }
        try {
          values[i] = m.evaluate(source, attributes, ctx);
        } catch (error) {
          values[i] = failureOf(error);
        }
        if (values[i] === FlowSignal.ignoreObject) return skipped();
      }
      return assemble(values, options.operation);
    },
    async mapObjectAsync(source, options) {
      const attributes = readers.length > 0 ? attributesOf(source) : EMPTY_ATTRIBUTES;
      const ctx = contextOf(source, options);
      const values: (ExprValue | SourceValue | Failure)[] = new Array(mappings.length);
      for (let i = 0; i < mappings.length; i++) {
        const m = mappings[i]!;
        if (!needed(m, options.operation)) {
          values[i] = SKIPPED;
          continue;
        }
        try {
          values[i] = m.expression?.isAsync
            ? await m.expression.evaluateAsync(attributes, ctx)
            : m.evaluate(source, attributes, ctx);
        } catch (error) {
          values[i] = failureOf(error);
        }
        if (values[i] === FlowSignal.ignoreObject) return skipped();
      }
      return assemble(values, options.operation);
    },
  };
}

/** An expression that failed at run time for one object. */
class Failure {
  constructor(readonly message: string) {}
}

function failureOf(error: unknown): Failure {
  if (error instanceof ExpressionRuntimeError) return new Failure(error.message);
  // Anything else is a defect in a function; still reported per object rather than thrown.
  return new Failure(error instanceof Error ? error.message : String(error));
}

/** Marks a mapping not evaluated for this operation. */
const SKIPPED = Symbol('skipped') as unknown as ExprValue;

const EMPTY_ATTRIBUTES: SourceAttributes = Object.freeze({});

function skipped(): MappedObject {
  return { skip: true, target: {}, redactedPaths: [], matching: [], references: [], errors: [] };
}

/** Expression values as JSON: signals inside lists (which no function returns) become null. */
function toSourceValue(value: ExprValue | SourceValue): SourceValue {
  if (Array.isArray(value)) {
    return (value as readonly unknown[]).map((item) =>
      isFlowSignal(item) ? null : (toSourceValue(item as ExprValue) as JsonValue),
    ) as JsonValue[];
  }
  return value as SourceValue;
}

function isReferenceValue(value: SourceValue): boolean {
  if (Array.isArray(value)) return value.some((item: unknown) => isSourceReference(item));
  return isSourceReference(value);
}
