/**
 * Reads an app file (docs/engine/applications.md) into a validated, defaulted AppDefinition and
 * the clear credential values to seal, or into every problem found, each naming the file, the path
 * and the line and column (`app.yaml:14:9 objects.User.mappings[5].expression: unknown function
 * 'Jion' at 1:1, did you mean 'Join'?`). Problems are collected, not stopped at: YAML errors
 * (syntax, duplicate keys) first, since nothing else can be read reliably past them; then `${ENV}`
 * substitution, the schema, roles, mappings and scope, and the connector with its own schemas.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument, visit } from 'yaml';
import type { Document } from 'yaml';
import type { ZodError } from 'zod';
import type { ConnectorRegistry } from '../../connectors/spi/index.js';
import { didYouMean } from '../../shared/did-you-mean.js';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import type { ConfigIssue } from '../source/config-issue.js';
import type {
  AppDefinition,
  AppRoleDefinition,
  ObjectMappingDefinition,
  SecretSource,
  StringTemplate,
} from './app-definition.js';
import type { AppFileContent, ObjectTypeContent } from './app-schema.js';
import {
  DEFAULT_ACTIONS,
  DEFAULT_APP_ROLE,
  appFileSchema,
  connectorSchema,
  knownKeysAt,
  objectsSchema,
} from './app-schema.js';
import { checkConnectorBlock } from './check-connector.js';
import { checkMembershipMappings } from './check-membership-mappings.js';
import { compileApp } from './compile-app.js';
import { soleVariable, substituteEnv } from './env-substitution.js';
import type { PathSegment } from './yaml-locations.js';
import { formatPath, locate, parsePath } from './yaml-locations.js';

/** Larger files are refused before parsing: an app file is a page or two of YAML. */
export const MAX_APP_FILE_BYTES = 1024 * 1024;

/** A credential written as this keeps the value already stored (what export prints for a literal). */
export const KEPT_SECRET = '<secret>';

/** One problem in an app file. */
export interface AppFileIssue {
  /** The file as it was named. */
  readonly file: string;
  /** `objects.User.mappings[5].expression`; empty for the file as a whole. */
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly col?: number;
}

/** `app.yaml:14:9 objects.User.mappings[5].expression: message`. */
export function formatAppFileIssue(issue: AppFileIssue): string {
  const where = issue.line !== undefined ? `${issue.file}:${issue.line}:${issue.col ?? 1}` : issue.file;
  return issue.path === '' ? `${where}: ${issue.message}` : `${where} ${issue.path}: ${issue.message}`;
}

/** An app file that did not validate; the message lists every issue, one a line. */
export class AppFileError extends Error {
  readonly issues: readonly AppFileIssue[];
  constructor(issues: readonly AppFileIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(
      `${issues[0]?.file ?? 'the app file'} has ${count}:\n${issues.map((i) => `  ${formatAppFileIssue(i)}`).join('\n')}`,
    );
    this.name = 'AppFileError';
    this.issues = issues;
  }
}

export interface LoadAppOptions {
  /** The connector kinds `connector.kind` may name. */
  readonly registry: ConnectorRegistry;
  /** Where `${NAME}` is read from; the process environment by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The stored clear value of an app's credential, for a credential written as `<secret>`. */
  readonly keptCredential?: (appName: string, key: string) => Promise<JsonValue | undefined>;
  /**
   * The stored credentials of an app that a file leaving them out keeps (the admin API's PUT, where
   * credentials are write-only): each is read as if written `<secret>`. Without it, a credential
   * left out is gone.
   */
  readonly keepOmittedCredentials?: (appName: string) => Promise<readonly string[]>;
}

/** A valid app file: the definition to store and the credentials to seal beside it. */
export interface LoadedApp {
  readonly file: string;
  readonly definition: AppDefinition;
  readonly credentials: JsonObject;
}

export type LoadAppResult =
  | { readonly ok: true; readonly app: LoadedApp }
  | { readonly ok: false; readonly issues: readonly AppFileIssue[] };

/** Reads and validates an app file. */
export async function loadAppFile(file: string, options: LoadAppOptions): Promise<LoadAppResult> {
  const fail = (message: string): LoadAppResult => ({ ok: false, issues: [{ file, path: '', message }] });
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) return fail('no such file');
  if (!info.isFile()) return fail('not a file');
  if (info.size > MAX_APP_FILE_BYTES)
    return fail(`larger than ${MAX_APP_FILE_BYTES} bytes; an app file is YAML text`);
  return loadAppText(await readFile(file, 'utf8'), file, options);
}

