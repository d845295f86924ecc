import type { AppStatus } from '../api/types.js';

/** What the badges read, from a status or a list entry (which carry it in slightly different fields). */
export function stateOf(status: AppStatus) {
  return {
    running: Boolean(status.running) || status.state === 'running',
    paused: Boolean(status.paused) || Boolean(status.pause) || status.state === 'paused',
    quarantined: Boolean(status.quarantine) || status.quarantined === true || status.state === 'quarantined',
    held: (status.hold ? !status.hold.approved : false) || status.held === true || status.state === 'held',
  };
}

/** The app's state as a word and its warnings as badges (quarantined, deletions held, paused). */
export function StateBadges({ status }: { status: AppStatus }) {
  const s = stateOf(status);
  const quiet = !s.running && !s.paused && !s.quarantined && !s.held;
  return (
    <span className="badges">
      {s.running ? <span className="badge running">Running</span> : null}
      {s.paused ? <span className="badge paused">Paused</span> : null}
      {s.quarantined ? <span className="badge quarantine">Quarantined</span> : null}
      {s.held ? <span className="badge held">Deletions held</span> : null}
      {quiet ? <span className="badge ok">{status.enabled === false ? 'Disabled' : 'Idle'}</span> : null}
    </span>
  );
}

/** One formatter for every time shown: toLocaleString builds a new one per call, which a scrolling log table cannot afford. */
const TIME_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatTime(iso: string | undefined | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : TIME_FORMAT.format(date);
}

export function SummaryText({ summary }: { summary: Record<string, number | undefined> | undefined }) {
  if (!summary) return <>—</>;
  const parts = Object.entries(summary)
    .filter(([, n]) => typeof n === 'number' && n > 0)
    .map(([k, n]) => `${k} ${n}`);
  return <>{parts.length > 0 ? parts.join(', ') : 'nothing to do'}</>;
}
