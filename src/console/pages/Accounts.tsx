/**
 * The accounts Provisio manages in the application (for access reviews): every one, in a
 * virtualised table that reads the next keyset page as its end comes into view and holds only the
 * pages near the view (far ones are read again when the view comes back), so scrolling through
 * 100,000 accounts keeps the heap small. A search looks through all of them: it visits every page,
 * reading the remaining ones and again the ones given up, and keeps only the accounts that match.
 */
import { memo, useCallback, useState } from 'react';
import { seg } from '../api/client.js';
import type { AppPageProps } from '../app/pages.js';
import { formatTime } from '../components/badges.js';
import { ProblemAlert } from '../components/forms.js';
import { useKeysetPages } from '../components/use-keyset-pages.js';
import { useKeysetSearch } from '../components/use-keyset-search.js';
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
const ROW_HEIGHT = 34;
const COLUMNS = ['Directory object', 'Type', 'Account in the application', 'State', 'Linked', 'Updated'];
const COLUMN_TEMPLATE = 'minmax(10rem, 1fr) 4.5rem minmax(10rem, 1.5fr) 5.5rem 12rem 12rem';

/** The search text (lower-cased) is in the account's names or ids. */
const matches = (a: Account, needle: string) =>
  `${a.sourceName ?? ''} ${a.sourceId} ${a.targetName ?? ''} ${a.targetId}`.toLowerCase().includes(needle);

export default function Accounts({ app }: AppPageProps) {
  const accounts = useKeysetPages<Account>({
    path: `/apps/${seg(app)}/accounts`,
    listKey: 'accounts',
    sizeParam: 'count',
    size: PAGE,
    keepPages: KEEP_PAGES,
  });
  const [text, setText] = useState('');
  const search = useKeysetSearch(accounts, text.trim().toLowerCase(), matches);
  const found = search?.found;
  const foundAt = useCallback((index: number) => found?.[index], [found]);
  return (
    <>
      <ProblemAlert error={search?.error ?? accounts.error} />
      <div className="field">
        <label htmlFor="accounts-search">Search accounts</label>
        <input id="accounts-search" type="search" value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <p className="muted" aria-live="polite" data-testid="accounts-count">
        {search
          ? `${search.found.length} of ${accounts.count} accounts match${search.searching ? ', reading the rest' : ''}`
          : `${accounts.count} accounts loaded${accounts.more ? ', more below' : ''}`}
        .
      </p>
      {search ? (
        <AccountTable count={search.found.length} rowAt={foundAt} />
      ) : (
        <AccountTable
          count={accounts.count}
          rowAt={accounts.rowAt}
          failedAt={accounts.failedAt}
          onRange={accounts.show}
        />
      )}
    </>
  );
}

/** The accounts' virtualised table: the list's rows by index, or the accounts a search found. */
const AccountTable = memo(function AccountTable({
  count,
  rowAt,
  failedAt,
  onRange,
}: {
  count: number;
  rowAt: (index: number) => Account | null | undefined;
  failedAt?: (index: number) => boolean;
  onRange?: (first: number, end: number) => void;
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
      {...(failedAt ? { failedAt } : {})}
      columns={COLUMNS}
      label="Managed accounts"
      testId="accounts-scroller"
      rowHeight={ROW_HEIGHT}
      columnTemplate={COLUMN_TEMPLATE}
      {...(onRange ? { onRange } : {})}
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
