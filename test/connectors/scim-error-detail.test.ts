/**
 * A failure's log entry carries what the target said: a SCIM 400's `scimType: detail` reaches the
 * result step, the entry's error, `provisio logs --json` and the admin API's log entry, with the
 * object's Redact()ed values (here a password the target echoes back) replaced by `[Redact]`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { startRoutesServer, type RoutesHarness } from '../admin/routes-harness.js';

const SECRET = 'Tr0ub4dor&3-horse';
let h: RoutesHarness;
beforeAll(async () => {
  h = await startRoutesServer({ engine: false });
});
afterAll(async () => h?.close());

describe('the target error detail in the provisioning log', () => {
  it('is kept, redacted, in the result step, logs --json and the admin API', async () => {
    const file = join(h.dataDir, 'crm.yaml');
    const yaml = h
      .appYaml('crm')
      .replace(
        '      - { target: displayName, source: displayName }\n',
        `      - { target: displayName, source: displayName }\n      - { target: password, expression: 'Redact("${SECRET}")', apply: onCreate }\n`,
      );
    expect(yaml).toContain('Redact(');
    writeFileSync(file, yaml);
    const applied = await runCli('apps', 'apply', '-f', file, '--data-dir', h.dataDir);
    expect(applied.code, applied.stderr).toBe(0);
    await h.createUser('weak@example.com');
    const words = `password '${SECRET}' does not meet the policy: 20 characters or more`;
    h.target.faults.add({
      kind: 'respond',
      rate: 1,
      methods: ['POST'],
      pathPrefix: '/Users',
      status: 400,
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '400',
        scimType: 'invalidValue',
        detail: words,
      }),
    });
    const sync = await runCli('sync', 'crm', '--json', '--data-dir', h.dataDir);
    expect(sync.code, sync.stderr).toBe(1);
    const expected = {
      code: 'schema_violation',
      targetCode: 400,
      detail: `invalidValue: password '[Redact]' does not meet the policy: 20 characters or more`,
    };

    const logs = await runCli('logs', 'crm', '--status', 'failure', '--json', '--data-dir', h.dataDir);
    expect(logs.code, logs.stderr).toBe(0);
    const entries = logs.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { error?: object; steps: { step: string; error?: object }[] });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.error).toMatchObject(expected);
    expect(entries[0]!.steps.find((s) => s.step === 'result')?.error).toMatchObject(expected);
    expect(logs.stdout).not.toContain(SECRET);

    const api = await h.call('GET', '/apps/crm/logs?status=failure', { role: 'viewer' });
    expect(api.status).toBe(200);
    expect(api.json.entries).toHaveLength(1);
    expect(api.json.entries[0].error).toMatchObject(expected);
    expect(api.json.entries[0].steps.find((s: { step: string }) => s.step === 'result').error).toMatchObject(
      expected,
    );
    expect(api.text).not.toContain(SECRET);
    // The human form of `logs` shows the detail too.
    const text = await runCli('logs', 'crm', '--status', 'failure', '--data-dir', h.dataDir);
    expect(text.stdout).toContain('does not meet the policy');
    expect(text.stdout).not.toContain(SECRET);
    // The escrow keeps the same redacted error.
    expect(sync.stdout).not.toContain(SECRET);
  });
});
