/**
 * The steps of a log entry as the log stores them: the same JSON, less what the entry's own columns
 * already hold.
 *
 * A cycle writes one entry per object, and the steps are most of its row (about 970 of 1,140 bytes
 * for a user's create with 8 mapped attributes). Every page the rows fill is written to the WAL at
 * commit and again at the checkpoint, so the steps' size is a good part of what writing the log
 * costs. Three parts repeat what the row knows without them:
 *
 * - the import step's `sourceId` and `name`, which are the entry's `source_id` and `source_name`
 *   columns: left out when they are equal to those;
 * - `"old": null` on every change of a create (a create has no old values): left out when every
 *   change of the create has exactly { attribute, old: null, new };
 * - the match step's `value` when it is the entry's `source_name` (matching by userName or
 *   displayName, the usual case).
 *
 * Steps with any part left out are stored as `{"p": [indexes], "s": [...]}`, naming the steps that
 * were packed (short keys: the wrapper is on every row). Anything else (every entry written before
 * this format, a step that differs from the columns) is stored as the plain array it was and read
 * as it is, so existing rows need no upgrade. `unpackSteps` puts the left-out parts back, with the
 * keys in their original order, so a reader sees exactly the steps that were recorded.
 */
import type { JsonObject, JsonValue } from '../../shared/json.js';

/**
 * The JSON text the log stores for `steps` of an entry of `sourceId` / `sourceName`. The packed
 * steps are new objects, shallow, serialised by one `JSON.stringify` of the whole: building the
 * text piece by piece cost more CPU than the smaller rows saved.
 */
export function storedStepsJson(
  steps: readonly JsonObject[],
  sourceId: string,
  sourceName: string | undefined,
): string {
  let stored: JsonValue[] | undefined;
  let packed: number[] | undefined;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    let replaced: JsonObject | undefined;
    if (step.step === 'import' && step.sourceId === sourceId && step.name === sourceName) {
      replaced = {};
      for (const key in step) if (key !== 'sourceId' && key !== 'name') replaced[key] = step[key]!;
    } else if (step.step === 'action' && step.action === 'create' && createChangesPackable(step.changes)) {
      replaced = {};
      for (const key in step)
        replaced[key] = key === 'changes' ? withoutOld(step.changes as JsonObject[]) : step[key]!;
    } else if (
      step.step === 'match' &&
      sourceName !== undefined &&
      step.value === sourceName &&
      'attribute' in step
    ) {
      replaced = {};
      for (const key in step) if (key !== 'value') replaced[key] = step[key]!;
    }
    if (replaced === undefined) continue;
    stored ??= steps.slice();
    stored[i] = replaced;
    (packed ??= []).push(i);
  }
  return JSON.stringify(stored === undefined ? steps : { p: packed!, s: stored });
}

/** A create's changes without their `"old": null`. */
function withoutOld(changes: readonly JsonObject[]): JsonObject[] {
  const out = new Array<JsonObject>(changes.length);
  for (let c = 0; c < changes.length; c++)
    out[c] = { attribute: changes[c]!.attribute!, new: changes[c]!.new! };
  return out;
}

/** The steps as they were recorded, from what the log stored (packed or whole). */
export function unpackSteps(stored: JsonValue, sourceId: string, sourceName: string | null): JsonObject[] {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) {
    return stored as unknown as JsonObject[];
  }
  const steps = stored.s as JsonObject[];
  for (const i of stored.p as number[]) {
    const step = steps[i]!;
    if (step.step === 'import') steps[i] = importStep(step, sourceId, sourceName);
    else if (step.step === 'match') steps[i] = matchStep(step, sourceName!);
    else steps[i] = { ...step, changes: (step.changes as JsonObject[]).map(withOldNull) };
  }
  return steps;
}

/** A create's change with its `"old": null` back in its place. */
function withOldNull(change: JsonObject): JsonObject {
  return { attribute: change.attribute!, old: null, new: change.new! };
}

/** The match step with the value it looked for (the object's name) back after its attribute. */
function matchStep(packed: JsonObject, sourceName: string): JsonObject {
  const step: JsonObject = {};
  for (const key of Object.keys(packed)) {
    step[key] = packed[key]!;
    if (key === 'attribute') step.value = sourceName;
  }
  return step;
}

/** The import step with its `sourceId` and `name` back in their places (after `step`). */
function importStep(packed: JsonObject, sourceId: string, sourceName: string | null): JsonObject {
  const step: JsonObject = { step: packed.step!, sourceId };
  if (sourceName !== null) step.name = sourceName;
  for (const key of Object.keys(packed)) if (key !== 'step') step[key] = packed[key]!;
  return step;
}

/** Every change is exactly { attribute, old: null, new }, in that order (what a create records). */
function createChangesPackable(changes: JsonValue | undefined): boolean {
  if (!Array.isArray(changes)) return false;
  for (const change of changes) {
    if (change === null || typeof change !== 'object' || Array.isArray(change)) return false;
    if (change.old !== null || typeof change.attribute !== 'string' || change.new === undefined) return false;
    let n = 0;
    for (const key in change) {
      if (key !== (n === 0 ? 'attribute' : n === 1 ? 'old' : n === 2 ? 'new' : '')) return false;
      n++;
    }
    if (n !== 3) return false;
  }
  return true;
}
