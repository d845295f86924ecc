/**
 * One application at a glance: a running cycle's live progress (from the events stream), the
 * last cycles with their summaries, and Start / Pause / Restart.
 */
import { useState } from 'react';
import { api, seg } from '../api/client.js';
import type { AppStatus, CycleInfo, RunningCycle } from '../api/types.js';
import type { AppPageProps } from '../app/pages.js';
import { useSession } from '../app/session.js';
import { StateBadges, SummaryText, formatTime, stateOf } from '../components/badges.js';
import { ProblemAlert } from '../components/forms.js';
import { useApi } from '../components/use-api.js';
import { useAppEvents } from '../components/use-events.js';

export default function Overview({ app }: AppPageProps) {
  const { can } = useSession();
  const status = useApi<AppStatus>(`/apps/${seg(app)}/status`);
  const [progress, setProgress] = useState<RunningCycle & { finished?: string }>();
  const [actionError, setActionError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useAppEvents(app, (event) => {
    if (event.kind === 'progress') {
      setProgress({
        cycleId: event.cycleId,
        done: event.done,
        ...(event.total !== undefined ? { total: event.total } : {}),
        ...(event.phase !== undefined ? { phase: event.phase } : {}),
      });
    } else if (event.kind === 'finished') {
      setProgress((p) => ({
        cycleId: event.cycleId,
        done: p?.total ?? p?.done ?? 0,
        ...(p?.total !== undefined ? { total: p.total } : {}),
        finished: event.status,
      }));
      status.reload();
    } else {
      status.reload();
    }
  });

  const act = async (path: string, query?: Record<string, string>) => {
    setBusy(true);
    setActionError(undefined);
    try {
      const answer = await api.post<{ cycleId?: string } | undefined>(
        `/apps/${seg(app)}/${path}`,
        undefined,
        query ? { query } : {},
      );
      if (answer?.cycleId) setProgress({ cycleId: answer.cycleId, done: 0 });
      status.reload();
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(false);
    }
  };

  const s = status.data;
  const running = progress && !progress.finished ? progress : (s?.running ?? undefined);
  const cycles: readonly CycleInfo[] = s?.cycles ?? (s?.lastCycle ? [s.lastCycle] : []);
  // The status names the last cycle's end only; columns nothing fills are left out.
  const hasKind = cycles.some((c) => c.kind !== undefined);
  const hasStarted = cycles.some((c) => c.started !== undefined);
  return (
    <>
      <ProblemAlert error={status.error} />
      {s && (
        <p>
          State: <StateBadges status={s} />
          {s.quarantine ? <span className="muted"> {s.quarantine.reason}</span> : null}
        </p>
      )}
      {can('operator') && (
        <div className="actions" role="group" aria-label="Cycle">
          <button type="button" disabled={busy || Boolean(running)} onClick={() => void act('sync')}>
            Start
          </button>
          {s && stateOf(s).paused ? (
            <button type="button" disabled={busy} onClick={() => void act('resume')}>
              Resume
            </button>
          ) : (
            <button type="button" disabled={busy} onClick={() => void act('pause')}>
              Pause
            </button>
          )}
          <button
            type="button"
            disabled={busy || Boolean(running)}
            onClick={() => void act('sync', { restart: 'true' })}
          >
            Restart
          </button>
        </div>
      )}
      <ProblemAlert error={actionError} />
      <section aria-labelledby="progress-heading">
        <h2 id="progress-heading">Current cycle</h2>
        {progress || running ? (
          <CycleProgressBar progress={(progress ?? running)!} />
        ) : (
          <p>No cycle is running.</p>
        )}
      </section>
      <section aria-labelledby="cycles-heading">
        <h2 id="cycles-heading">Last cycles</h2>
        {cycles.length === 0 ? (
          <p>No cycle has run yet.</p>
        ) : (
          <table className="grid">
            <thead>
              <tr>
                <th scope="col">Cycle</th>
                {hasKind ? <th scope="col">Kind</th> : null}
                <th scope="col">Status</th>
                {hasStarted ? <th scope="col">Started</th> : null}
                <th scope="col">Finished</th>
                <th scope="col">Summary</th>
              </tr>
            </thead>
            <tbody>
              {cycles.map((c) => (
                <tr key={c.id}>
                  <td>
                    <code>{c.id}</code>
                  </td>
                  {hasKind ? <td>{c.kind ?? '—'}</td> : null}
                  <td>{c.status}</td>
                  {hasStarted ? <td>{formatTime(c.started)}</td> : null}
                  <td>{formatTime(c.finished)}</td>
                  <td>
                    <SummaryText summary={c.summary as Record<string, number>} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function CycleProgressBar({ progress }: { progress: RunningCycle & { finished?: string } }) {
  const done = progress.finished !== undefined;
  const max = progress.total ?? (done ? Math.max(progress.done, 1) : undefined);
  const value = done ? max : progress.done;
  const label = done
    ? `Cycle ${progress.cycleId}: done (${progress.finished})`
    : `Cycle ${progress.cycleId}: ${progress.done}${progress.total !== undefined ? ` of ${progress.total}` : ''} objects${progress.phase ? `, ${progress.phase}` : ''}`;
  return (
    <div className="progress" data-state={done ? 'done' : 'running'}>
      <progress
        id="cycle-progress"
        aria-label="Cycle progress"
        {...(max !== undefined ? { max, value } : {})}
      />
      <p aria-live="polite" className="progress-text">
        {label}
      </p>
    </div>
  );
}