/** Same as loadAppFile, for text already read; `file` names it in issues and anchors module paths. */
export async function loadAppText(
  text: string,
  file: string,
  options: LoadAppOptions,
): Promise<LoadAppResult> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, strict: true });
  const yamlProblems = [...document.errors, ...document.warnings];
  if (yamlProblems.length > 0) {
    return {
      ok: false,
      issues: yamlProblems.map((problem) => ({
        file,
        path: '',
        message: problem.message.split(' at line ')[0]!.trim(),
        ...(problem.linePos ? { line: problem.linePos[0].line, col: problem.linePos[0].col } : {}),
      })),
    };
  }
  const issues = new IssueList(file, document, lineCounter);
  // Read into a plain object, `__proto__` would set the prototype instead of being a key.
  visit(document, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === '__proto__') {
        const position = pair.key.range ? lineCounter.linePos(pair.key.range[0]) : undefined;
        issues.addAt(position, 'a key may not be named __proto__');
      }
    },
  });
  if (!issues.empty) return issues.result();
  await keepOmitted(document, options);
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    issues.add([], error instanceof Error ? error.message : String(error));
    return issues.result();
  }
  if (!isJsonObject(raw)) {
    issues.add([], 'the file must be a mapping with name, connector and objects');
    return issues.result();
  }

  const substituted = substituteAll(raw, options.env ?? process.env, issues);
  const parsed = appFileSchema.safeParse(substituted.value);
  if (!parsed.success) {
    issues.addZod(parsed.error, []);
    await checkPartsOf(substituted.value as JsonObject, file, options, issues);
    return issues.result();
  }
  const content = parsed.data;
  const credentials = await credentialValues(content, substituted.credentials, options, issues);
  const definition = toDefinition(content, substituted.templates, substituted.credentials, file);
  checkRoles(content, issues);
  checkObjects(definition, issues);
  issues.addConfig(await checkConnectorBlock(options.registry, { ...content.connector, credentials }, file));
  if (!issues.empty) return issues.result();
  issues.addConfig(await checkMembershipMappings(options.registry, definition, credentials, file));
  if (!issues.empty) return issues.result();
  return { ok: true, app: { file, definition, credentials } };
}

/** Adds `<secret>` for each stored credential the document leaves out; the nodes added have no position. */
async function keepOmitted(document: Document, options: LoadAppOptions): Promise<void> {
  const name = document.get('name');
  const connector = document.get('connector');
  if (options.keepOmittedCredentials === undefined || typeof name !== 'string' || !isMap(connector)) return;
  const credentials = connector.get('credentials');
  if (credentials !== undefined && !isMap(credentials)) return;
  for (const key of await options.keepOmittedCredentials(name)) {
    if (!document.hasIn(['connector', 'credentials', key])) {
      document.setIn(['connector', 'credentials', key], KEPT_SECRET);
    }
  }
}

/** Collects issues with their positions. */
class IssueList {
  readonly #issues: (AppFileIssue & { order: number })[] = [];
  readonly #seen = new Set<string>();
  constructor(
    readonly file: string,
    readonly document: Document,
    readonly lineCounter: LineCounter,
  ) {}

  get empty(): boolean {
    return this.#issues.length === 0;
  }

