/**
 * Reading answers: the `soap` package turns an answer's body into plain objects (an element with
 * one child is an object, a repeated one an array, text with attributes `{ $value }`); the
 * settings' dotted paths pick the object(s) out and the record shape turns each into a
 * `TargetObject`. Anything not where the settings say is `invalid_response`, naming the path.
 */
import type { JsonValue } from '../../shared/json.js';
import { ConnectorError, type ObjectType, type TargetAttributes, type TargetObject } from '../spi/index.js';
import type { SoapRecordShape } from './soap-settings.js';

/** The values at a dotted path; a step into a list goes into each of its items. */
export function valuesAt(root: unknown, path: string | undefined): unknown[] {
  let current: unknown[] = root === undefined || root === null ? [] : [root];
  if (path === undefined) return current.flatMap(asList);
  for (const step of path.split('.')) {
    const next: unknown[] = [];
    for (const value of current.flatMap(asList)) {
      if (typeof value === 'object' && value !== null && Object.hasOwn(value, step)) {
        const child = (value as Record<string, unknown>)[step];
        if (child !== undefined && child !== null) next.push(child);
      }
    }
    current = next;
  }
  return current.flatMap(asList);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** Text with attributes (`{ $value: 'x', attributes: {...} }`) as its text. */
function scalar(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && '$value' in value) {
    return (value as { $value: unknown }).$value;
  }
  return value;
}

function asJson(value: unknown, where: string): JsonValue {
  const plain = scalar(value);
  if (plain instanceof Date) return plain.toISOString();
  if (typeof plain === 'string' || typeof plain === 'number' || typeof plain === 'boolean') return plain;
  if (typeof plain === 'object' && plain !== null) {
    try {
      return JSON.parse(JSON.stringify(plain)) as JsonValue;
    } catch {
      throw new ConnectorError(
        'invalid_response',
        `The answer's ${where} is not data the connector can keep`,
      );
    }
  }
  throw new ConnectorError('invalid_response', `The answer's ${where} has no value`);
}

/** An answer's enabled flag: booleans, and the texts true / false / 1 / 0. */
function asEnabled(value: unknown, where: string): boolean {
  const plain = scalar(value);
  if (typeof plain === 'boolean') return plain;
  if (plain === 1 || plain === 0) return plain === 1;
  if (typeof plain === 'string') {
    const text = plain.trim().toLowerCase();
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
  }
  throw new ConnectorError(
    'invalid_response',
    `The answer's ${where} is not true or false: ${JSON.stringify(plain)}`,
  );
}

/** One record of an answer as a target object. */
export function readRecord(
  record: unknown,
  shape: SoapRecordShape,
  objectType: ObjectType,
  operation: string,
): TargetObject {
  if (typeof record !== 'object' || record === null) {
    throw new ConnectorError(
      'invalid_response',
      `${operation} answered a ${objectType} that is not a record`,
    );
  }
  const ids = valuesAt(record, shape.id);
  const id = ids.length === 1 ? scalar(ids[0]) : undefined;
  if ((typeof id !== 'string' && typeof id !== 'number') || id === '') {
    throw new ConnectorError(
      'invalid_response',
      `${operation} answered a ${objectType} without an id at '${shape.id}' (record.id)`,
    );
  }
  const attributes: TargetAttributes = {};
  for (const [attribute, path] of Object.entries(shape.fields)) {
    const found = valuesAt(record, path);
    if (found.length === 0) continue;
    const where = `${attribute} ('${path}')`;
    attributes[attribute] =
      found.length === 1 && !Array.isArray(atPath(record, path))
        ? asJson(found[0], where)
        : found.map((v) => asJson(v, where));
  }
  const object: TargetObject = { id: String(id), objectType, attributes };
  if (shape.enabled !== undefined) {
    const flags = valuesAt(record, shape.enabled);
    // An account whose answer leaves the flag out is taken as enabled, as a create without one is.
    object.enabled = flags.length === 0 ? true : asEnabled(flags[0], `enabled flag ('${shape.enabled}')`);
  }
  if (shape.members !== undefined) {
    object.members = valuesAt(record, shape.members).map((member) => String(scalar(member)));
  }
  return object;
}

/** The value at a path when no step crosses a list (to tell a one-item list from a single value). */
function atPath(root: unknown, path: string): unknown {
  let current = root;
  for (const step of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/** The records at the operation's result path. */
export function readRecords(
  answer: unknown,
  resultPath: string | undefined,
  shape: SoapRecordShape,
  objectType: ObjectType,
  operation: string,
): TargetObject[] {
  return valuesAt(answer, resultPath).map((record) => readRecord(record, shape, objectType, operation));
}

/** The one text at a path (a cursor, a created id), or undefined. */
export function textAt(answer: unknown, path: string): string | undefined {
  const found = valuesAt(answer, path);
  if (found.length === 0) return undefined;
  const value = scalar(found[0]);
  if (typeof value === 'string' || typeof value === 'number') return value === '' ? undefined : String(value);
  return undefined;
}
