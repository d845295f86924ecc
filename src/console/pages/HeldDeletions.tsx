/**
 * Deletions the accidental-deletion guard held: how many, against which threshold, what would be
 * disabled or deleted (from a preview), and Approve, which lets the next cycle perform them.
 */
import { useState } from 'react';
import { api, seg } from '../api/client.js';
import type { AppStatus, PlannedItem } from '../api/types.js';
import type { AppPageProps } from '../app/pages.js';
import { useSession } from '../app/session.js';
import { formatTime } from '../components/badges.js';
import { ProblemAlert } from '../components/forms.js';
import { PlanTable } from '../components/PlanTable.js';
import { useApi } from '../components/use-api.js';

export default function HeldDeletions({ app }: AppPageProps) {
  const { can } = useSession();
  const status = useApi<AppStatus>(`/apps/${seg(app)}/status`);
  const [items, setItems] = useState<readonly PlannedItem[]>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [approved, setApproved] = useState(false);
  const hold = status.data?.hold;

  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await what();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const show = () =>
    run(async () => {
      const preview = await api.post<{ items: readonly PlannedItem[] }>(`/apps/${seg(app)}/preview`);
      setItems(preview.items.filter((i) => i.action === 'disable' || i.action === 'delete'));
    });
  const approve = () =>
    run(async () => {
      await api.post(`/apps/${seg(app)}/approve-deletes`);
      setApproved(true);
      status.reload();
    });

  return (
    <>
      <ProblemAlert error={status.error ?? error} />
      {status.data && !hold ? <p>No deletions are held.</p> : null}
      {hold && (
        <>
          <p className={hold.approved ? 'notice' : 'problem'} role="status">
            {hold.approved
              ? `Approved: the next cycle performs the ${hold.count} held disables and deletes.`
              : `The cycle ${hold.cycleId} of ${formatTime(hold.since)} would have disabled or deleted ${hold.count} accounts, over the threshold of ${hold.threshold}. They are held until approved.`}
          </p>
          {can('operator') && (
            <div className="actions">
              <button type="button" className="secondary" disabled={busy} onClick={() => void show()}>
                Show what would be disabled or deleted
              </button>
              {!hold.approved ? (
                <button type="button" className="danger" disabled={busy} onClick={() => void approve()}>
                  Approve
                </button>
              ) : null}
            </div>
          )}
          {approved ? <p className="notice">Approved.</p> : null}
          {items ? <PlanTable items={items} caption="Held disables and deletes" /> : null}
        </>
      )}
    </>
  );
}
