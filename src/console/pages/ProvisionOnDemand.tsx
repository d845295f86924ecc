/** One user through the whole pipeline now, every step shown; or planned only (dry run). */
import { useState } from 'react';
import { api, seg } from '../api/client.js';
import type { LogEntry, PlannedItem } from '../api/types.js';
import type { AppPageProps } from '../app/pages.js';
import { useSession } from '../app/session.js';
import { ProblemAlert } from '../components/forms.js';
import { StepsView } from '../components/StepsView.js';
import { resourceLabel, type DirectoryResource } from '../components/use-directory.js';
import { DirectoryPicker } from '../components/UserPicker.js';

interface ProvisionAnswer {
  readonly dryRun?: boolean;
  readonly entries?: readonly LogEntry[];
  readonly item?: PlannedItem;
}

export default function ProvisionOnDemand({ app }: AppPageProps) {
  const { can } = useSession();
  const [user, setUser] = useState<DirectoryResource>();
  const [dryRun, setDryRun] = useState(false);
  const [answer, setAnswer] = useState<ProvisionAnswer>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const provision = async () => {
    if (!user) return;
    setBusy(true);
    setError(undefined);
    setAnswer(undefined);
    try {
      setAnswer(
        await api.post<ProvisionAnswer>(`/apps/${seg(app)}/provision`, {
          user: user.userName ?? user.id,
          dryRun,
        }),
      );
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  if (!can('operator')) return <p>Provisioning on demand needs the operator role.</p>;
  const entries = answer?.entries ?? [];
  const steps = entries.length > 0 ? entries.flatMap((e) => e.steps) : (answer?.item?.steps ?? []);
  return (
    <>
      <DirectoryPicker kind="users" label="Search users" action="Select" onPick={setUser} />
      <p>
        Selected user: <strong>{user ? resourceLabel(user) : 'none'}</strong>
      </p>
      <label className="check">
        <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> Dry run: plan
        only, do not change the application
      </label>
      <div className="actions">
        <button type="button" disabled={!user || busy} onClick={() => void provision()}>
          Provision
        </button>
      </div>
      <ProblemAlert error={error} />
      {answer && (
        <section aria-labelledby="provision-result">
          <h2 id="provision-result">
            {answer.dryRun ? 'Planned' : 'Provisioned'}: {answer.item?.action ?? entries[0]?.action ?? ''}
            {entries[0]?.status ? ` (${entries[0].status})` : ''}
          </h2>
          <StepsView steps={steps} />
        </section>
      )}
    </>
  );
}
