/**
 * The application routes end to end over a real socket: apps PUT (YAML and JSON) / GET / list /
 * DELETE, credentials write-only, validation with paths and positions, test-connection, and the
 * roles each route needs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPE_OPERATORS } from '../../src/engine/scoping/index.js';
import { eventually, startRoutesServer, type RoutesHarness } from './routes-harness.js';

let h: RoutesHarness;
beforeAll(async () => {
  h = await startRoutesServer({ engine: false });
});
afterAll(async () => h?.close());

describe('apps routes', () => {
  it('creates an app from YAML, shows credentials only as set, lists it', async () => {
    const put = await h.call('PUT', '/apps/crm', { body: h.appYaml('crm'), type: 'application/yaml' });
    expect(put.status).toBe(201);
    expect(put.json).toMatchObject({ status: 'created', app: { name: 'crm', version: 1 } });
    expect(put.json.app.definition.connector.credentials).toEqual({ token: { set: true } });
    expect(put.text).not.toContain('target-token');

    const got = await h.call('GET', '/apps/crm', { role: 'viewer' });
    expect(got.status).toBe(200);
    expect(got.json.definition.connector).toMatchObject({
      kind: 'scim',
      credentials: { token: { set: true } },
    });
    expect(got.text).not.toContain('target-token');

    const list = await h.call('GET', '/apps', { role: 'viewer' });
    expect(list.status).toBe(200);
    expect(list.json.apps).toEqual([
      expect.objectContaining({ name: 'crm', state: 'idle', connector: 'scim', paused: false, linked: 0 }),
    ]);
  });

  it('keeps a stored credential the PUT leaves out, and the connection still works', async () => {
    const yaml = h.appYaml('crm').replace('  credentials:\n    token: target-token\n', '');
    const put = await h.call('PUT', '/apps/crm', {
      body: yaml.replace('nearRealTime: false', 'nearRealTime: true'),
      type: 'application/yaml',
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ status: 'updated', changed: ['settings'] });
    expect(put.json.app.definition.connector.credentials).toEqual({ token: { set: true } });
    const test = await h.call('POST', '/apps/crm/test-connection', { role: 'operator' });
    expect(test.status).toBe(200);
    expect(test.json).toEqual({ ok: true });
  });

  it('takes the JSON form as GET shows it back', async () => {
    const got = await h.call('GET', '/apps/crm');
    const definition = { ...got.json.definition, description: 'from JSON' };
    const put = await h.call('PUT', '/apps/crm', { body: definition });
    expect(put.status).toBe(200);
    expect(put.json.app.definition.description).toBe('from JSON');
    expect((await h.call('POST', '/apps/crm/test-connection', { role: 'operator' })).json).toEqual({
      ok: true,
    });
  });

  it("answers a failed test connection in the connector's words", async () => {
    const bad = h.appYaml('bad-token').replace('token: target-token', 'token: wrong-token');
    expect((await h.call('PUT', '/apps/bad-token', { body: bad, type: 'application/yaml' })).status).toBe(
      201,
    );
    const test = await h.call('POST', '/apps/bad-token/test-connection', { role: 'operator' });
    expect(test.status).toBe(200);
    expect(test.json.ok).toBe(false);
    expect(typeof test.json.code).toBe('string');
    expect(test.json.message).toMatch(/401|auth|token/i);
    expect(test.text).not.toContain('wrong-token');
  });

  it('refuses an invalid YAML definition with each issue, its path, line and column, storing nothing', async () => {
    const yaml = h
      .appYaml('crm')
      .replace('source: displayName }', 'expression: \'Jion(" ", [displayName])\' }')
      .replace('scope: all', 'scope: everyone');
    const put = await h.call('PUT', '/apps/crm', { body: yaml, type: 'application/yaml' });
    expect(put.status).toBe(400);
    expect(put.type).toMatch(/^application\/problem\+json/);
    expect(put.json.type).toBe('https://provisio.dev/problems/validation');
    const paths = put.json.errors.map((e: { path: string }) => e.path);
    expect(paths).toContain('settings.scope');
    const scope = put.json.errors.find((e: { path: string }) => e.path === 'settings.scope');
    const lineOfScope = yaml.split('\n').findIndex((l) => l.includes('scope: everyone')) + 1;
    expect(scope).toMatchObject({ line: lineOfScope, column: expect.any(Number) });
    expect((await h.call('GET', '/apps/crm')).json.definition.description).toBe('from JSON');
  });

  it('names the mapping whose expression is wrong, with did-you-mean', async () => {
    const yaml = h
      .appYaml('crm')
      .replace('source: displayName }', 'expression: \'Jion(" ", [displayName])\' }');
    const put = await h.call('PUT', '/apps/crm', { body: yaml, type: 'application/yaml' });
    expect(put.status).toBe(400);
    const issue = put.json.errors.find((e: { path: string }) =>
      e.path.startsWith('objects.User.mappings[1]'),
    );
    expect(issue.message).toMatch(/did you mean 'Join'/);
    expect(issue.line).toBe(yaml.split('\n').findIndex((l) => l.includes('Jion')) + 1);
  });

  it('refuses a definition whose name is not the one in the path, and broken YAML', async () => {
    const put = await h.call('PUT', '/apps/other', { body: h.appYaml('crm'), type: 'application/yaml' });
    expect(put.status).toBe(400);
    expect(put.json.errors[0].path).toBe('name');
    const broken = await h.call('PUT', '/apps/crm', { body: 'name: [unclosed', type: 'application/yaml' });
    expect(broken.status).toBe(400);
    expect(broken.json.errors[0]).toMatchObject({ line: expect.any(Number) });
    const json = await h.call('PUT', '/apps/crm', { body: { name: 'crm', connector: { kind: 'scim' } } });
    expect(json.status).toBe(400);
    expect(json.json.errors.length).toBeGreaterThan(0);
    expect(json.json.errors[0].line).toBeUndefined();
  });

  it('validates the app name in the path', async () => {
    const got = await h.call('GET', '/apps/Not_Valid');
    expect(got.status).toBe(400);
    expect(got.json.errors[0].path).toBe('params.name');
    expect((await h.call('GET', '/apps/missing')).status).toBe(404);
  });

  it('lets only admins change apps, and operators test connections', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      expect(
        (await h.call('PUT', '/apps/crm', { role, body: h.appYaml('crm'), type: 'application/yaml' })).status,
      ).toBe(403);
      expect((await h.call('DELETE', '/apps/bad-token', { role })).status).toBe(403);
    }
    expect((await h.call('POST', '/apps/crm/test-connection', { role: 'viewer' })).status).toBe(403);
  });

  it("runs a sync in the background without serve's engine, one at a time", async () => {
    const id = await h.createUser('background@example.com');
    const sync = await h.call('POST', '/apps/crm/sync', { role: 'operator' });
    expect(sync.status).toBe(202);
    const again = await h.call('POST', '/apps/crm/sync', { role: 'operator' });
    expect(again.status).toBe(409);
    await eventually(async () => {
      const status = (await h.call('GET', '/apps/crm/status')).json;
      return status.lastCycle?.id === sync.json.cycleId && status.state === 'idle' ? status : undefined;
    });
    expect(h.target.resources('User').map((u) => u.userName)).toContain('background@example.com');
    const logs = await h.call('GET', `/apps/crm/logs?cycle=${sync.json.cycleId}`);
    expect(logs.json.entries.map((e: { sourceId: string }) => e.sourceId)).toContain(id);
  });

  it('deletes an app', async () => {
    const deleted = await h.call('DELETE', '/apps/bad-token');
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ deleted: true, assignmentsRemoved: 0 });
    expect((await h.call('GET', '/apps/bad-token')).status).toBe(404);
    expect((await h.call('DELETE', '/apps/bad-token')).status).toBe(404);
  });

  it('records every change in the audit log with the calling token', async () => {
    const audit = await h.call('GET', '/audit?app=crm');
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.json)).toContain('admin-token:a');
  });

  it("serves the engine's scoping operators, each with whether it takes a value, to a viewer", async () => {
    const answer = await h.call('GET', '/scope-operators', { role: 'viewer' });
    expect(answer.status).toBe(200);
    const names = SCOPE_OPERATORS as readonly string[];
    expect(answer.json.operators.map((o: { name: string }) => o.name)).toEqual(names);
    expect(answer.json.operators).toHaveLength(16);
    const unary = answer.json.operators
      .filter((o: { takesValue: boolean }) => !o.takesValue)
      .map((o: { name: string }) => o.name);
    expect(unary).toEqual(['IS TRUE', 'IS FALSE', 'IS NULL', 'IS NOT NULL']);
    // Entra's fourteen are all there.
    for (const name of ['&', '!&', 'ENDS_WITH', 'Includes', 'REGEX MATCH', 'Greater_Than_OR_EQUALS'])
      expect(names).toContain(name);
    expect((await fetch(`${h.url}/admin/v1/scope-operators`)).status).toBe(401);
  });
});
