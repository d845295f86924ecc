/** Who changed what, when (GET /admin/v1/audit). */
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

export default function AuditLog() {
  const loaded = useApi<unknown>('/audit', { limit: 200 });
  const entries = listOf<AuditEntry>(loaded.data, 'entries');
  return (
    <>
      <ProblemAlert error={loaded.error} />
      <table className="grid">
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
            <tr key={e.id ?? i}>
              <td>{formatTime(e.at)}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>{e.app ?? ''}</td>
              <td>
                {describeAuditChange(e.before, e.after).map((line) => (
                  <div key={line}>{line}</div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && !loaded.loading ? <p>No audit entries.</p> : null}
    </>
  );
}
