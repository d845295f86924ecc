/**
 * The log list without its steps (`?steps=false`) and one entry with its steps
 * (`/apps/{name}/logs/{id}`): the list entry without steps has no `steps` key, the single entry is
 * the list's entry with steps, an unknown id or another app's id is a 404, a malformed id a 400
 * naming it; a viewer may read it, a SCIM token may not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startRoutesServer, type RoutesHarness } from './routes-harness.js';

describe('admin log entry routes', () => {
  let h: RoutesHarness;
  beforeAll(async () => {
    h = await startRoutesServer();
    for (let i = 0; i < 5; i++) await h.createUser(`user${i}@example.com`);
    expect(
      (await h.call('PUT', '/apps/crm', { body: h.appYaml('crm'), type: 'application/yaml' })).status,
    ).toBe(201);
    await eventually(async () => {
      const s = await h.call('GET', '/apps/crm/status');
      return s.json.linked === 5 && s.json.state === 'idle' ? true : undefined;
    });
  }, 60_000);
  afterAll(async () => h?.close());

  it('lists without steps, and answers one entry with its steps to a viewer', async () => {
    const full = await h.call('GET', '/apps/crm/logs?limit=1000', { role: 'viewer' });
    const brief = await h.call('GET', '/apps/crm/logs?limit=1000&steps=false', { role: 'viewer' });
    expect(brief.status).toBe(200);
    const newest = full.json.entries[0].id as number;
    // Only the entries both lists hold: the runner may log a newer cycle between the two reads.
    const fullById = new Map(full.json.entries.map((e: { id: number }) => [e.id, e]));
    const shared = brief.json.entries.filter((e: { id: number }) => e.id <= newest);
    expect(shared.length).toBe(full.json.entries.length);
    for (const entry of shared) {
      expect(Object.hasOwn(entry, 'steps')).toBe(false);
      const { steps, ...rest } = fullById.get(entry.id) as { steps: unknown[] };
      expect(steps.length).toBeGreaterThan(0);
      expect(entry).toEqual(rest);
    }
    const defaulted = await h.call('GET', '/apps/crm/logs?limit=1', { role: 'viewer' });
    expect(Object.hasOwn(defaulted.json.entries[0], 'steps')).toBe(true);

    for (const entry of full.json.entries) {
      const one = await h.call('GET', `/apps/crm/logs/${entry.id}`, { role: 'viewer' });
      expect(one.status).toBe(200);
      expect(one.json).toEqual(entry);
    }
  });

  it("answers 404 for an unknown id or another app's id, 400 naming a malformed id", async () => {
    const newest = (await h.call('GET', '/apps/crm/logs?limit=1')).json.entries[0].id as number;
    const unknown = await h.call('GET', `/apps/crm/logs/${newest + 1_000_000}`);
    expect(unknown.status).toBe(404);
    expect(unknown.type).toMatch(/^application\/problem\+json/);
    expect(unknown.json.detail).toContain(String(newest + 1_000_000));

    expect(
      (await h.call('PUT', '/apps/hr', { body: h.appYaml('hr'), type: 'application/yaml' })).status,
    ).toBe(201);
    const other = await h.call('GET', `/apps/hr/logs/${newest}`);
    expect(other.status).toBe(404);
    expect((await h.call('GET', `/apps/missing/logs/${newest}`)).status).toBe(404);

    for (const id of ['abc', '0', '-1', '1.5', '12345678901234567']) {
      const bad = await h.call('GET', `/apps/crm/logs/${id}`);
      expect(bad.status, id).toBe(400);
      expect(bad.json.errors[0].path, id).toBe('params.id');
    }
    const badSteps = await h.call('GET', '/apps/crm/logs?steps=no');
    expect(badSteps.status).toBe(400);
    expect(badSteps.json.errors[0].path).toBe('querystring.steps');
  });

  it('refuses a SCIM token and a caller without one', async () => {
    const newest = (await h.call('GET', '/apps/crm/logs?limit=1')).json.entries[0].id as number;
    const scim = await fetch(`${h.url}/admin/v1/apps/crm/logs/${newest}`, {
      headers: { authorization: `Bearer ${h.tokens.scim}` },
    });
    expect(scim.status).toBe(403);
    expect(((await scim.json()) as { type: string }).type).toBe(
      'https://provisio.dev/problems/wrong-credential',
    );
    expect((await fetch(`${h.url}/admin/v1/apps/crm/logs/${newest}`)).status).toBe(401);
  });
});
