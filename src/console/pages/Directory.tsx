/**
 * The directory's users and groups, read-only. The group list carries no members (a large group's
 * would make the page heavy); a group's members are read when a person asks for them.
 */
import { Fragment, useState } from 'react';
import { seg } from '../api/client.js';
import { ProblemAlert } from '../components/forms.js';
import { useApi } from '../components/use-api.js';
import { useDirectory, type DirectoryResource } from '../components/use-directory.js';

interface Member {
  readonly value: string;
  readonly display?: string;
  readonly type?: string;
}

/** One group's members, read from GET /directory/groups/{id}. */
function GroupMembers({ group, columns }: { group: DirectoryResource; columns: number }) {
  const loaded = useApi<{ members?: Member[] }>(`/directory/groups/${seg(group.id)}`);
  const members = loaded.data?.members ?? [];
  return (
    <tr>
      <td colSpan={columns}>
        <ProblemAlert error={loaded.error} />
        {loaded.data === undefined ? null : members.length === 0 ? (
          <p>{group.displayName} has no members.</p>
        ) : (
          <ul aria-label={`Members of ${group.displayName}`}>
            {members.map((m) => (
              <li key={m.value}>
                {m.display ?? m.value}
                {m.type ? <span className="muted"> ({m.type})</span> : null}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}

export default function Directory() {
  const [kind, setKind] = useState<'users' | 'groups'>('users');
  const [text, setText] = useState('');
  const found = useDirectory(kind, text, 100);
  const [opened, setOpened] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpened((now) => {
      const next = new Set(now);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
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
              <Fragment key={r.id}>
                <tr>
                  <th scope="row">{r.displayName}</th>
                  <td>
                    <button
                      type="button"
                      className="secondary"
                      aria-expanded={opened.has(r.id)}
                      onClick={() => toggle(r.id)}
                    >
                      {opened.has(r.id) ? 'Hide' : 'Show'} members of {r.displayName}
                    </button>
                  </td>
                  <td>
                    <code>{r.id}</code>
                  </td>
                </tr>
                {opened.has(r.id) ? <GroupMembers group={r} columns={3} /> : null}
              </Fragment>
            ),
          )}
        </tbody>
      </table>
    </>
  );
}
