/** The accounts Provisio manages in the application (for access reviews). */
import { useState } from 'react';
import { seg } from '../api/client.js';
import { listOf } from '../api/shapes.js';
import type { AppPageProps } from '../app/pages.js';
import { formatTime } from '../components/badges.js';
import { ProblemAlert } from '../components/forms.js';
import { useApi } from '../components/use-api.js';

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

export default function Accounts({ app }: AppPageProps) {
  const loaded = useApi<unknown>(`/apps/${seg(app)}/accounts`, { count: 1000 });
  const [text, setText] = useState('');
  const all = listOf<Account>(loaded.data, 'accounts');
  const needle = text.trim().toLowerCase();
  const shown = needle
    ? all.filter((a) =>
        `${a.sourceName ?? ''} ${a.targetName ?? ''} ${a.targetId}`.toLowerCase().includes(needle),
      )
    : all;
  return (
    <>
      <ProblemAlert error={loaded.error} />
      <div className="field">
        <label htmlFor="accounts-search">Search accounts</label>
        <input id="accounts-search" type="search" value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <p className="muted">
        {shown.length} of {all.length} accounts.
      </p>
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Directory object</th>
            <th scope="col">Type</th>
            <th scope="col">Account in the application</th>
            <th scope="col">State</th>
            <th scope="col">Linked</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {shown.slice(0, 1000).map((a) => (
            <tr key={`${a.objectType}-${a.sourceId}`}>
              <th scope="row">{a.sourceName ?? a.sourceId}</th>
              <td>{a.objectType}</td>
              <td>
                {a.targetName ?? ''} <code>{a.targetId}</code>
              </td>
              <td>{a.state}</td>
              <td>{formatTime(a.linked)}</td>
              <td>{formatTime(a.updated)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length > 1000 ? <p className="muted">The first 1,000 are shown; search to narrow.</p> : null}
    </>
  );
}
