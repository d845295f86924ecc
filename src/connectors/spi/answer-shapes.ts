/**
 * The shapes a connector's answers must have, checked by hand: the guard checks every answer of
 * every call, so on a cycle of 100,000 objects this runs hundreds of thousands of times, and a
 * schema library's generic walk (with its result objects and deep copies) cost several times the
 * rest of the guard. A check walks the answer once, allocates nothing when it is well formed, and
 * answers a fresh top-level object holding only the known fields (unknown fields are dropped, as
 * a schema would strip them); attribute values are checked, not copied.
 *
 * A mismatch is reported as the first problem found, with its place (`attributes.emails.0`) and
 * what was expected there; `checkAnswer` (guarded-connector.ts) turns it into `invalid_response`.
 */
import type { ListPage, ObjectType, TargetAttributes, TargetObject, TargetRef } from './connector.js';

/** Where in an answer a problem is, outermost first, and what is wrong there. */
export interface ShapeIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Thrown by a shape check; carries the first problem of the answer. */
export class ShapeMismatch extends Error {
  constructor(readonly issue: ShapeIssue) {
    super(issue.message);
  }
}

/** Checks an answer and returns it in its checked form, or throws ShapeMismatch. */
export type AnswerShape<T> = (answer: unknown) => T;

/** Deeper than any attribute value a target holds; stops a cyclic answer from recursing forever. */
const MAX_JSON_DEPTH = 64;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}

function issue(path: (string | number)[], message: string): ShapeIssue {
  return { path, message };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** The first problem of a JSON value (strings, finite numbers, booleans, null, arrays, plain objects). */
function jsonIssue(value: unknown, depth: number): ShapeIssue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : issue([], `expected a finite number, got ${value}`);
    case 'object': {
      if (value === null) return undefined;
      if (depth >= MAX_JSON_DEPTH) return issue([], `nested deeper than ${MAX_JSON_DEPTH} levels`);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const found = jsonIssue(value[i], depth + 1);
          if (found !== undefined) return (found.path.unshift(i), found);
        }
        return undefined;
      }
      if (!isPlainObject(value)) return issue([], 'expected a JSON value, got an object that is not plain');
      return recordIssue(value, depth + 1);
    }
    default:
      return issue([], `expected a JSON value, got ${describe(value)}`);
  }
}

function recordIssue(record: Record<string, unknown>, depth: number): ShapeIssue | undefined {
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    const found = jsonIssue(record[key], depth);
    if (found !== undefined) return (found.path.unshift(key), found);
  }
  return undefined;
}

function fail(path: (string | number)[], message: string): never {
  throw new ShapeMismatch(issue(path, message));
}

function requiredName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    fail(
      [field],
      `expected a non-empty string, got ${typeof value === 'string' ? 'an empty one' : describe(value)}`,
    );
  }
  return value;
}

function optionalName(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : requiredName(value, field);
}

function answerRecord(answer: unknown): Record<string, unknown> {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    fail([], `expected an object, got ${describe(answer)}`);
  }
  return answer as Record<string, unknown>;
}

/** `{ id, name? }`. */
export const targetRefShape: AnswerShape<TargetRef> = (answer) => {
  const record = answerRecord(answer);
  const ref: TargetRef = { id: requiredName(record.id, 'id') };
  const name = optionalName(record.name, 'name');
  if (name !== undefined) ref.name = name;
  return ref;
};

/** `{ id, name?, objectType, attributes, enabled?, members? }`. */
export const targetObjectShape: AnswerShape<TargetObject> = (answer) => {
  const record = answerRecord(answer);
  const id = requiredName(record.id, 'id');
  const name = optionalName(record.name, 'name');
  const objectType = record.objectType;
  if (objectType !== 'User' && objectType !== 'Group') {
    fail(
      ['objectType'],
      `expected 'User' or 'Group', got ${JSON.stringify(objectType) ?? describe(objectType)}`,
    );
  }
  const attributes = record.attributes;
  if (!isPlainObject(attributes)) fail(['attributes'], `expected an object, got ${describe(attributes)}`);
  const found = recordIssue(attributes, 1);
  if (found !== undefined) fail(['attributes', ...found.path], found.message);
  const object: TargetObject = {
    id,
    objectType: objectType as ObjectType,
    attributes: attributes as TargetAttributes,
  };
  if (name !== undefined) object.name = name;
  const enabled = record.enabled;
  if (enabled !== undefined) {
    if (typeof enabled !== 'boolean') fail(['enabled'], `expected a boolean, got ${describe(enabled)}`);
    object.enabled = enabled;
  }
  const members = record.members;
  if (members !== undefined) {
    if (!Array.isArray(members)) fail(['members'], `expected an array, got ${describe(members)}`);
    for (let i = 0; i < members.length; i++) {
      if (typeof members[i] !== 'string')
        fail(['members', i], `expected a string, got ${describe(members[i])}`);
    }
    object.members = members as string[];
  }
  return object;
};

/** Checks each item of an array answer with `shape`; a problem's place starts with the item's index. */
function arrayOf<T>(shape: AnswerShape<T>, answer: unknown, field: string | undefined): T[] {
  const at = field === undefined ? [] : [field];
  if (!Array.isArray(answer)) fail(at, `expected an array, got ${describe(answer)}`);
  const items = new Array<T>(answer.length);
  for (let i = 0; i < answer.length; i++) {
    try {
      items[i] = shape(answer[i]);
    } catch (error) {
      if (!(error instanceof ShapeMismatch)) throw error;
      fail([...at, i, ...error.issue.path], error.issue.message);
    }
  }
  return items;
}

/** An array of target objects (a find's answer). */
export const targetObjectsShape: AnswerShape<TargetObject[]> = (answer) =>
  arrayOf(targetObjectShape, answer, undefined);

/** `{ objects, nextCursor? }`. */
export const listPageShape: AnswerShape<ListPage> = (answer) => {
  const record = answerRecord(answer);
  const page: ListPage = { objects: arrayOf(targetObjectShape, record.objects, 'objects') };
  const nextCursor = optionalName(record.nextCursor, 'nextCursor');
  if (nextCursor !== undefined) page.nextCursor = nextCursor;
  return page;
};
