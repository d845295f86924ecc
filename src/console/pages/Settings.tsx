/** The app's provisioning settings: deprovisioning, the deletion threshold, interval, near-real-time, webhook. */
import { useEffect, useState } from 'react';
import type { JsonObject } from '../api/types.js';
import type { AppPageProps } from '../app/pages.js';
import { useSession } from '../app/session.js';
import { ProblemAlert, SelectField, TextField } from '../components/forms.js';
import { copyOf, useAppDefinition } from '../components/use-app-definition.js';

interface Form {
  deprovisionAction: string;
  skipOutOfScopeDeletions: boolean;
  thresholdCount: string;
  thresholdPercent: string;
  cycleInterval: string;
  nearRealTime: boolean;
  notificationWebhookUrl: string;
}

/** An interval as the API gives it (milliseconds or text) to what the YAML takes (`40m`). */
function intervalText(value: unknown): string {
  if (typeof value !== 'number') return typeof value === 'string' ? value : '';
  if (value % 3_600_000 === 0) return `${value / 3_600_000}h`;
  if (value % 60_000 === 0) return `${value / 60_000}m`;
  return `${value / 1000}s`;
}

export default function Settings({ app }: AppPageProps) {
  const { can } = useSession();
  const def = useAppDefinition(app);
  const [form, setForm] = useState<Form>();
  useEffect(() => {
    if (!def.definition) return;
    const s = (def.definition.settings ?? {}) as JsonObject;
    const t = s.deletionThreshold;
    const threshold = (typeof t === 'number' ? { count: t } : (t ?? {})) as JsonObject;
    setForm({
      deprovisionAction: String(s.deprovisionAction ?? 'disable'),
      skipOutOfScopeDeletions: s.skipOutOfScopeDeletions === true,
      thresholdCount: threshold.count !== undefined ? String(threshold.count) : '500',
      thresholdPercent: threshold.percent !== undefined ? String(threshold.percent) : '',
      cycleInterval: intervalText(s.cycleInterval ?? '40m'),
      nearRealTime: s.nearRealTime !== false,
      notificationWebhookUrl: String(s.notificationWebhookUrl ?? ''),
    });
  }, [def.definition]);

  if (!def.definition || !form) return <ProblemAlert error={def.error} />;
  const admin = can('admin');
  const save = () => {
    const next = copyOf(def.definition!);
    const s = { ...((next.settings ?? {}) as JsonObject) };
    s.deprovisionAction = form.deprovisionAction;
    s.skipOutOfScopeDeletions = form.skipOutOfScopeDeletions;
    s.deletionThreshold = {
      count: Number(form.thresholdCount),
      ...(form.thresholdPercent !== '' ? { percent: Number(form.thresholdPercent) } : {}),
    };
    s.cycleInterval = form.cycleInterval;
    s.nearRealTime = form.nearRealTime;
    if (form.notificationWebhookUrl !== '') s.notificationWebhookUrl = form.notificationWebhookUrl;
    else delete s.notificationWebhookUrl;
    next.settings = s;
    void def.save(next);
  };
  const e = def.saveError;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <ProblemAlert error={e} claimed={['settings']} />
      {def.saved ? (
        <p className="notice" role="status">
          Settings saved.
        </p>
      ) : null}
      <fieldset disabled={!admin}>
        <legend>Deprovisioning</legend>
        <SelectField
          label="When a user leaves scope"
          path="settings.deprovisionAction"
          error={e}
          value={form.deprovisionAction}
          onChange={(ev) => setForm({ ...form, deprovisionAction: ev.target.value })}
          options={[
            { value: 'disable', label: 'Disable the account' },
            { value: 'delete', label: 'Delete the account' },
          ]}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={form.skipOutOfScopeDeletions}
            onChange={(ev) => setForm({ ...form, skipOutOfScopeDeletions: ev.target.checked })}
          />{' '}
          Skip deprovisioning of accounts that go out of scope
        </label>
        <TextField
          label="Accidental-deletion threshold (accounts per cycle)"
          path="settings.deletionThreshold.count"
          error={e}
          type="number"
          min={1}
          value={form.thresholdCount}
          onChange={(ev) => setForm({ ...form, thresholdCount: ev.target.value })}
        />
        <TextField
          label="Threshold as a percentage of accounts (optional)"
          path="settings.deletionThreshold.percent"
          error={e}
          type="number"
          min={0}
          max={100}
          step="any"
          value={form.thresholdPercent}
          onChange={(ev) => setForm({ ...form, thresholdPercent: ev.target.value })}
        />
      </fieldset>
      <fieldset disabled={!admin}>
        <legend>Cycles</legend>
        <TextField
          label="Cycle interval"
          path="settings.cycleInterval"
          error={e}
          hint="For example 40m or 2h."
          value={form.cycleInterval}
          onChange={(ev) => setForm({ ...form, cycleInterval: ev.target.value })}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={form.nearRealTime}
            onChange={(ev) => setForm({ ...form, nearRealTime: ev.target.checked })}
          />{' '}
          Near-real-time: provision each change as it is written
        </label>
        <TextField
          label="Notification webhook URL"
          path="settings.notificationWebhookUrl"
          error={e}
          type="url"
          value={form.notificationWebhookUrl}
          onChange={(ev) => setForm({ ...form, notificationWebhookUrl: ev.target.value })}
        />
      </fieldset>
      {admin ? (
        <button type="submit" disabled={def.saving}>
          Save settings
        </button>
      ) : null}
    </form>
  );
}
