/**
 * The accounts Provisio manages in the application (for access reviews): every one, in a
 * virtualised table that reads the next keyset page as its end comes into view. A search looks
 * through all of them: it reads the remaining pages first, then narrows what is shown.
 */
import { memo, useCallback, useEffect, useMemo, useState } from 'react';
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
const ROW_HEIGHT = 34;
const COLUMNS = ['Directory object', 'Type', 'Account in the application', 'State', 'Linked', 'Updated'];
const COLUMN_TEMPLATE = 'minmax(10rem, 1fr) 4.5rem minmax(10rem, 1.5fr) 5.5rem 12rem 12rem';

const searchText = (a: Account) =>
  `${a.sourceName ?? ''} ${a.sourceId} ${a.targetName ?? ''} ${a.targetId}`.toLowerCase();

export default function Accounts({ app }: AppPageProps) {
  const accounts = useKeysetPages<Account>({
    path: `/apps/${seg(app)}/accounts`,
    listKey: 'accounts',
    sizeParam: 'count',
    size: PAGE,
  });
  const [text, setText] = useState('');
  const needle = text.trim().toLowerCase();
  const { more, loadAll } = accounts;
  // A search must see every account, not only the pages scrolled through so far.
  useEffect(() => {
    if (needle !== '' && more) void loadAll();
  }, [needle, more, loadAll]);
  // Every page is held (no keepPages): the search narrows the whole list.
  const all = accounts.loadedRows();
  const shown = useMemo(
    () => (needle ? all.filter((a) => searchText(a).includes(needle)) : all),
    [all, needle],
  );
  return (
    <>
      <ProblemAlert error={accounts.error} />
      <div className="field">
        <label htmlFor="accounts-search">Search accounts</label>
        <input id="accounts-search" type="search" value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <p className="muted" aria-live="polite" data-testid="accounts-count">
        {needle ? `${shown.length} of ${all.length} accounts match` : `${all.length} accounts loaded`}
        {more ? (accounts.loadingAll ? ', reading the rest' : ', more below') : ''}.
      </p>
      <AccountTable rows={shown} onRange={needle ? undefined : accounts.show} />
    </>
  );
}

const AccountTable = memo(function AccountTable({
  rows,
  onRange,
}: {
  rows: readonly Account[];
  onRange: ((first: number, end: number) => void) | undefined;
}) {
  const renderRow = useCallback(
    (account: Account, place: RowPlace) => (
      <AccountRow account={account} rowIndex={place.rowIndex} start={place.start} />
    ),
    [],
  );
  return (
    <VirtualTable
      count={rows.length}
      rowAt={(index) => rows[index]}
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
