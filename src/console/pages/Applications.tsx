/**
 * Every application with its state, last cycle, counts and badges; and creating one from a
 * template (SCIM, LDAP, SQL) or from YAML, as `provisio apps apply` takes it.
 */
import { useState, type FormEvent } from 'react';
import { api, seg } from '../api/client.js';
import type { AppListItem } from '../api/types.js';
import { appPath } from '../app/pages.js';
import { Link, navigate } from '../app/router.js';
import { useSession } from '../app/session.js';
import { TEMPLATES, fillTemplate } from '../app/templates.js';
import { StateBadges, SummaryText, formatTime } from '../components/badges.js';
import { ProblemAlert, SelectField, TextField } from '../components/forms.js';
import { useApi } from '../components/use-api.js';
import { useAppEvents } from '../components/use-events.js';
import { listOf } from '../api/shapes.js';

export default function Applications() {
  const { can } = useSession();
  const apps = useApi<unknown>('/apps');
  useAppEvents(undefined, (event) => {
    if (event.kind === 'finished' || event.kind === 'state') apps.reload();
  });
  const list = listOf<AppListItem>(apps.data, 'apps');
  return (
    <>
      <ProblemAlert error={apps.error} />
      {list.length === 0 && !apps.loading ? <p>No applications yet.</p> : null}
      {list.length > 0 && (
        <table className="grid">
          <caption className="sr-only">Applications</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">State</th>
              <th scope="col">Last cycle</th>
              <th scope="col">Last cycle's counts</th>
              <th scope="col">Accounts</th>
              <th scope="col">Escrowed</th>
            </tr>
          </thead>
          <tbody>
            {list.map((app) => (
              <tr key={app.name}>
                <th scope="row">
                  <Link href={appPath(app.name)}>{app.name}</Link>
                  {app.description ? <div className="muted">{app.description}</div> : null}
                  {app.connector ? <div className="muted">{app.connector}</div> : null}
                </th>
                <td>
                  <StateBadges status={app} />
                </td>
                <td>
                  {app.lastCycle
                    ? `${app.lastCycle.status}, ${formatTime(app.lastCycle.finished ?? app.lastCycle.started)}`
                    : 'never'}
                </td>
                <td>
                  <SummaryText summary={app.lastCycle?.summary as Record<string, number>} />
                </td>
                <td>{app.linked ?? '—'}</td>
                <td>{app.escrows ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {can('admin') ? <CreateApplication /> : null}
    </>
  );
}

function CreateApplication() {
  const [source, setSource] = useState<string>('scim');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [yaml, setYaml] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const template = TEMPLATES.find((t) => t.id === source);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const text = template ? fillTemplate(template, name, values) : yaml;
    const appName = template ? name : (/^name:\s*["']?([^"'\s#]+)/m.exec(yaml)?.[1] ?? '');
    try {
      if (appName === '')
        throw new Error('The YAML needs a top-level name: the application is stored under it.');
      await api.put(`/apps/${seg(appName)}`, undefined, {
        rawBody: { text, contentType: 'application/yaml' },
      });
      navigate(appPath(appName));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const claimed = ['name', 'yaml', ...(template?.fields.map((f) => f.path) ?? [])];
  return (
    <section aria-labelledby="create-app">
      <h2 id="create-app">Create an application</h2>
      <form onSubmit={(e) => void submit(e)}>
        <ProblemAlert error={error} claimed={template ? claimed : []} />
        <SelectField
          label="Template"
          value={source}
          onChange={(e) => setSource(e.target.value)}
          options={[
            ...TEMPLATES.map((t) => ({ value: t.id, label: t.label })),
            { value: 'yaml', label: 'From YAML' },
          ]}
        />
        {template ? (
          <>
            <TextField
              label="Name"
              path="name"
              error={error}
              required
              // The API's rule (APP_NAME_PATTERN). Chromium compiles a pattern with the v flag, where
              // an unescaped - in a class is an error that silently switches the check off.
              pattern="[a-z0-9][a-z0-9._\-]*"
              hint="Lower-case letters, digits, dots, underscores and hyphens; first a letter or digit."
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            {template.fields.map((field) => (
              <TextField
                key={field.variable}
                label={field.label}
                path={field.path}
                error={error}
                type={field.secret ? 'password' : 'text'}
                autoComplete={field.secret ? 'new-password' : 'off'}
                required
                value={values[field.variable] ?? ''}
                onChange={(e) => setValues({ ...values, [field.variable]: e.target.value })}
              />
            ))}
          </>
        ) : (
          <div className="field">
            <label htmlFor="app-yaml">Application YAML</label>
            <textarea
              id="app-yaml"
              className="code"
              rows={16}
              spellCheck={false}
              value={yaml}
              onChange={(e) => setYaml(e.target.value)}
            />
          </div>
        )}
        <button type="submit" disabled={busy}>
          Create application
        </button>
      </form>
    </section>
  );
}
