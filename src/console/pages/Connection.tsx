/**
 * The connector's settings and credentials. Credentials are write-only: the API shows only whether
 * each is set; a field left empty keeps the stored value. Test connection shows the connector's
 * own words.
 */
import { useEffect, useState } from 'react';
import { api, seg } from '../api/client.js';
import type { Json, JsonObject } from '../api/types.js';
import type { AppPageProps } from '../app/pages.js';
import { useSession } from '../app/session.js';
import { ProblemAlert, TextField } from '../components/forms.js';
import { copyOf, useAppDefinition } from '../components/use-app-definition.js';

interface TestAnswer {
  readonly ok?: boolean;
  readonly message?: string;
  readonly detail?: string;
  readonly details?: Json;
}

/** A settings value as typed text, and back: numbers and booleans keep their type. */
const asText = (value: Json): string =>
  typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
function fromText(text: string, was: Json): Json {
  if (typeof was === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (typeof was === 'boolean') return text.trim().toLowerCase() === 'true';
  if (typeof was === 'object' && was !== null) {
    try {
      return JSON.parse(text) as Json;
    } catch {
      return text;
    }
  }
  return text;
}

export default function Connection({ app }: AppPageProps) {
  const { can } = useSession();
  const def = useAppDefinition(app);
  // Unset until the stored definition is read, so no field shows an empty value in its place.
  const [settings, setSettings] = useState<Record<string, string>>();
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [test, setTest] = useState<{ answer?: TestAnswer; error?: unknown; busy: boolean }>({ busy: false });
  const connector = (def.definition?.connector ?? {}) as JsonObject;
  const shownSettings = (connector.settings ?? {}) as JsonObject;
  const shownCredentials = (connector.credentials ?? {}) as JsonObject;

  useEffect(() => {
    if (!def.definition) return;
    setSettings(Object.fromEntries(Object.entries(shownSettings).map(([k, v]) => [k, asText(v)])));
  }, [def.definition]);

  const admin = can('admin');
  const save = async () => {
    if (!def.definition || !settings) return;
    const next = copyOf(def.definition);
    const nextConnector = next.connector as JsonObject;
    nextConnector.settings = Object.fromEntries(
      Object.entries(settings).map(([k, v]) => [k, fromText(v, shownSettings[k] ?? '')]),
    );
    if (await def.save(next, credentials)) setCredentials({});
  };

  const runTest = async () => {
    setTest({ busy: true });
    try {
      setTest({ busy: false, answer: await api.post<TestAnswer>(`/apps/${seg(app)}/test-connection`) });
    } catch (error) {
      setTest({ busy: false, error });
    }
  };

  if (!def.definition || !settings) return <ProblemAlert error={def.error} />;
  const claimed = ['connector.settings', 'connector.credentials'];
  return (
    <>
      <p>
        Connector kind: <strong>{String(connector.kind ?? '')}</strong>
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <ProblemAlert error={def.saveError} claimed={claimed} />
        {def.saved ? (
          <p className="notice" role="status">
            Connection saved.
          </p>
        ) : null}
        <fieldset disabled={!admin}>
          <legend>Settings</legend>
          {Object.keys(shownSettings).map((key) => (
            <TextField
              key={key}
              label={key}
              path={`connector.settings.${key}`}
              error={def.saveError}
              value={settings[key] ?? ''}
              onChange={(e) => setSettings({ ...settings, [key]: e.target.value })}
            />
          ))}
        </fieldset>
        <fieldset disabled={!admin}>
          <legend>Credentials</legend>
          {Object.keys(shownCredentials).length === 0 ? (
            <p className="hint">This connector takes no credentials.</p>
          ) : null}
          {Object.entries(shownCredentials).map(([key, shown]) => {
            const set = typeof shown === 'object' && shown !== null && (shown as JsonObject).set === true;
            return (
              <TextField
                key={key}
                label={key}
                path={`connector.credentials.${key}`}
                error={def.saveError}
                type="password"
                autoComplete="new-password"
                hint={set ? 'Set. Leave empty to keep the stored value.' : 'Not set.'}
                value={credentials[key] ?? ''}
                onChange={(e) => setCredentials({ ...credentials, [key]: e.target.value })}
              />
            );
          })}
        </fieldset>
        <div className="actions">
          {admin ? (
            <button type="submit" disabled={def.saving}>
              Save connection
            </button>
          ) : (
            <p className="hint">Only an admin changes the connection and its credentials.</p>
          )}
          {can('operator') ? (
            <button type="button" className="secondary" disabled={test.busy} onClick={() => void runTest()}>
              Test connection
            </button>
          ) : null}
        </div>
      </form>
      <div aria-live="polite">
        {test.busy ? <p>Testing…</p> : null}
        {test.answer ? (
          <div
            className={test.answer.ok === false ? 'problem' : 'notice'}
            role="status"
            data-testid="test-connection-result"
          >
            <p>
              <strong>{test.answer.ok === false ? 'Connection failed' : 'Connection works'}</strong>
              {test.answer.message ? `: ${test.answer.message}` : ''}
            </p>
            {test.answer.detail ? <p>{test.answer.detail}</p> : null}
          </div>
        ) : null}
        <ProblemAlert error={test.error} />
      </div>
    </>
  );
}
