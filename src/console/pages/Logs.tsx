/**
 * The provisioning log: filters above a virtualised table (only the rows in view are in the DOM,
 * so 100,000 entries scroll as smoothly as ten), keyset pages loaded as the end comes into view,
 * a row opens its steps, and the filtered log exports as CSV or JSON. The list is read without
 * the steps (about 1 KB an entry), and only the pages near the view are held (far ones are read
 * again when the view comes back), so sweeping through 100,000 entries keeps the heap small and
 * the garbage collector's pauses short; an opened row reads its one entry with its steps.
 */
import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import { api, apiUrl, seg } from '../api/client.js';
import type { LogEntry, LogEntryBrief } from '../api/types.js';
import type { AppPageProps } from '../app/pages.js';
import { formatTime } from '../components/badges.js';
import { ProblemAlert, SelectField, TextField } from '../components/forms.js';
import { StepsView } from '../components/StepsView.js';
import { entriesToCsv, download } from '../components/export-file.js';
import { useKeysetPages } from '../components/use-keyset-pages.js';
import { VirtualTable, rowStyle, type RowPlace } from '../components/VirtualTable.js';

interface Filters {
  status: string;
  action: string;
  user: string;
  cycle: string;
  since: string;
  until: string;
}
const NO_FILTERS: Filters = { status: '', action: '', user: '', cycle: '', since: '', until: '' };
const PAGE = 500;
/** Pages held on each side of the ones in view: a few screens of scrolling back need no read. */
const KEEP_PAGES = 4;
const ROW_HEIGHT = 34;

function queryOf(filters: Filters): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(filters)) {
    if (value === '') continue;
    query[key] = key === 'since' || key === 'until' ? new Date(value).toISOString() : value;
  }
  return query;
}

/** The opened entry's steps, read when its row opens; answers for an earlier row are dropped. */
function useEntrySteps(app: string, open: LogEntryBrief | undefined) {
  const [loaded, setLoaded] = useState<{ id: LogEntry['id']; steps?: LogEntry['steps']; error?: unknown }>();
  const id = open?.id;
  useEffect(() => {
    if (id === undefined) return;
    let current = true;
    setLoaded(undefined);
    api
      .get<LogEntry>(`/apps/${seg(app)}/logs/${seg(String(id))}`)
      .then((entry) => current && setLoaded({ id, steps: entry.steps }))
      .catch((error: unknown) => current && setLoaded({ id, error }));
    return () => {
      current = false;
    };
  }, [app, id]);
  return loaded?.id === id ? loaded : undefined;
}

