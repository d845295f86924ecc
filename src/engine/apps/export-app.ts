/**
 * An app definition back as the YAML `apps apply` takes: every key written out, defaults included,
 * so the file shows what is in force. Strings that were written with `${ENV_VAR}` print their
 * template, credentials print `${VAR}` or `<secret>` (which re-applied keeps the stored value),
 * and every other `${` is escaped, so applying the output gives the same definition.
 */
import { Document, isScalar, isSeq, visit } from 'yaml';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import type { AppDefinition, ObjectMappingDefinition } from './app-definition.js';
import { DEFAULT_ACTIONS } from './app-schema.js';
import { escapeTemplate } from './env-substitution.js';
import { KEPT_SECRET } from './load-app-file.js';

const UNITS: readonly (readonly [string, number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** Milliseconds as the largest unit that divides them exactly (`40m`, `90s`), so nothing is rounded. */
export function formatDuration(milliseconds: number): string {
  for (const [unit, size] of UNITS) {
    if (milliseconds % size === 0) return `${milliseconds / size}${unit}`;
  }
  return `${milliseconds}ms`;
}

/** The definition in the file's shape, with templates and credential placeholders, as plain data. */
export function appDocument(definition: AppDefinition): JsonObject {
  const { connector, settings } = definition;
  const plain: JsonObject = {
    name: definition.name,
    ...(definition.description !== undefined ? { description: definition.description } : {}),
    enabled: definition.enabled,
    connector: {
      ...(connector.kind !== undefined ? { kind: connector.kind } : {}),
      ...(connector.module !== undefined ? { module: connector.module } : {}),
      ...(Object.keys(connector.settings).length > 0 ? { settings: connector.settings } : {}),
    },
    appRoles: definition.appRoles.map((role) => ({
      value: role.value,
      displayName: role.displayName,
      ...(role.description !== undefined ? { description: role.description } : {}),
      ...(role.default === true ? { default: true } : {}),
    })),
    settings: {
      scope: settings.scope,
      nestedGroupMembers: settings.nestedGroupMembers,
      deprovisionAction: settings.deprovisionAction,
      skipOutOfScopeDeletions: settings.skipOutOfScopeDeletions,
      deletionThreshold:
        settings.deletionThreshold.percent === undefined
          ? settings.deletionThreshold.count
          : { count: settings.deletionThreshold.count, percent: settings.deletionThreshold.percent },
      concurrency: settings.concurrency,
      ...(settings.rateLimitPerSecond !== undefined
        ? { rateLimitPerSecond: settings.rateLimitPerSecond }
        : {}),
      cycleInterval: formatDuration(settings.cycleIntervalMs),
      nearRealTime: settings.nearRealTime,
      ...(settings.notificationWebhookUrl !== undefined
        ? { notificationWebhookUrl: settings.notificationWebhookUrl }
        : {}),
    },
    objects: {
      ...objectEntry('User', definition.objects.User),
      ...objectEntry('Group', definition.objects.Group),
    },
  };
  const document = escapeStrings(plain) as JsonObject;
  for (const { path, template } of definition.templates ?? []) setAt(document, path, template);
  const credentials = Object.entries(connector.credentials);
  if (credentials.length > 0) {
    (document.connector as JsonObject).credentials = Object.fromEntries(
      credentials.map(([key, source]) => [
        key,
        source.kind === 'env' ? `\${${source.variable}}` : KEPT_SECRET,
      ]),
    );
  }
  return document;
}

/** The YAML text: mappings, clauses and roles one per line, nothing folded. */
export function exportAppYaml(definition: AppDefinition): string {
  const document = new Document(appDocument(definition));
  visit(document, {
    Map(_key, node, path) {
      // A list item of scalars (a mapping, a clause, a role) reads best on one line.
      if (isSeq(path[path.length - 1]) && node.items.every((pair) => isScalar(pair.value))) node.flow = true;
    },
    Seq(_key, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  return document.toString({ lineWidth: 0 });
}

/** A disabled type with nothing in it is what leaving it out gives: left out. */
function objectEntry(type: 'User' | 'Group', object: ObjectMappingDefinition): JsonObject {
  const isDefaultActions =
    object.actions.length === DEFAULT_ACTIONS.length &&
    DEFAULT_ACTIONS.every((a, i) => object.actions[i] === a);
  if (!object.enabled && object.mappings.length === 0 && object.scope === undefined && isDefaultActions)
    return {};
  const mappings = object.mappings.map((mapping) => {
    const entry: JsonObject = { target: mapping.target };
    for (const key of [
      'source',
      'constant',
      'expression',
      'apply',
      'defaultValue',
      'matchingPrecedence',
    ] as const) {
      const value = mapping[key];
      if (value !== undefined) entry[key] = value;
    }
    return entry;
  });
  const entry: JsonObject = { enabled: object.enabled, actions: [...object.actions] };
  if (object.scope !== undefined) {
    entry.scope = {
      filters: object.scope.filters.map((filter) => ({
        clauses: filter.clauses.map((clause) => ({
          attribute: clause.attribute,
          operator: clause.operator,
          ...(clause.value !== undefined ? { value: clause.value } : {}),
        })),
      })),
    };
  }
  entry.mappings = mappings;
  return { [type]: entry };
}

function escapeStrings(value: JsonValue): JsonValue {
  if (typeof value === 'string') return escapeTemplate(value);
  if (Array.isArray(value)) return value.map(escapeStrings);
  if (isJsonObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeStrings(v)]));
  return value;
}

/** Puts a template back where it was written; a path the document no longer has is skipped. */
function setAt(document: JsonObject, path: readonly (string | number)[], template: string): void {
  let node: JsonValue = document;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    const next: JsonValue | undefined = Array.isArray(node)
      ? node[segment as number]
      : isJsonObject(node)
        ? node[String(segment)]
        : undefined;
    if (next === undefined || next === null || typeof next !== 'object') return;
    node = next;
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(node) && typeof last === 'number' && typeof node[last] === 'string')
    node[last] = template;
  else if (isJsonObject(node) && typeof node[String(last)] === 'string') node[String(last)] = template;
}
