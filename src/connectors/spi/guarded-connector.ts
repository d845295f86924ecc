/**
 * The engine's side of the contract: every call to a connector goes through this wrapper, so that
 * whatever the connector does — throws a raw error, throws synchronously, returns something that is
 * not a promise, answers nonsense — the engine sees either a well-formed answer or a
 * `ConnectorError`. A user's module connector is code Provisio does not control; this is where that
 * stops mattering.
 */
import { checkAttributeChanges } from './attribute-change.js';
import { capabilitiesFor, type ConnectorCapabilities } from './capabilities.js';
import type { BatchCreateResult, Connector, ObjectType, TargetObject } from './connector.js';
import { ConnectorError, classifyError } from './connector-error.js';
import {
  listPageShape,
  ShapeMismatch,
  targetObjectShape,
  targetObjectsShape,
  targetRefShape,
  type AnswerShape,
} from './answer-shapes.js';

/** Checks an answer against a shape; a mismatch is the connector's `invalid_response`. */
export function checkAnswer<T>(shape: AnswerShape<T>, answer: unknown, operation: string): T {
  try {
    return shape(answer);
  } catch (error) {
    if (!(error instanceof ShapeMismatch)) throw error;
    const { path, message } = error.issue;
    const where = path.length > 0 ? ` at ${path.join('.')}` : '';
    throw new ConnectorError(
      'invalid_response',
      `${operation}() answered a malformed result${where}: ${message}`,
      {
        detail: describeAnswer(answer),
      },
    );
  }
}

function describeAnswer(answer: unknown): string {
  try {
    const text = JSON.stringify(answer) ?? String(answer);
    return text.length > 500 ? `${text.slice(0, 500)}...` : text;
  } catch {
    return Object.prototype.toString.call(answer);
  }
}

/**
 * Runs one connector call: refuses an aborted signal, classifies anything thrown, checks the answer.
 * Not an async function: the connector's own promise is chained once (`then`) rather than awaited in
 * a frame of its own, since every call of every cycle passes here. Whatever happens, the caller
 * gets a promise, rejected with a `ConnectorError` or the check's error.
 */
