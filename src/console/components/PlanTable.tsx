/** Planned changes (preview, reconcile, held deletions) as a filterable diff table. */
import { useId, useState } from 'react';
import type { Json, PlannedItem } from '../api/types.js';

const show = (v: Json | undefined) =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);

export function PlanTable({ items, caption }: { items: readonly PlannedItem[]; caption: string }) {
  const id = useId();
  const [action, setAction] = useState('');
  const [text, setText] = useState('');
  const actions = [...new Set(items.map((i) => i.action))].sort();
  const needle = text.trim().toLowerCase();
  const shown = items.filter(
    (i) =>
      (action === '' || i.action === action) &&
      (needle === '' ||
        (i.sourceName ?? i.sourceId).toLowerCase().includes(needle) ||
        i.changes.some((c) => c.attribute.toLowerCase().includes(needle))),
  );
  return (
    <div>
      <div className="filters">
        <div className="field">
          <label htmlFor={`${id}-action`}>Action</label>
          <select id={`${id}-action`} value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">Any</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-text`}>Name or attribute</label>
          <input id={`${id}-text`} type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
      </div>
      <p className="muted">
        {shown.length} of {items.length} shown.
      </p>
      <table className="grid">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Object</th>
            <th scope="col">Action</th>
            <th scope="col">Attribute</th>
            <th scope="col">Old value</th>
            <th scope="col">New value</th>
          </tr>
        </thead>
        <tbody>
          {shown.flatMap((item) => {
            const changes = item.changes.length > 0 ? item.changes : [undefined];
            return changes.map((c, j) => (
              <tr key={`${item.objectType}-${item.sourceId}-${j}`} className={`action-${item.action}`}>
                {j === 0 ? (
                  <th scope="row" rowSpan={changes.length}>
                    {item.objectType} {item.sourceName ?? item.sourceId}
                    {item.reason ? <div className="muted">{item.reason}</div> : null}
                  </th>
                ) : null}
                {j === 0 ? <td rowSpan={changes.length}>{item.action}</td> : null}
                <td>{c ? <code>{c.attribute}</code> : ''}</td>
                <td className="old">{c ? show(c.old) : ''}</td>
                <td className="new">{c ? show(c.new) : ''}</td>
              </tr>
            ));
          })}
        </tbody>
      </table>
    </div>
  );
}
