/**
 * Who is in scope: only assigned users and groups, or everyone; and per object type, scoping
 * filter groups (clauses in a group all hold; any group may), with the engine's operators.
 */
import { useEffect, useState } from 'react';
import type { JsonObject } from '../api/types.js';
import type { AppPageProps } from '../app/pages.js';
import { useSession } from '../app/session.js';
import { ProblemAlert, SelectField, TextField } from '../components/forms.js';
import { useApi } from '../components/use-api.js';
import { copyOf, objectAt, useAppDefinition } from '../components/use-app-definition.js';

/** One operator as `GET /scope-operators` answers it: the engine's list is the only one. */
interface ScopeOperator {
  readonly name: string;
  readonly takesValue: boolean;
}

interface Clause {
  attribute: string;
  operator: string;
  value?: string;
}
type Groups = Record<string, { clauses: Clause[] }[]>;

/** Where the API reports a problem with one clause (the paths of the app file). */
const clausePath = (type: string, group: number, clause: number) =>
  `objects.${type}.scope.filters[${group}].clauses[${clause}]`;

export default function Scope({ app }: AppPageProps) {
  const { can } = useSession();
  const def = useAppDefinition(app);
  const operatorList = useApi<{ operators: ScopeOperator[] }>('/scope-operators');
  // Unset until the stored definition is read, so the form never shows defaults in its place.
  const [scope, setScope] = useState<string>();
  const [groups, setGroups] = useState<Groups>({});
  const definition = def.definition;

  useEffect(() => {
    if (!definition) return;
    setScope(String(((definition.settings ?? {}) as JsonObject).scope ?? 'assigned'));
    const objects = (definition.objects ?? {}) as JsonObject;
    setGroups(
      Object.fromEntries(
        Object.entries(objects).map(([type, o]) => [
          type,
          ((((o as JsonObject).scope ?? {}) as JsonObject).filters ?? []) as unknown as {
            clauses: Clause[];
          }[],
        ]),
      ),
    );
  }, [definition]);

  if (!definition || scope === undefined) return <ProblemAlert error={def.error} />;
  if (!operatorList.data) return <ProblemAlert error={operatorList.error} />;
  const operators = operatorList.data.operators;
  const operatorNames = operators.map((o) => o.name);
  // An operator the list does not name (a spelling such as not_equals) is treated as taking a value.
  const takesValue = (name: string) => operators.find((o) => o.name === name)?.takesValue ?? true;
  // The fields shown claim the API's problems about them; the rest are shown above the form.
  const claimedPaths = Object.entries(groups).flatMap(([type, filters]) =>
    filters.flatMap((group, g) =>
      group.clauses.flatMap((clause, c) =>
        ['attribute', 'operator', ...(takesValue(clause.operator) ? ['value'] : [])].map(
          (field) => `${clausePath(type, g, c)}.${field}`,
        ),
      ),
    ),
  );
  const admin = can('admin');
  const save = () => {
    const next = copyOf(definition);
    objectAt(next, ['settings']).scope = scope;
    for (const [type, filters] of Object.entries(groups)) {
      const object = objectAt(next, ['objects', type]);
      if (filters.length === 0) delete object.scope;
      else
        object.scope = {
          filters: filters.map((g) => ({
            clauses: g.clauses.map((c) =>
              !takesValue(c.operator)
                ? { attribute: c.attribute, operator: c.operator }
                : { ...c, value: c.value ?? '' },
            ),
          })),
        };
    }
    void def.save(next);
  };
  const update = (type: string, fn: (filters: { clauses: Clause[] }[]) => void) => {
    const copy = structuredClone(groups);
    fn((copy[type] ??= []));
    setGroups(copy);
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <ProblemAlert error={def.saveError} claimed={claimedPaths} />
      {def.saved ? (
        <p className="notice" role="status">
          Scope saved.
        </p>
      ) : null}
      <fieldset disabled={!admin}>
        <legend>Users and groups in scope</legend>
        <label className="radio">
          <input
            type="radio"
            name="scope"
            value="assigned"
            checked={scope === 'assigned'}
            onChange={() => setScope('assigned')}
          />{' '}
          Sync only assigned users and groups
        </label>
        <label className="radio">
          <input
            type="radio"
            name="scope"
            value="all"
            checked={scope === 'all'}
            onChange={() => setScope('all')}
          />{' '}
          Sync all users and groups
        </label>
      </fieldset>
      {Object.entries(groups).map(([type, filters]) => (
        <fieldset key={type} disabled={!admin}>
          <legend>{type} scoping filters</legend>
          {filters.length === 0 ? (
            <p className="hint">No filter: every {type.toLowerCase()} passes.</p>
          ) : null}
          {filters.map((group, g) => (
            <div key={g} className="panel" role="group" aria-label={`${type} clause group ${g + 1}`}>
              <p>
                <strong>Group {g + 1}</strong> (every clause must hold{g > 0 ? '; any group may' : ''})
              </p>
              {group.clauses.map((clause, c) => (
                <div key={c} className="clause">
                  <TextField
                    label={`Attribute (group ${g + 1}, clause ${c + 1})`}
                    path={`${clausePath(type, g, c)}.attribute`}
                    error={def.saveError}
                    value={clause.attribute}
                    onChange={(e) => update(type, (f) => (f[g]!.clauses[c]!.attribute = e.target.value))}
                  />
                  <SelectField
                    label={`Operator (group ${g + 1}, clause ${c + 1})`}
                    path={`${clausePath(type, g, c)}.operator`}
                    error={def.saveError}
                    value={clause.operator}
                    // A spelling the file holds (not_equals) stays offered as it is, so the page
                    // shows the truth and a save changes nothing the person did not change.
                    options={
                      operatorNames.includes(clause.operator)
                        ? operatorNames
                        : [...operatorNames, clause.operator]
                    }
                    onChange={(e) => update(type, (f) => (f[g]!.clauses[c]!.operator = e.target.value))}
                  />
                  {takesValue(clause.operator) ? (
                    <TextField
                      label={`Value (group ${g + 1}, clause ${c + 1})`}
                      path={`${clausePath(type, g, c)}.value`}
                      error={def.saveError}
                      value={clause.value ?? ''}
                      onChange={(e) => update(type, (f) => (f[g]!.clauses[c]!.value = e.target.value))}
                    />
                  ) : null}
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => update(type, (f) => f[g]!.clauses.splice(c, 1))}
                  >
                    Remove clause {c + 1}
                  </button>
                </div>
              ))}
              <div className="actions">
                <button
                  type="button"
                  className="secondary"
                  onClick={() =>
                    update(type, (f) => f[g]!.clauses.push({ attribute: '', operator: 'EQUALS', value: '' }))
                  }
                >
                  Add clause
                </button>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => update(type, (f) => f.splice(g, 1))}
                >
                  Remove group {g + 1}
                </button>
              </div>
            </div>
          ))}
          <button
            type="button"
            className="secondary"
            onClick={() =>
              update(type, (f) => f.push({ clauses: [{ attribute: '', operator: 'EQUALS', value: '' }] }))
            }
          >
            Add {type} clause group
          </button>
        </fieldset>
      ))}
      {admin ? (
        <div className="actions">
          <button type="submit" disabled={def.saving}>
            Save scope
          </button>
        </div>
      ) : null}
    </form>
  );
}