function call<T>(
  operation: string,
  signal: AbortSignal,
  run: () => unknown,
  check: (answer: unknown) => T,
): Promise<T> {
  if (signal.aborted)
    return Promise.reject(classifyError(signal.reason ?? new DOMException('Aborted', 'AbortError')));
  let answer: unknown;
  let thenable: boolean;
  try {
    answer = run();
    // Inside the try: a `then` getter that throws is the connector's failure, as `await` made it.
    thenable = isThenable(answer);
  } catch (error) {
    return Promise.reject(classifyError(error));
  }
  // A promise, or any thenable a module connector returns, is adopted as `await` would adopt it.
  if (thenable) return Promise.resolve(answer).then(check, rethrowClassified);
  try {
    return Promise.resolve(check(answer));
  } catch (error) {
    return Promise.reject(error);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function rethrowClassified(error: unknown): never {
  throw classifyError(error);
}

const nothing = () => undefined;

/**
 * Wraps a connector so the engine can rely on it: the same methods (and only those), each failing
 * only with `ConnectorError` and answering only well-formed values. Updates with malformed change
 * lists, finds by an attribute the capabilities do not list, and an operation the capabilities
 * of the request's object type do not grant (`byType`), are refused before the connector sees
 * them. The object type of every answer is checked against the request, and batch results must
 * match the request one for one.
 */
export function guardConnector(connector: Connector): Connector {
  const c = connector;
  // Worked out once: every call of every cycle asks.
  const ofType: Record<ObjectType, ConnectorCapabilities> = {
    User: capabilitiesFor(c.capabilities, 'User'),
    Group: capabilitiesFor(c.capabilities, 'Group'),
  };
  const notGranted = (
    operation: string,
    flag: 'read' | 'find' | 'list' | 'update' | 'delete',
    type: ObjectType,
  ): Promise<never> | undefined =>
    ofType[type]?.[flag] === false
      ? Promise.reject(
          new ConnectorError(
            'connector_failure',
            `${operation}() of a ${type} is not declared: capabilities.byType.${type}.${flag} is false`,
          ),
        )
      : undefined;
  const guarded: Connector = {
    capabilities: c.capabilities,
    testConnection: (signal) => call('testConnection', signal, () => c.testConnection(signal), nothing),
    create: (request, signal) =>
      call(
        'create',
        signal,
        () => c.create(request, signal),
        (answer) => sameType(checkAnswer(targetObjectShape, answer, 'create'), request.objectType, 'create'),
      ),
  };
  if (c.createBatch) {
    const createBatch = c.createBatch.bind(c);
    guarded.createBatch = (requests, signal) =>
      call(
        'createBatch',
        signal,
        () => createBatch(requests, signal),
        (answer) => checkBatch(answer, requests.length),
      );
  }
  if (c.get) {
    const get = c.get.bind(c);
    guarded.get = (request, signal) =>
      notGranted('get', 'read', request.objectType) ??
      call(
        'get',
        signal,
        () => get(request, signal),
        (answer) => {
          const object = sameType(checkAnswer(targetObjectShape, answer, 'get'), request.objectType, 'get');
          if (object.id !== request.ref.id) {
            throw new ConnectorError(
              'invalid_response',
              `get() for id '${request.ref.id}' answered id '${object.id}'`,
            );
          }
          return object;
        },
      );
  }
  if (c.find) {
    const find = c.find.bind(c);
    guarded.find = (request, signal) => {
      const refused = notGranted('find', 'find', request.objectType);
      if (refused !== undefined) return refused;
      const declared = ofType[request.objectType]?.find ?? c.capabilities.find;
      const searchable = declared === false ? [] : declared.attributes;
      if (searchable !== 'any' && !searchable.includes(request.attribute)) {
        return Promise.reject(
          new ConnectorError(
            'schema_violation',
            `find() by '${request.attribute}' is not declared; capability find lists ${searchable.join(', ')}`,
          ),
        );
      }
      return call(
        'find',
        signal,
        () => find(request, signal),
        (answer) =>
          checkAnswer(targetObjectsShape, answer, 'find').map((o) => sameType(o, request.objectType, 'find')),
      );
    };
  }
  if (c.list) {
    const list = c.list.bind(c);
    const paging = (type: ObjectType) => {
      const declared = ofType[type]?.list ?? c.capabilities.list;
      return declared !== false && declared.paging;
    };
    guarded.list = (request, signal) =>
      notGranted('list', 'list', request.objectType) ??
      call(
        'list',
        signal,
        () => list(request, signal),
        (answer) => {
          const page = checkAnswer(listPageShape, answer, 'list');
          page.objects.forEach((o) => sameType(o, request.objectType, 'list'));
          // Either would make the engine's page walk wrong: too much at once, or never ending.
          if (paging(request.objectType) && page.objects.length > request.pageSize) {
            throw new ConnectorError(
              'invalid_response',
              `list() with pageSize ${request.pageSize} answered ${page.objects.length} objects`,
            );
          }
          if (page.nextCursor !== undefined && page.nextCursor === request.cursor) {
            throw new ConnectorError(
              'invalid_response',
              'list() answered the cursor it was given: the walk would never end',
            );
          }
          return page;
        },
      );
  }
  if (c.update) {
    const update = c.update.bind(c);
    guarded.update = (request, signal) => {
      const refused = notGranted('update', 'update', request.objectType);
      if (refused !== undefined) return refused;
      const issues = checkAttributeChanges(request.changes);
      if (issues.length > 0) return Promise.reject(new ConnectorError('schema_violation', issues.join('; ')));
      // Nothing, or the object's new ref after a rename.
      return call(
        'update',
        signal,
        () => update(request, signal),
        (answer) =>
          answer === undefined || answer === null ? undefined : checkAnswer(targetRefShape, answer, 'update'),
      );
    };
  }
  if (c.delete) {
    const remove = c.delete.bind(c);
    guarded.delete = (request, signal) =>
      notGranted('delete', 'delete', request.objectType) ??
      call('delete', signal, () => remove(request, signal), nothing);
  }
  if (c.setEnabled) {
    const setEnabled = c.setEnabled.bind(c);
    guarded.setEnabled = (request, signal) =>
      call('setEnabled', signal, () => setEnabled(request, signal), nothing);
  }
  if (c.rename) {
    const rename = c.rename.bind(c);
    guarded.rename = (request, signal) =>
      call(
        'rename',
        signal,
        () => rename(request, signal),
        (answer) => {
          const ref = checkAnswer(targetRefShape, answer, 'rename');
          if (ref.id !== request.ref.id) {
            throw new ConnectorError(
              'invalid_response',
              `rename() changed the id '${request.ref.id}' to '${ref.id}'`,
            );
          }
          return ref;
        },
      );
  }
  if (c.addMembers) {
    const addMembers = c.addMembers.bind(c);
    guarded.addMembers = (request, signal) =>
      call('addMembers', signal, () => addMembers(request, signal), nothing);
  }
  if (c.removeMembers) {
    const removeMembers = c.removeMembers.bind(c);
    guarded.removeMembers = (request, signal) =>
      call('removeMembers', signal, () => removeMembers(request, signal), nothing);
  }
  if (c.close) {
    const close = c.close.bind(c);
    guarded.close = async () => {
      try {
        await close();
      } catch (error) {
        throw classifyError(error);
      }
    };
  }
  return guarded;
}

function sameType(object: TargetObject, expected: string, operation: string): TargetObject {
  if (object.objectType !== expected) {
    throw new ConnectorError(
      'invalid_response',
      `${operation}() for ${expected} answered an object of type ${object.objectType}`,
    );
  }
  return object;
}

function checkBatch(answer: unknown, expected: number): BatchCreateResult[] {
  if (!Array.isArray(answer) || answer.length !== expected) {
    throw new ConnectorError(
      'invalid_response',
      `createBatch() must answer one result per request (${expected}), answered ${
        Array.isArray(answer) ? answer.length : typeof answer
      }`,
    );
  }
  return answer.map((item: unknown, index): BatchCreateResult => {
    const record = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (record.ok === true) {
      return {
        ok: true,
        object: checkAnswer(targetObjectShape, record.object, `createBatch[${index}]`),
      };
    }
    if (record.ok === false) return { ok: false, error: classifyError(record.error) };
    throw new ConnectorError(
      'invalid_response',
      `createBatch() result ${index} is neither { ok: true } nor { ok: false }`,
    );
  });
}
