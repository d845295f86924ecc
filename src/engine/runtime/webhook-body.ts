/**
 * The JSON body the notification webhook receives (docs/engine/operations.md, "The webhook body").
 * Built field by field from the event rather than by copying it, so nothing the engine adds to an
 * event later (a connector's settings, a credential) can reach a third party by accident.
 */
import type { JsonObject, JsonValue } from '../../shared/json.js';
import type { EngineEvent } from '../cycle/engine-service.js';
import { quarantineView } from '../cycle/report-views.js';

/** The events that are notified; `cycleFinished` is not (one per cycle would drown the others). */
export const NOTIFIED_EVENT_TYPES = ['quarantined', 'quarantineLifted', 'deletionsHeld', 'escrowed'] as const;
export type NotifiedEventType = (typeof NOTIFIED_EVENT_TYPES)[number];

/** Version of the body's shape; a receiver can refuse what it does not understand. */
export const WEBHOOK_BODY_VERSION = 1;

export interface WebhookBody extends JsonObject {
  readonly version: number;
  /** Unique per event and the same on every retry, so a receiver can drop duplicates. */
  readonly id: string;
  readonly type: NotifiedEventType;
  readonly app: string;
  /** When the event happened (ISO 8601). */
  readonly at: string;
  /** One line for a chat channel. */
  readonly text: string;
  readonly details: JsonObject;
}

export function isNotified(event: EngineEvent): event is Extract<EngineEvent, { type: NotifiedEventType }> {
  return (NOTIFIED_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** The body for an event that is notified, or undefined for one that is not. */
export function webhookBody(event: EngineEvent, id: string, at: Date): WebhookBody | undefined {
  const base = { version: WEBHOOK_BODY_VERSION, id, app: event.app, at: at.toISOString() };
  switch (event.type) {
    case 'quarantined': {
      const q = event.quarantine;
      return {
        ...base,
        type: event.type,
        text: `Provisioning of ${event.app} is quarantined (level ${q.level}): ${q.reason}. Next attempt ${q.nextAttempt.toISOString()}.`,
        details: quarantineView(q),
      };
    }
    case 'quarantineLifted':
      return {
        ...base,
        type: event.type,
        text: `Provisioning of ${event.app} left quarantine.`,
        details: {},
      };
    case 'deletionsHeld': {
      const h = event.hold;
      return {
        ...base,
        type: event.type,
        text: `Provisioning of ${event.app} is held: a cycle would disable or delete ${h.count} objects (threshold ${h.threshold}). Run \`provisio apps approve-deletes ${event.app}\` to let them through.`,
        details: {
          since: h.since.toISOString(),
          cycleId: h.cycleId,
          count: h.count,
          threshold: h.threshold,
        },
      };
    }
    case 'escrowed': {
      const e = event.escrow;
      return {
        ...base,
        type: event.type,
        text: `A ${e.objectType} keeps failing in ${event.app} (${e.attempts} attempts); it is retried in later cycles.`,
        details: {
          objectType: e.objectType,
          sourceId: e.sourceId,
          attempts: e.attempts,
          firstFailure: e.firstFailure.toISOString(),
          nextAttempt: e.nextAttempt.toISOString(),
          error: errorSummary(e.lastError),
        },
      };
    }
    case 'cycleFinished':
    case 'cycleStarted':
    case 'cycleProgress':
    case 'cycleFailed':
      return undefined;
  }
}

/** Only the classified error's code, message and retryable flag: nothing else the error holds. */
function errorSummary(error: JsonObject): JsonObject {
  const summary: Record<string, JsonValue> = {};
  if (typeof error.code === 'string') summary.code = error.code;
  if (typeof error.message === 'string') summary.message = error.message;
  if (typeof error.retryable === 'boolean') summary.retryable = error.retryable;
  return summary;
}
