/**
 * A provisioning-log entry's steps as Entra shows them: import, scope, match, action, result, each
 * with what it decided; the action's modified properties as old -> new.
 */
import type { Json, JsonObject } from '../api/types.js';

const TITLES: Record<string, string> = {
  import: 'Import',
  scope: 'Determine if in scope',
  match: 'Match user',
  action: 'Perform action',
  result: 'Result',
};

const show = (value: Json | undefined): string =>
  value === undefined || value === null
    ? '(empty)'
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

export function StepsView({ steps }: { steps: readonly JsonObject[] }) {
  return (
    <ol className="steps">
      {steps.map((step, i) => {
        const name = String(step.step ?? `step ${i + 1}`);
        const changes = Array.isArray(step.changes) ? (step.changes as JsonObject[]) : [];
        const rest = Object.entries(step).filter(([k]) => k !== 'step' && k !== 'changes');
        return (
          <li key={i} className="step" data-step={name}>
            <h3>
              {i + 1}. {TITLES[name] ?? name}
            </h3>
            {rest.length > 0 && (
              <dl className="kv">
                {rest.map(([k, v]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd>{show(v)}</dd>
                  </div>
                ))}
              </dl>
            )}
            {changes.length > 0 && (
              <table className="grid changes">
                <caption>Modified properties</caption>
                <thead>
                  <tr>
                    <th scope="col">Property</th>
                    <th scope="col">Old value</th>
                    <th scope="col">New value</th>
                  </tr>
                </thead>
                <tbody>
                  {changes.map((c, j) => (
                    <tr key={j}>
                      <th scope="row">
                        <code>{String(c.attribute)}</code>
                      </th>
                      <td>{show(c.old)}</td>
                      <td>
                        <span aria-hidden="true">→ </span>
                        {show(c.new)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </li>
        );
      })}
    </ol>
  );
}