  add(path: readonly PathSegment[], message: string, atKey = false): void {
    const text = formatPath(path);
    const key = `${text}\0${message}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    const position = locate(this.document, this.lineCounter, path, atKey);
    this.#issues.push({
      file: this.file,
      path: text,
      message,
      ...(position ? { line: position.line, col: position.col } : {}),
      order: this.#issues.length,
    });
  }

  /** An issue at a position found some other way than by path. */
  addAt(position: { line: number; col: number } | undefined, message: string): void {
    this.#issues.push({
      file: this.file,
      path: '',
      message,
      ...(position ? { line: position.line, col: position.col } : {}),
      order: this.#issues.length,
    });
  }

  addConfig(issues: readonly ConfigIssue[]): void {
    for (const issue of issues) this.add(parsePath(issue.path), issue.message);
  }

  addZod(error: ZodError, base: readonly PathSegment[]): void {
    for (const issue of error.issues) {
      const path = [...base, ...issue.path.map((part) => (typeof part === 'number' ? part : String(part)))];
      if (issue.code === 'unrecognized_keys') {
        const known = knownKeysAt(path);
        for (const key of issue.keys) {
          const suggestion = didYouMean(key, known);
          this.add(
            [...path, key],
            `unknown key '${key}'` +
              (suggestion !== undefined
                ? `, did you mean '${suggestion}'?`
                : ` (known keys: ${known.join(', ')})`),
            true,
          );
        }
      } else if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
        this.add(path, `is required (${issue.expected})`);
      } else {
        this.add(path, issue.message.replace(/^Invalid input: /, '').replace(/^Invalid option: /, ''));
      }
    }
  }

  result(): LoadAppResult {
    const sorted = [...this.#issues].sort(
      (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0) || a.order - b.order,
    );
    return { ok: false, issues: sorted.map(({ order: _order, ...issue }) => issue) };
  }
}

interface Substituted {
  readonly value: JsonValue;
  /** Strings outside the credentials that were written with `${...}` or `$${`. */
  readonly templates: StringTemplate[];
  /** Each credential's source; `kept` for `<secret>`. */
  readonly credentials: Map<string, SecretSource | 'kept'>;
}

/** Replaces `${NAME}` in every string of the file, noting templates and credential sources. */
function substituteAll(
  raw: JsonObject,
  env: Readonly<Record<string, string | undefined>>,
  issues: IssueList,
): Substituted {
  const templates: StringTemplate[] = [];
  const credentials = new Map<string, SecretSource | 'kept'>();
  const isCredential = (path: readonly PathSegment[]) => path[0] === 'connector' && path[1] === 'credentials';
  const walk = (node: unknown, path: PathSegment[]): JsonValue => {
    if (typeof node === 'string') {
      if (isCredential(path) && path.length === 3 && node === KEPT_SECRET) {
        credentials.set(String(path[2]), 'kept');
        return node;
      }
      const result = substituteEnv(node, env);
      if (!result.ok) {
        issues.add(path, result.message);
        return node;
      }
      if (isCredential(path)) {
        if (path.length === 3) {
          const variable = soleVariable(node);
          credentials.set(
            String(path[2]),
            variable !== undefined ? { kind: 'env', variable } : { kind: 'literal' },
          );
        }
      } else if (result.templated) {
        templates.push({ path: [...path], template: node });
      }
      return result.value;
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      const out: JsonObject = {};
      for (const [key, value] of Object.entries(node)) {
        if (isCredential([...path, key]) && path.length === 2 && typeof value !== 'string') {
          credentials.set(key, { kind: 'literal' });
        }
        out[key] = walk(value, [...path, key]);
      }
      return out;
    }
    if (typeof node === 'number' && !Number.isFinite(node)) {
      issues.add(path, 'must be a finite number');
      return null;
    }
    return node as JsonValue;
  };
  return { value: walk(raw, []), templates, credentials };
}

/** The clear credential values: as written (after substitution), or the stored one for `<secret>`. */
async function credentialValues(
  content: AppFileContent,
  sources: ReadonlyMap<string, SecretSource | 'kept'>,
  options: LoadAppOptions,
  issues: IssueList,
): Promise<JsonObject> {
  const values: JsonObject = {};
  for (const [key, value] of Object.entries(content.connector.credentials)) {
    if (sources.get(key) !== 'kept') {
      values[key] = value;
      continue;
    }
    const kept = await options.keptCredential?.(content.name, key);
    if (kept === undefined) {
      issues.add(
        ['connector', 'credentials', key],
        `'${KEPT_SECRET}' keeps the stored value, but app '${content.name}' has no stored credential '${key}': give the value or \${VARIABLE}`,
      );
    } else {
      values[key] = kept;
    }
  }
  return values;
}

/** When the whole file does not parse, still check mappings, scope and the connector on their own. */
async function checkPartsOf(
  raw: JsonObject,
  file: string,
  options: LoadAppOptions,
  issues: IssueList,
): Promise<void> {
  const objects = objectsSchema.safeParse(raw.objects);
  if (objects.success) {
    const definition: AppDefinition = {
      name: 'app',
      enabled: true,
      connector: { settings: {}, credentials: {} },
      appRoles: [DEFAULT_APP_ROLE],
      objects: { User: objectDefinition(objects.data.User), Group: objectDefinition(objects.data.Group) },
      settings: {
        scope: 'assigned',
        nestedGroupMembers: false,
        deprovisionAction: 'disable',
        skipOutOfScopeDeletions: false,
        deletionThreshold: { count: 500 },
        concurrency: 1,
        cycleIntervalMs: 60_000,
        nearRealTime: true,
      },
    };
    checkObjects(definition, issues);
  }
  const connector = connectorSchema.safeParse(raw.connector);
  if (connector.success) {
    const credentials = Object.fromEntries(
      Object.entries(connector.data.credentials).filter(([, value]) => value !== KEPT_SECRET),
    );
    const found = await checkConnectorBlock(options.registry, { ...connector.data, credentials }, file);
    // A `<secret>` credential cannot be checked without the name: leave "required" to the full check.
    issues.addConfig(found.filter((issue) => !issue.path.startsWith('connector.credentials')));
  }
}

function objectDefinition(content: ObjectTypeContent | undefined): ObjectMappingDefinition {
  if (content === undefined) return { enabled: false, actions: [...DEFAULT_ACTIONS], mappings: [] };
  return {
    enabled: content.enabled,
    actions: content.actions,
    mappings: content.mappings,
    ...(content.scope !== undefined ? { scope: content.scope } : {}),
  };
}

function toDefinition(
  content: AppFileContent,
  templates: readonly StringTemplate[],
  sources: ReadonlyMap<string, SecretSource | 'kept'>,
  file: string,
): AppDefinition {
  const { connector, settings } = content;
  const credentials: Record<string, SecretSource> = {};
  for (const key of Object.keys(connector.credentials)) {
    const source = sources.get(key);
    credentials[key] = source === undefined || source === 'kept' ? { kind: 'literal' } : source;
  }
  const declared: NonNullable<AppFileContent['appRoles']> = content.appRoles ?? [DEFAULT_APP_ROLE];
  const roles: AppRoleDefinition[] = declared.map((role) => ({
    value: role.value,
    displayName: role.displayName ?? role.value,
    ...(role.description !== undefined ? { description: role.description } : {}),
    ...(role.default === true ? { default: true } : {}),
  }));
  return {
    name: content.name,
    ...(content.description !== undefined ? { description: content.description } : {}),
    enabled: content.enabled,
    connector: {
      ...(connector.kind !== undefined ? { kind: connector.kind } : {}),
      ...(connector.module !== undefined ? { module: connector.module } : {}),
      settings: connector.settings,
      credentials,
      appFile: resolve(file),
    },
    appRoles: roles,
    objects: { User: objectDefinition(content.objects.User), Group: objectDefinition(content.objects.Group) },
    settings: {
      scope: settings.scope,
      nestedGroupMembers: settings.nestedGroupMembers,
      deprovisionAction: settings.deprovisionAction,
      skipOutOfScopeDeletions: settings.skipOutOfScopeDeletions,
      deletionThreshold: {
        count: settings.deletionThreshold.count,
        ...(settings.deletionThreshold.percent !== undefined
          ? { percent: settings.deletionThreshold.percent }
          : {}),
      },
      concurrency: settings.concurrency,
      ...(settings.rateLimitPerSecond !== undefined
        ? { rateLimitPerSecond: settings.rateLimitPerSecond }
        : {}),
      cycleIntervalMs: settings.cycleInterval,
      nearRealTime: settings.nearRealTime,
      ...(settings.notificationWebhookUrl !== undefined
        ? { notificationWebhookUrl: settings.notificationWebhookUrl }
        : {}),
    },
    ...(templates.length > 0 ? { templates } : {}),
  };
}

/** Role values are unique and exactly one role is the default. */
function checkRoles(content: AppFileContent, issues: IssueList): void {
  const roles = content.appRoles;
  if (roles === undefined) return;
  if (roles.length === 0) {
    issues.add(
      ['appRoles'],
      'declare at least one role, or leave appRoles out for the one default role User',
    );
    return;
  }
  const seen = new Map<string, number>();
  roles.forEach((role, index) => {
    const first = seen.get(role.value);
    if (first !== undefined)
      issues.add(['appRoles', index, 'value'], `'${role.value}' is already the value of appRoles[${first}]`);
    else seen.set(role.value, index);
  });
  const defaults = roles.flatMap((role, index) => (role.default === true ? [index] : []));
  if (defaults.length === 0) {
    issues.add(
      ['appRoles'],
      'mark exactly one role default: true (the role of an assignment made without --role)',
    );
  }
  for (const index of defaults.slice(1)) {
    issues.add(
      ['appRoles', index, 'default'],
      `appRoles[${defaults[0]}] is already the default; exactly one role is`,
    );
  }
}

/** At least one object type is provisioned, each enabled one has mappings, and they all compile. */
function checkObjects(definition: AppDefinition, issues: IssueList): void {
  const { User, Group } = definition.objects;
  if (!User.enabled && !Group.enabled) {
    issues.add(['objects'], 'enable User or Group (or both): an app provisions at least one object type');
  }
  for (const [type, object] of [
    ['User', User],
    ['Group', Group],
  ] as const) {
    if (object.enabled && object.mappings.length === 0) {
      issues.add(
        ['objects', type, 'mappings'],
        `an enabled ${type} type needs at least one attribute mapping`,
      );
    }
  }
  const compiled = compileApp(definition);
  if (!compiled.ok) issues.addConfig(compiled.issues);
}
