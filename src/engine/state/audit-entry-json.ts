import type { AuditEntry } from './engine-state.js';

/**
 * One audit entry as JSON, the one shape `provisio audit --json` prints and the admin API's
 * `GET /admin/v1/audit` answers (docs/engine/applications.md).
 */
export function auditEntryJson(entry: AuditEntry): Record<string, unknown> {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    ...(entry.app !== undefined ? { app: entry.app } : {}),
    ...(entry.before !== undefined ? { before: entry.before } : {}),
    ...(entry.after !== undefined ? { after: entry.after } : {}),
  };
}
