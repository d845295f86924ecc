/**
 * The attribute mappings of each object type. Editing one opens the expression editor (or the
 * source attribute), with diagnostics and a live result; saving PUTs the changed definition.
 */
import { useState } from 'react';
import type { JsonObject } from '../api/types.js';
import type { AppPageProps } from '../app/pages.js';
import { useSession } from '../app/session.js';
import { ProblemAlert, SelectField, TextField } from '../components/forms.js';
import { copyOf, useAppDefinition, type AppDefinition } from '../components/use-app-definition.js';
import { resourceLabel, useDirectory } from '../components/use-directory.js';
import { ExpressionEditor } from '../expression/ExpressionEditor.js';

interface Mapping extends JsonObject {
  target: string;
}

interface Editing {
  readonly objectType: string;
  readonly index: number;
  readonly mapping: Mapping;
  readonly kind: 'source' | 'expression' | 'constant';
}

const mappingsOf = (definition: AppDefinition, objectType: string): Mapping[] =>
  ((((definition.objects ?? {}) as JsonObject)[objectType] as JsonObject | undefined)?.mappings ??
    []) as Mapping[];

function kindOf(mapping: Mapping): Editing['kind'] {
  if (typeof mapping.expression === 'string') return 'expression';
  if (mapping.constant !== undefined) return 'constant';
  return 'source';
}

export default function Mappings({ app }: AppPageProps) {
  const { can } = useSession();
  const def = useAppDefinition(app);
  const [editing, setEditing] = useState<Editing>();
  const users = useDirectory('users');
  const choices = users.resources.map((u) => ({ id: u.id, label: resourceLabel(u) }));

  if (!def.definition) return <ProblemAlert error={def.error} />;
  const definition = def.definition;
  const objectTypes = Object.keys((definition.objects ?? {}) as JsonObject);

  const save = async () => {
    if (!editing) return;
    const next = copyOf(definition);
    const list = mappingsOf(next, editing.objectType);
    const mapping: Mapping = { ...editing.mapping };
    for (const key of ['source', 'expression', 'constant'] as const)
      if (key !== editing.kind) delete mapping[key];
    list[editing.index] = mapping;
    if (await def.save(next)) setEditing(undefined);
  };

  const pathPrefix = editing ? `objects.${editing.objectType}.mappings.${editing.index}` : '';
  return (
    <>
      <ProblemAlert error={def.error} />
      {def.saved ? (
        <p className="notice" role="status">
          Mapping saved.
        </p>
      ) : null}
      {objectTypes.map((objectType) => (
        <section key={objectType} aria-labelledby={`mappings-${objectType}`}>
          <h2 id={`mappings-${objectType}`}>{objectType} mappings</h2>
          <table className="grid">
            <thead>
              <tr>
                <th scope="col">Target attribute</th>
                <th scope="col">Source or expression</th>
                <th scope="col">Matching</th>
                <th scope="col">Apply</th>
                {can('admin') ? <th scope="col">Edit</th> : null}
              </tr>
            </thead>
            <tbody>
              {mappingsOf(definition, objectType).map((m, index) => (
                <tr key={`${m.target}-${index}`}>
                  <th scope="row">
                    <code>{m.target}</code>
                  </th>
                  <td>
                    <code>
                      {typeof m.expression === 'string'
                        ? m.expression
                        : m.constant !== undefined
                          ? `"${String(m.constant)}"`
                          : String(m.source ?? '')}
                    </code>
                  </td>
                  <td>
                    {m.matchingPrecedence !== undefined ? `precedence ${String(m.matchingPrecedence)}` : ''}
                  </td>
                  <td>{String(m.apply ?? 'always')}</td>
                  {can('admin') ? (
                    <td>
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`Edit ${objectType} mapping ${m.target}`}
                        onClick={() => setEditing({ objectType, index, mapping: { ...m }, kind: kindOf(m) })}
                      >
                        Edit
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      {editing && (
        <section className="panel" aria-labelledby="edit-mapping">
          <h2 id="edit-mapping">
            Edit mapping <code>{editing.mapping.target}</code>
          </h2>
          <ProblemAlert error={def.saveError} claimed={[pathPrefix]} />
          <SelectField
            label="Mapping type"
            value={editing.kind}
            onChange={(e) => setEditing({ ...editing, kind: e.target.value as Editing['kind'] })}
            options={[
              { value: 'source', label: 'Direct (source attribute)' },
              { value: 'expression', label: 'Expression' },
              { value: 'constant', label: 'Constant' },
            ]}
          />
          {editing.kind === 'expression' ? (
            <ExpressionEditor
              app={app}
              objectType={editing.objectType}
              users={choices}
              value={String(editing.mapping.expression ?? '')}
              onChange={(expression) =>
                setEditing({ ...editing, mapping: { ...editing.mapping, expression } })
              }
            />
          ) : (
            <TextField
              label={editing.kind === 'source' ? 'Source attribute' : 'Constant value'}
              path={`${pathPrefix}.${editing.kind}`}
              error={def.saveError}
              value={String(editing.mapping[editing.kind] ?? '')}
              onChange={(e) =>
                setEditing({ ...editing, mapping: { ...editing.mapping, [editing.kind]: e.target.value } })
              }
            />
          )}
          <div className="actions">
            <button type="button" disabled={def.saving} onClick={() => void save()}>
              Save mapping
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(undefined)}>
              Cancel
            </button>
          </div>
        </section>
      )}
    </>
  );
}
