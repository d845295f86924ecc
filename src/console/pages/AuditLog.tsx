/** Who changed what, when, and who signed in and out (GET /admin/v1/audit). */
import { listOf } from '../api/shapes.js';
import type { Json } from '../api/types.js';
import { describeAuditChange } from '../components/audit-change.js';
import { formatTime } from '../components/badges.js';
import { ProblemAlert } from '../components/forms.js';
import { useApi } from '../components/use-api.js';

interface AuditEntry {
  readonly id?: number | string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly app?: string;
  readonly before?: Json;
  readonly after?: Json;
}

/** The sign-in actions in words; other actions are shown as the API names them. */
const SESSION_ACTIONS: Record<string, string> = {
  'session.sign-in': 'Signed in',
  'session.sign-in-denied': 'Sign-in refused',
  'session.lockout': 'Locked out',
  'session.sign-out': 'Signed out',
};

function field(value: Json | undefined, name: string): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value[name] : undefined;
}

/** A sign-in entry in a line: the address, the role, and what a lockout locked until when. */
function sessionDetails(entry: AuditEntry): string {
  const parts: string[] = [];
  const address = field(entry.after, 'address');
  if (typeof address === 'string') parts.push(`from ${address}`);
  const role = field(entry.after, 'role');
  if (typeof role === 'string') parts.push(`as ${role}`);
  const locked = field(entry.after, 'locked');
  const until = field(entry.after, 'until');
  if (Array.isArray(locked)) {
    parts.push(
      `${locked.map((which) => (which === 'user' ? 'user name' : 'address')).join(' and ')} locked${typeof until === 'string' ? ` until ${formatTime(until)}` : ''}`,
    );
  }
  return parts.join(', ');
}

export default function AuditLog() {
  const loaded = useApi<unknown>('/audit', { limit: 200 });
  const entries = listOf<AuditEntry>(loaded.data, 'entries');
  return (
    <>
      <ProblemAlert error={loaded.error} />
      <table className="grid" data-testid="audit-entries">
        <caption className="sr-only">Audit log</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Application</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e, i) => (
            <tr key={e.id ?? i} data-action={e.action}>
              <td>{formatTime(e.at)}</td>
              <td>{e.actor}</td>
              <td>{SESSION_ACTIONS[e.action] ?? e.action}</td>
              <td>{e.app ?? ''}</td>
              <td>
                {e.action in SESSION_ACTIONS ? (
                  <div>{sessionDetails(e)}</div>
                ) : (
                  describeAuditChange(e.before, e.after).map((line) => <div key={line}>{line}</div>)
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && !loaded.loading ? <p>No audit entries.</p> : null}
    </>
  );
}
