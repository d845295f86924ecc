/** What the next cycle would do, the target untouched (POST .../preview). */
import { useState } from 'react';
import { api, seg } from '../api/client.js';
import type { CycleSummary, PlannedItem } from '../api/types.js';
import type { AppPageProps } from '../app/pages.js';
import { useSession } from '../app/session.js';
import { SummaryText } from '../components/badges.js';
import { ProblemAlert } from '../components/forms.js';
import { PlanTable } from '../components/PlanTable.js';

interface PreviewAnswer {
  readonly kind?: string;
  readonly summary?: CycleSummary;
  readonly items: readonly PlannedItem[];
  readonly wouldHold?: boolean;
}

export default function Preview({ app }: AppPageProps) {
  const { can } = useSession();
  const [answer, setAnswer] = useState<PreviewAnswer>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setAnswer(await api.post<PreviewAnswer>(`/apps/${seg(app)}/preview`));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  if (!can('operator')) return <p>Previewing needs the operator role.</p>;
  return (
    <>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void run()}>
          {answer ? 'Preview again' : 'Preview the next cycle'}
        </button>
      </div>
      {busy ? <p role="status">Planning…</p> : null}
      <ProblemAlert error={error} />
      {answer && (
        <>
          <p>
            {answer.kind ? `${answer.kind} cycle: ` : ''}
            <SummaryText summary={answer.summary as Record<string, number>} />
          </p>
          {answer.wouldHold ? (
            <p className="problem">The accidental-deletion guard would hold this cycle's deletions.</p>
          ) : null}
          <PlanTable
            items={answer.items.filter((i) => i.action !== 'skip' || i.changes.length > 0)}
            caption="Planned changes"
          />
        </>
      )}
    </>
  );
}
