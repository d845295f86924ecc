/** Search the directory and pick one user or group (a labelled search box and a list of buttons). */
import { useId, useState } from 'react';
import { ProblemAlert } from './forms.js';
import { resourceLabel, useDirectory, type DirectoryResource } from './use-directory.js';

export function DirectoryPicker({
  kind,
  label,
  action,
  onPick,
}: {
  kind: 'users' | 'groups';
  label: string;
  /** The pick button's text, e.g. "Select" or "Assign". */
  action: string;
  onPick: (resource: DirectoryResource) => void;
}) {
  const id = useId();
  const [text, setText] = useState('');
  const found = useDirectory(kind, text, 20);
  return (
    <div className="picker">
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          autoComplete="off"
        />
      </div>
      <ProblemAlert error={found.error} />
      <ul className="pick-list" aria-label={kind === 'users' ? 'Users found' : 'Groups found'}>
        {found.resources.map((r) => (
          <li key={r.id}>
            <span>{resourceLabel(r)}</span>{' '}
            <button
              type="button"
              className="secondary"
              aria-label={`${action} ${resourceLabel(r)}`}
              onClick={() => onPick(r)}
            >
              {action}
            </button>
          </li>
        ))}
        {found.resources.length === 0 && !found.loading ? <li className="muted">Nothing found.</li> : null}
      </ul>
    </div>
  );
}
