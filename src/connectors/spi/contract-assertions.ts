/**
 * The assertions of the contract kit: each throws a `ContractViolation` whose message says what the
 * connector did and what the contract expects. No test runner is involved.
 */
import { sameValue } from './attribute-change.js';
import type { Connector, ObjectType, TargetAttributes, TargetObject } from './connector.js';
import { classifyError, type ConnectorErrorCode } from './connector-error.js';
import { checkAnswer } from './guarded-connector.js';
import { listPageShape } from './answer-shapes.js';

/** A broken promise of the contract, with a message that says what the connector did. */
export class ContractViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractViolation';
  }
}

/** Walks every page of a list, checking each page; answers the ids in the order served. */
export async function walkList(c: Connector, type: ObjectType, pageSize: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; ; pages++) {
    if (pages > 100_000) fail('list() never answered a last page');
    const request =
      cursor === undefined ? { objectType: type, pageSize } : { objectType: type, pageSize, cursor };
    const page = kitAnswer(listPageShape, await c.list!(request, signal()), 'list');
    if (page.objects.length > pageSize)
      fail(`list() with pageSize ${pageSize} answered ${page.objects.length} objects`);
    seen.push(...page.objects.map((o) => o.id));
    if (page.nextCursor === undefined) return seen;
    if (page.nextCursor === cursor)
      fail(`list() answered the cursor it was given ('${cursor}'): it would never end`);
    cursor = page.nextCursor;
  }
}

/** Fails unless every created id was served, and no id more than once. */
export function expectCoverage(seen: string[], created: string[], label: string) {
  const counts = new Map<string, number>();
  for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
  const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  if (repeated.length > 0) fail(`list() with ${label} answered ids more than once: ${repeated.join(', ')}`);
  const missing = created.filter((id) => !counts.has(id));
  if (missing.length > 0) fail(`list() with ${label} never answered the created ids ${missing.join(', ')}`);
}

/** Fails unless the object holds each expected attribute value. */
export function expectAttributes(object: TargetObject, expected: TargetAttributes, label: string) {
  for (const [attribute, value] of Object.entries(expected)) {
    if (!sameValue(object.attributes[attribute], value)) {
      fail(
        `${label}: ${attribute} is ${JSON.stringify(object.attributes[attribute])}, expected ${JSON.stringify(value)}`,
      );
    }
  }
}

/** Fails unless the operation rejects with an error classified as `code`. */
export async function expectCode(code: ConnectorErrorCode, what: string, run: () => Promise<unknown>) {
  const outcome = await settle(run);
  if (outcome.ok) fail(`${what} resolved; expected a ConnectorError '${code}'`);
  const actual = classifyError(outcome.error);
  if (actual.code !== code)
    fail(`${what} failed with '${actual.code}' (${actual.message}); expected '${code}'`);
}

/** Runs an operation and answers how it ended, without throwing. */
export async function settle(
  run: () => Promise<unknown>,
): Promise<{ ok: true } | { ok: false; error: unknown }> {
  try {
    await run();
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

/** A signal for one kit operation: generous, so a slow real target does not fail the kit. */
export function signal(): AbortSignal {
  return AbortSignal.timeout(30_000);
}

/** Checks an answer's shape; a malformed answer is a contract violation, reported as the guard would word it. */
export function kitAnswer<T>(
  schema: Parameters<typeof checkAnswer<T>>[0],
  answer: unknown,
  operation: string,
): T {
  try {
    return checkAnswer(schema, answer, operation);
  } catch (error) {
    fail((error as Error).message);
  }
}

/** Throws a contract violation. */
export function fail(message: string): never {
  throw new ContractViolation(message);
}
