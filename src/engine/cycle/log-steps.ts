/**
 * The steps of a provisioning-log entry: import -> scope -> match -> action -> result. Values that
 * came through Redact() are shown as `[Redact]`, on both sides of a change; matching values too.
 */
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { ConnectorError } from '../../connectors/spi/connector-error.js';
import type { LogAction, LogStatus } from '../state/engine-state.js';
import type { PlannedChange } from './engine-service.js';
import type { Decision, ObjectEvaluation } from './planner.js';
import { MEMBERS_KEY } from './planner.js';

export const REDACTED = '[Redact]';

/** How the object was matched, for the match step. */
export type MatchStep =
  | { readonly via: 'link'; readonly targetId: string }
  | {
      readonly via: 'attribute';
      readonly attribute: string;
      readonly value: JsonValue;
      readonly redacted: boolean;
      readonly found: number;
      readonly targetId?: string;
    }
  | { readonly via: 'none' };

export function matchStepJson(match: MatchStep | undefined): JsonObject {
  if (match === undefined || match.via === 'none') return { step: 'match', matched: false };
  if (match.via === 'link') return { step: 'match', matched: true, via: 'link', targetId: match.targetId };
  const step: JsonObject = {
    step: 'match',
    matched: match.targetId !== undefined,
    via: 'attribute',
    attribute: match.attribute,
    value: match.redacted ? REDACTED : match.value,
    found: match.found,
  };
  if (match.targetId !== undefined) step.targetId = match.targetId;
  return step;
}

/** The log action a decision records. */
export function logActionOf(decision: Decision): LogAction {
  switch (decision.kind) {
    case 'create':
      return 'create';
    case 'update':
      return decision.enable &&
        decision.changes.length === 0 &&
        decision.addMembers.length === 0 &&
        decision.removeMembers.length === 0
        ? 'enable'
        : 'update';
    case 'disable':
      return 'disable';
    case 'delete':
      return 'delete';
    case 'skip':
    case 'match':
      return 'skip';
  }
}

/** The per-attribute changes a decision makes, redacted values hidden. */
export function plannedChanges(evaluation: ObjectEvaluation, decision: Decision): PlannedChange[] {
  const redacted = evaluation.redacted;
  if (decision.kind === 'create') {
    const attributes = decision.attributes;
    const changes: PlannedChange[] = [];
    for (const attribute of Object.keys(attributes))
      changes.push({ attribute, old: null, new: hide(redacted, attribute, attributes[attribute]) });
    if (decision.members.length > 0)
      changes.push({ attribute: MEMBERS_KEY, old: null, new: decision.members });
    return changes;
  }
  if (decision.kind === 'update') {
    const changes: PlannedChange[] = decision.changes.map((c) => ({
      attribute: c.attribute,
      old: hide(redacted, c.attribute, c.oldValue),
      new: hide(redacted, c.attribute, c.newValue),
    }));
    if (decision.addMembers.length > 0 || decision.removeMembers.length > 0) {
      changes.push({
        attribute: MEMBERS_KEY,
        old: { remove: decision.removeMembers },
        new: { add: decision.addMembers },
      });
    }
    if (decision.enable) changes.push({ attribute: 'enabled', old: false, new: true });
    return changes;
  }
  if (decision.kind === 'disable') return [{ attribute: 'enabled', old: true, new: false }];
  return [];
}

/** A value as the log shows it: `[Redact]` when its attribute came through Redact(). */
function hide(redacted: ReadonlySet<string>, attribute: string, value: unknown): unknown {
  return redacted.size > 0 && redacted.has(attribute) ? REDACTED : value;
}

/** The action step. */
export function actionStepJson(decision: Decision, changes: readonly PlannedChange[]): JsonObject {
  const step: JsonObject = { step: 'action', action: logActionOf(decision) };
  if (decision.kind === 'skip') step.reason = decision.reason;
  if (decision.kind === 'disable' || decision.kind === 'delete') step.why = decision.why;
  if (decision.kind === 'update' && decision.adopted) step.adopted = true;
  if (changes.length > 0) step.changes = changes as unknown as JsonValue;
  return step;
}

/** The outcome of executing one decision, as the result step and the entry's fields record it. */
export interface ExecutionResult {
  readonly status: LogStatus;
  readonly reason?: string;
  readonly error?: ConnectorError;
  readonly attempts: number;
  readonly nextRetry?: Date;
  readonly message?: string;
  /** The account the operation made or touched, when the decision did not know it (a create). */
  readonly targetId?: string;
}

export function resultStepJson(result: ExecutionResult): JsonObject {
  // Field by field rather than spreads of conditional objects: one of these per object per cycle.
  const step: JsonObject = { step: 'result', status: result.status };
  if (result.reason !== undefined) step.reason = result.reason;
  if (result.message !== undefined) step.message = result.message;
  if (result.error) step.error = errorJson(result.error, result.nextRetry);
  if (result.attempts > 1) step.attempts = result.attempts;
  return step;
}

/**
 * A classified error for the log: code, message, the target's own words (`detail`: a SCIM 400's
 * `scimType: detail`, an LDAP diagnostic, a SQL message; connectors scrub their credentials from
 * it, `scrubRedacted` the object's Redact()ed values) and its code, whether a retry helps, when
 * the next one is.
 */
export function errorJson(error: ConnectorError, nextRetry?: Date): JsonObject {
  const json: JsonObject = { code: error.code, message: error.message, retryable: error.retryable };
  if (error.detail !== undefined && error.detail !== '') json.detail = clipDetail(error.detail);
  if (error.targetCode !== undefined) json.targetCode = error.targetCode;
  if (nextRetry) json.retryAt = nextRetry.toISOString();
  return json;
}

/** The longest detail a log entry keeps: enough for any target's message, not a whole page. */
export const MAX_ERROR_DETAIL = 2_000;

function clipDetail(detail: string): string {
  return detail.length <= MAX_ERROR_DETAIL ? detail : `${detail.slice(0, MAX_ERROR_DETAIL)}…`;
}

/** Values shorter than this are not scrubbed: replacing `a` or `42` everywhere would destroy the text. */
const MIN_SCRUBBED_LENGTH = 4;

/**
 * The error with every Redact()ed value of the object (a password, a generated secret) replaced
 * by `[Redact]` in its message and detail: a target that echoes what it was sent ("password
 * 'hunter22' is too weak") must not put the secret into the log, the escrow or an alert.
 */
export function scrubRedacted(error: ConnectorError, evaluation: ObjectEvaluation): ConnectorError {
  if (evaluation.redacted.size === 0) return error;
  const secrets = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.length >= MIN_SCRUBBED_LENGTH) secrets.add(value);
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      if (String(value).length >= MIN_SCRUBBED_LENGTH) secrets.add(String(value));
    } else if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(collect);
  };
  for (const attribute of evaluation.redacted) {
    collect(evaluation.desired[attribute]);
    collect(evaluation.createAttributes[attribute]);
  }
  for (const m of evaluation.matching) if (m.redacted) collect(m.value);
  if (secrets.size === 0) return error;
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...secrets].sort((a, b) => b.length - a.length);
  const scrub = (text: string): string => {
    let out = text;
    for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
  const message = scrub(error.message);
  const detail = error.detail === undefined ? undefined : scrub(error.detail);
  if (message === error.message && detail === error.detail) return error;
  return new ConnectorError(error.code, message, {
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    ...(detail !== undefined ? { detail } : {}),
    ...(error.targetCode !== undefined ? { targetCode: error.targetCode } : {}),
  });
}
