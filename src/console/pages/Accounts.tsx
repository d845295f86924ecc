/**
 * The accounts Provisio manages in the application (for access reviews): every one, in a
 * virtualised table that reads the next keyset page as its end comes into view and holds only the
 * pages near the view (far ones are read again when the view comes back), so scrolling through
 * 100,000 accounts keeps the heap small. A search is the API's (`search`): the table becomes the
 * keyset pages of the accounts that match, read and held the same way, so only matches are read.
 */
import { memo, useCallback, useEffect, useState } from 'react';
import { seg } from '../api/client.js';
import type { AppPageProps } from '../app/pages.js';
import { formatTime } from '../components/badges.js';
import { ProblemAlert } from '../components/forms.js';
import { useKeysetPages } from '../components/use-keyset-pages.js';
import { VirtualTable, rowStyle, type RowPlace } from '../components/VirtualTable.js';

interface Account {
  readonly objectType: string;
  readonly sourceId: string;
  readonly sourceName?: string;
  readonly targetId: string;
  readonly targetName?: string;
  readonly state: string;
  readonly linked?: string;
  readonly updated?: string;
}

/** Accounts per request: the API's largest page. */
const PAGE = 1000;
/** Pages held on each side of the ones in view: a few screens of scrolling back need no read. */
const KEEP_PAGES = 2;
/** Typing pause before a search is asked of the API: every keystroke would otherwise be a request. */
const PAUSE_MS = 250;
/** The API's longest search text. */
const SEARCH_MAX = 200;
const ROW_HEIGHT = 34;
const COLUMNS = ['Directory object', 'Type', 'Account in the application', 'State', 'Linked', 'Updated'];
const COLUMN_TEMPLATE = 'minmax(10rem, 1fr) 4.5rem minmax(10rem, 1.5fr) 5.5rem 12rem 12rem';

export default function Accounts({ app }: AppPageProps) {
  const [text, setText] = useState('');
  /** The search the list was asked for: the text once typing paused ('' at once when cleared). */
  const [search, setSearch] = useState('');
  useEffect(() => {
    const next = text.trim();
    const timer = setTimeout(() => setSearch(next), next === '' ? 0 : PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  const accounts = useKeysetPages<Account>({
    path: `/apps/${seg(app)}/accounts`,
    query: search === '' ? {} : { search },
    listKey: 'accounts',
    sizeParam: 'count',
    size: PAGE,
    keepPages: KEEP_PAGES,
  });
  return (
    <>
      <ProblemAlert error={accounts.error} />
      <div className="field">
        <label htmlFor="accounts-search">Search accounts</label>
        <input
          id="accounts-search"
          type="search"
          maxLength={SEARCH_MAX}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <p className="muted" aria-live="polite" data-testid="accounts-count">
        {search === ''
          ? `${accounts.count} accounts loaded`
          : `${accounts.count} ${accounts.count === 1 ? 'account matches' : 'accounts match'}`}
        {accounts.more ? ', more below' : ''}.
      </p>
      {/* A new list is a new table, from its top: not at a scroll position of the list before. */}
      <AccountTable
        key={search}
        count={accounts.count}
        rowAt={accounts.rowAt}
        failedAt={accounts.failedAt}
        onRange={accounts.show}
      />
    </>
  );
}

/** The accounts' virtualised table: the list's rows by index (every account, or a search's). */
const AccountTable = memo(function AccountTable({
  count,
  rowAt,
  failedAt,
  onRange,
}: {
  count: number;
  rowAt: (index: number) => Account | null | undefined;
  failedAt: (index: number) => boolean;
  onRange: (first: number, end: number) => void;
}) {
  const renderRow = useCallback(
    (account: Account, place: RowPlace) => (
      <AccountRow account={account} rowIndex={place.rowIndex} start={place.start} />
    ),
    [],
  );
  return (
    <VirtualTable
      count={count}
      rowAt={rowAt}
      failedAt={failedAt}
      columns={COLUMNS}
      label="Managed accounts"
      testId="accounts-scroller"
      rowHeight={ROW_HEIGHT}
      columnTemplate={COLUMN_TEMPLATE}
      onRange={onRange}
      renderRow={renderRow}
    />
  );
});

const AccountRow = memo(function AccountRow({
  account,
  rowIndex,
  start,
}: {
  account: Account;
  rowIndex: number;
  start: number;
}) {
  return (
    <div
      role="row"
      aria-rowindex={rowIndex}
      className="vrow vrow-static"
      style={rowStyle(start, ROW_HEIGHT, COLUMN_TEMPLATE)}
    >
      <span role="rowheader">{account.sourceName ?? account.sourceId}</span>
      <span role="cell">{account.objectType}</span>
      <span role="cell">
        {account.targetName ? `${account.targetName} ` : ''}
        <code>{account.targetId}</code>
      </span>
      <span role="cell">{account.state}</span>
      <span role="cell">{formatTime(account.linked)}</span>
      <span role="cell">{formatTime(account.updated)}</span>
    </div>
  );
});
