/** Who is assigned to the app, with which app role: search the directory, assign, unassign. */
import { useState } from 'react';
import { api, seg } from '../api/client.js';
import { listOf } from '../api/shapes.js';
import type { JsonObject } from '../api/types.js';
import type { AppPageProps } from '../app/pages.js';
import { useSession } from '../app/session.js';
import { ProblemAlert, SelectField } from '../components/forms.js';
import { useApi } from '../components/use-api.js';
import { useAppDefinition } from '../components/use-app-definition.js';
import type { DirectoryResource } from '../components/use-directory.js';
import { DirectoryPicker } from '../components/UserPicker.js';

interface Assignment {
  readonly principalType: 'User' | 'Group';
  readonly principalId: string;
  readonly principalName?: string;
  readonly role: string;
}

const nameOf = (a: Assignment) => a.principalName ?? a.principalId;

export default function Assignments({ app }: AppPageProps) {
  const { can } = useSession();
  const assignments = useApi<unknown>(`/apps/${seg(app)}/assignments`);
  const def = useAppDefinition(app);
  const roles = ((def.definition?.appRoles ?? []) as JsonObject[]).map((r) => String(r.value));
  const [role, setRole] = useState('');
  const [error, setError] = useState<unknown>();
  const list = listOf<Assignment>(assignments.data, 'assignments');
  const operator = can('operator');

  const assign = async (type: 'User' | 'Group', resource: DirectoryResource) => {
    setError(undefined);
    try {
      await api.post(`/apps/${seg(app)}/assignments`, {
        principalType: type,
        principal: resource.id,
        ...(role || roles[0] ? { role: role || roles[0] } : {}),
      });
      assignments.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  const unassign = async (a: Assignment) => {
    setError(undefined);
    try {
      await api.delete(`/apps/${seg(app)}/assignments`, undefined, {
        query: { principalType: a.principalType, principal: a.principalId, role: a.role },
      });
      assignments.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <>
      <ProblemAlert error={assignments.error ?? error} />
      <table className="grid">
        <caption className="sr-only">Assigned users and groups</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Role</th>
            {operator ? <th scope="col">Unassign</th> : null}
          </tr>
        </thead>
        <tbody>
          {list.length === 0 ? (
            <tr>
              <td colSpan={4}>Nobody is assigned.</td>
            </tr>
          ) : null}
          {list.map((a) => (
            <tr key={`${a.principalType}-${a.principalId}-${a.role}`}>
              <th scope="row">{nameOf(a)}</th>
              <td>{a.principalType}</td>
              <td>{a.role}</td>
              {operator ? (
                <td>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`Unassign ${nameOf(a)}`}
                    onClick={() => void unassign(a)}
                  >
                    Unassign
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {operator && (
        <section aria-labelledby="assign-heading">
          <h2 id="assign-heading">Assign</h2>
          {roles.length > 0 ? (
            <SelectField
              label="Role"
              value={role || roles[0]}
              onChange={(e) => setRole(e.target.value)}
              options={roles}
            />
          ) : null}
          <div className="two">
            <DirectoryPicker
              kind="users"
              label="Search users"
              action="Assign"
              onPick={(r) => void assign('User', r)}
            />
            <DirectoryPicker
              kind="groups"
              label="Search groups"
              action="Assign"
              onPick={(r) => void assign('Group', r)}
            />
          </div>
        </section>
      )}
    </>
  );
}