export default function Logs({ app }: AppPageProps) {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  /** The last export's failure: it concerns those filters only, so new filters clear it. */
  const [exportError, setExportError] = useState<unknown>();
  const [open, setOpen] = useState<LogEntryBrief>();
  const [exporting, setExporting] = useState(false);
  const query = useMemo(() => ({ ...queryOf(filters), steps: 'false' }), [filters]);
  const log = useKeysetPages<LogEntryBrief>({
    path: `/apps/${seg(app)}/logs`,
    query,
    listKey: 'entries',
    sizeParam: 'limit',
    size: PAGE,
    keepPages: KEEP_PAGES,
  });
  const openSteps = useEntrySteps(app, open);

  // The steps open below the table: move focus there, so the keyboard and the eye follow.
  const stepsHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (open) stepsHeading.current?.focus();
  }, [open]);

  const applyFilters = (next: Filters) => {
    setExportError(undefined);
    setFilters(next);
  };

  const exportAs = async (format: 'csv' | 'json') => {
    setExportError(undefined);
    setExporting(true);
    try {
      // One streamed request for every entry the filters select (NDJSON, one entry a line).
      const response = await fetch(apiUrl(`/apps/${seg(app)}/logs`, queryOf(filters)), {
        headers: { Accept: 'application/x-ndjson' },
        credentials: 'same-origin',
      });
      if (!response.ok) throw new Error(`the log export answered ${response.status}`);
      const all = (await response.text())
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as LogEntry);
      const name = `${app}-provisioning-log.${format}`;
      if (format === 'json') download(name, 'application/json', JSON.stringify(all, null, 2));
      else download(name, 'text/csv', entriesToCsv(all));
    } catch (caught) {
      setExportError(caught);
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <form
        className="filters"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
          applyFilters(draft);
        }}
      >
        <SelectField
          label="Status"
          value={draft.status}
          onChange={(e) => setDraft({ ...draft, status: e.target.value })}
          options={[{ value: '', label: 'Any' }, 'success', 'failure', 'skipped', 'warning']}
        />
        <SelectField
          label="Action"
          value={draft.action}
          onChange={(e) => setDraft({ ...draft, action: e.target.value })}
          options={[{ value: '', label: 'Any' }, 'create', 'update', 'disable', 'enable', 'delete', 'skip']}
        />
        <TextField
          label="User"
          value={draft.user}
          onChange={(e) => setDraft({ ...draft, user: e.target.value })}
        />
        <TextField
          label="Cycle"
          value={draft.cycle}
          onChange={(e) => setDraft({ ...draft, cycle: e.target.value })}
        />
        <TextField
          label="Since"
          type="datetime-local"
          value={draft.since}
          onChange={(e) => setDraft({ ...draft, since: e.target.value })}
        />
        <TextField
          label="Until"
          type="datetime-local"
          value={draft.until}
          onChange={(e) => setDraft({ ...draft, until: e.target.value })}
        />
        <div className="actions">
          <button type="submit">Apply filters</button>
          <button
            type="button"
            className="secondary"
            disabled={exporting}
            onClick={() => void exportAs('csv')}
          >
            Export CSV
          </button>
          <button
            type="button"
            className="secondary"
            disabled={exporting}
            onClick={() => void exportAs('json')}
          >
            Export JSON
          </button>
        </div>
      </form>
      <ProblemAlert error={exportError ?? log.error} />
      <p className="muted" aria-live="polite">
        {log.count} entries loaded{log.more ? ', more below' : ''}.
      </p>
      <LogTable
        count={log.count}
        rowAt={log.rowAt}
        failedAt={log.failedAt}
        onOpen={setOpen}
        onRange={log.show}
      />
      {open && (
        <section className="panel" aria-labelledby="entry-steps">
          <h2 id="entry-steps" ref={stepsHeading} tabIndex={-1}>
            Steps: {open.action} {open.sourceName ?? open.sourceId} ({open.status})
          </h2>
          <p className="muted">
            Cycle <code>{open.cycleId}</code>, {formatTime(open.at)}
            {open.targetId ? (
              <>
                , target <code>{open.targetId}</code>
              </>
            ) : null}
          </p>
          {open.error ? (
            <p className="problem">{String(open.error.message ?? JSON.stringify(open.error))}</p>
          ) : null}
          {openSteps?.error !== undefined ? (
            <ProblemAlert error={openSteps.error} />
          ) : openSteps?.steps !== undefined ? (
            <StepsView steps={openSteps.steps} />
          ) : (
            <p className="muted" aria-live="polite">
              Loading steps…
            </p>
          )}
          <button type="button" className="secondary" onClick={() => setOpen(undefined)}>
            Close steps
          </button>
        </section>
      )}
    </>
  );
}

const COLUMNS = ['Time', 'Type', 'Name', 'Action', 'Status', 'Reason'];

/** The log's virtualised table; each row is memoised on its entry and position. */
const LogTable = memo(function LogTable({
  count,
  rowAt,
  failedAt,
  onOpen,
  onRange,
}: {
  count: number;
  rowAt: (index: number) => LogEntryBrief | null | undefined;
  failedAt: (index: number) => boolean;
  onOpen: (entry: LogEntryBrief) => void;
  onRange: (first: number, end: number) => void;
}) {
  const renderRow = useCallback(
    (entry: LogEntryBrief, place: RowPlace) => (
      <LogRow entry={entry} rowIndex={place.rowIndex} start={place.start} onOpen={onOpen} />
    ),
    [onOpen],
  );
  return (
    <VirtualTable
      count={count}
      rowAt={rowAt}
      failedAt={failedAt}
      columns={COLUMNS}
      label="Provisioning log"
      testId="logs-scroller"
      rowHeight={ROW_HEIGHT}
      onRange={onRange}
      renderRow={renderRow}
    />
  );
});

const LogRow = memo(function LogRow({
  entry,
  rowIndex,
  start,
  onOpen,
}: {
  entry: LogEntryBrief;
  rowIndex: number;
  start: number;
  onOpen: (entry: LogEntryBrief) => void;
}) {
  // The table hands a row's element to another entry when it scrolls out of view: a focused row
  // lets go of the focus then, as it would if its element were removed.
  const element = useRef<HTMLDivElement>(null);
  useLayoutEffect(
    () => () => {
      if (element.current !== null && element.current === document.activeElement) element.current.blur();
    },
    [entry.id],
  );
  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen(entry);
    }
  };
  return (
    <div
      ref={element}
      role="row"
      aria-rowindex={rowIndex}
      className={`vrow status-${entry.status}`}
      tabIndex={0}
      style={rowStyle(start, ROW_HEIGHT)}
      onClick={() => onOpen(entry)}
      onKeyDown={onKey}
      aria-label={`${entry.action} ${entry.sourceName ?? entry.sourceId}: ${entry.status}. Open steps`}
    >
      <span role="cell">{formatTime(entry.at)}</span>
      <span role="cell">{entry.objectType}</span>
      <span role="cell">{entry.sourceName ?? entry.sourceId}</span>
      <span role="cell">{entry.action}</span>
      <span role="cell">{entry.status}</span>
      <span role="cell">{entry.reason ?? ''}</span>
    </div>
  );
});
