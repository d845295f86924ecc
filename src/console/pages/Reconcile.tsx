/** The application's accounts against what the mappings give: drift, orphans, missing; Fix converges. */
import { useState } from 'react';
import { api, seg } from '../api/client.js';
import type { CycleSummary, JsonObject, PlannedItem } from '../api/types.js';
import type { AppPageProps } from '../app/pages.js';
import { useSession } from '../app/session.js';
import { SummaryText } from '../components/badges.js';
import { ProblemAlert } from '../components/forms.js';
import { PlanTable } from '../components/PlanTable.js';

interface ReconcileAnswer {
  readonly fixed?: boolean;
  readonly drift: readonly PlannedItem[];
  readonly orphans: readonly {
    objectType: string;
    targetId: string;
    name?: string;
    attributes?: JsonObject;
  }[];
  readonly missing: readonly PlannedItem[];
  readonly summary?: CycleSummary;
}

/**
 * What a person recognises an orphan by: the connector's name for it (an LDAP DN), else the
 * target's own naming attribute (SCIM's userName or displayName, a SQL row's user_name).
 */
function orphanName(orphan: ReconcileAnswer['orphans'][number]): string {
  if (orphan.name !== undefined) return orphan.name;
  const attributes = orphan.attributes ?? {};
  for (const key of ['userName', 'displayName', 'user_name', 'display_name', 'name']) {
    const value = attributes[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return '';
}

export default function Reconcile({ app }: AppPageProps) {
  const { can } = useSession();
  const [answer, setAnswer] = useState<ReconcileAnswer>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (fix: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      setAnswer(
        await api.post<ReconcileAnswer>(
          `/apps/${seg(app)}/reconcile`,
          undefined,
          fix ? { query: { fix: 'true' } } : {},
        ),
      );
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  if (!can('operator')) return <p>Reconciling needs the operator role.</p>;
  const toFix = answer ? answer.drift.length + answer.missing.length : 0;
  return (
    <>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void run(false)}>
          Compare with the application
        </button>
        {answer && !answer.fixed && toFix > 0 ? (
          <button type="button" className="danger" disabled={busy} onClick={() => void run(true)}>
            Fix {toFix} drifted and missing accounts
          </button>
        ) : null}
      </div>
      {busy ? <p role="status">Reading the application's accounts…</p> : null}
      <ProblemAlert error={error} />
      {answer && (
        <>
          {answer.fixed ? (
            <p className="notice" role="status">
              Fixed: <SummaryText summary={answer.summary as Record<string, number>} />
            </p>
          ) : null}
          <h2>Drift ({answer.drift.length})</h2>
          {answer.drift.length > 0 ? <PlanTable items={answer.drift} caption="Drift" /> : <p>No drift.</p>}
          <h2>Missing ({answer.missing.length})</h2>
          {answer.missing.length > 0 ? (
            <PlanTable items={answer.missing} caption="Missing accounts" />
          ) : (
            <p>Nothing missing.</p>
          )}
          <h2>Orphans ({answer.orphans.length})</h2>
          {answer.orphans.length > 0 ? (
            <table className="grid">
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">Name</th>
                  <th scope="col">Id in the application</th>
                </tr>
              </thead>
              <tbody>
                {answer.orphans.map((o) => (
                  <tr key={`${o.objectType}-${o.targetId}`}>
                    <td>{o.objectType}</td>
                    <td>{orphanName(o)}</td>
                    <td>
                      <code>{o.targetId}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>No orphaned accounts.</p>
          )}
        </>
      )}
    </>
  );
}
