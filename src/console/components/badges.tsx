import type { AppStatus } from '../api/types.js';

/** The app's state as a word and its warnings as badges (quarantined, deletions held, paused). */
export function StateBadges({ status }: { status: AppStatus }) {
  return (
    <span className="badges">
      {status.running ? <span className="badge running">Running</span> : null}
      {status.paused ? <span className="badge paused">Paused</span> : null}
      {status.quarantine ? <span className="badge quarantine">Quarantined</span> : null}
      {status.hold && !status.hold.approved ? <span className="badge held">Deletions held</span> : null}
      {!status.running && !status.paused && !status.quarantine && !(status.hold && !status.hold.approved) ? (
        <span className="badge ok">{status.enabled === false ? 'Disabled' : 'Idle'}</span>
      ) : null}
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
