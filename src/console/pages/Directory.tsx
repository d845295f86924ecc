/** The directory's users and groups, read-only. */
import { useState } from 'react';
import { ProblemAlert } from '../components/forms.js';
import { useDirectory } from '../components/use-directory.js';

export default function Directory() {
  const [kind, setKind] = useState<'users' | 'groups'>('users');
  const [text, setText] = useState('');
  const found = useDirectory(kind, text, 100);
  return (
    <>
      <div className="actions" role="group" aria-label="Show">
        <button
          type="button"
          className={kind === 'users' ? '' : 'secondary'}
          aria-pressed={kind === 'users'}
          onClick={() => setKind('users')}
        >
          Users
        </button>
        <button
          type="button"
          className={kind === 'groups' ? '' : 'secondary'}
          aria-pressed={kind === 'groups'}
          onClick={() => setKind('groups')}
        >
          Groups
        </button>
      </div>
      <div className="field">
        <label htmlFor="directory-search">Search {kind}</label>
        <input id="directory-search" type="search" value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <ProblemAlert error={found.error} />
      <table className="grid">
        <caption className="sr-only">Directory {kind}</caption>
        <thead>
          {kind === 'users' ? (
            <tr>
              <th scope="col">User name</th>
              <th scope="col">Display name</th>
              <th scope="col">Active</th>
              <th scope="col">Id</th>
            </tr>
          ) : (
            <tr>
              <th scope="col">Display name</th>
              <th scope="col">Members</th>
              <th scope="col">Id</th>
            </tr>
          )}
        </thead>
        <tbody>
          {found.resources.map((r) =>
            kind === 'users' ? (
              <tr key={r.id}>
                <th scope="row">{r.userName}</th>
                <td>{r.displayName ?? ''}</td>
                <td>{r.active === false ? 'no' : 'yes'}</td>
                <td>
                  <code>{r.id}</code>
                </td>
              </tr>
            ) : (
              <tr key={r.id}>
                <th scope="row">{r.displayName}</th>
                <td>{Array.isArray(r.members) ? r.members.length : ''}</td>
                <td>
                  <code>{r.id}</code>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </>
  );
}
