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
  // Restart walks every object in scope again: it is asked for twice, never started by one stray click.
  const [confirmingRestart, setConfirmingRestart] = useState(false);

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
  const cycles: readonly CycleInfo[] = s?.recentCycles ?? (s?.lastCycle ? [s.lastCycle] : []);
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
            disabled={busy || Boolean(running) || confirmingRestart}
            onClick={() => setConfirmingRestart(true)}
          >
            Restart
          </button>
        </div>
      )}
      {can('operator') && confirmingRestart && (
        <div className="notice" role="group" aria-labelledby="restart-question">
          <p id="restart-question">
            Restart clears the watermark, the escrowed objects and any quarantine, and the next cycle
            evaluates every object in scope again (links to accounts are kept). Restart now?
          </p>
          <div className="actions">
            <button
              type="button"
              disabled={busy || Boolean(running)}
              onClick={() => {
                setConfirmingRestart(false);
                void act('sync', { restart: 'true' });
              }}
            >
              Restart now
            </button>
            <button type="button" onClick={() => setConfirmingRestart(false)}>
              Cancel
            </button>
          </div>
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
          <table className="grid" data-testid="recent-cycles">
            <caption className="sr-only">The last cycles, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
                <th scope="col">Kind</th>
                <th scope="col">Changes</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {cycles.map((c) => (
                <tr key={c.id} data-cycle-id={c.id}>
                  <td title={c.id}>{formatTime(c.started)}</td>
                  <td>
                    {c.durationMs !== undefined
                      ? formatDuration(c.durationMs)
                      : c.status === 'running'
                        ? 'running'
                        : '—'}
                  </td>
                  <td>{c.kind ?? '—'}</td>
                  <td>
                    {/* A running cycle's counts are written when it ends. */}
                    {c.status === 'running' ? (
                      '—'
                    ) : (
                      <SummaryText summary={c.summary as Record<string, number>} />
                    )}
                  </td>
                  <td>
                    <span className={`outcome ${c.status}`}>{OUTCOMES[c.status] ?? c.status}</span>
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

/** The engine's cycle statuses in words. */
const OUTCOMES: Record<string, string> = {
  running: 'Running',
  completed: 'Completed',
  completedWithFailures: 'Completed with failures',
  held: 'Deletions held',
  quarantined: 'Quarantined',
  failed: 'Failed',
};

/** `850 ms`, `12.3 s`, `4 min 5 s`. */
function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
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
