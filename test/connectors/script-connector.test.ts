/**
 * The script connector against real executables: the shipped Node example through the contract
 * kit, and scripts that fail, hang, answer garbage, show their environment and their arguments.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeConnectorContract } from '../../src/connectors/spi/contract-kit.js';
import { ScriptConnector, scriptSettingsSchema } from '../../src/connectors/script/index.js';

const TARGETS = fileURLToPath(new URL('../support/script-targets/', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/script/accounts.mjs', import.meta.url));
const signal = new AbortController().signal;

function script(
  settings: Record<string, unknown>,
  credentials: Record<string, string> = {},
  environment: NodeJS.ProcessEnv = process.env,
) {
  return new ScriptConnector({
    settings: scriptSettingsSchema.parse({ command: process.execPath, ...settings }),
    credentials,
    baseDirectory: TARGETS,
    environment,
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'provisio-script-contract-'));
describeConnectorContract('script (the Node example)', () =>
  script(
    { args: [EXAMPLE], envAllow: ['SCRIPT_DATA_DIR', 'SCRIPT_API_KEY'] },
    { apiKey: 'k-123456' },
    { SCRIPT_DATA_DIR: dataDir, SCRIPT_API_KEY: 'k-123456' },
  ),
);

const create = (c: ScriptConnector) =>
  c.create({ objectType: 'User', attributes: { userName: 'a@example.com' } }, signal);

describe('script connector', () => {
  it('maps exit codes onto the taxonomy and keeps stderr in the error, with the credentials redacted', async () => {
    const failing = (code: number) =>
      script(
        { args: ['fails.mjs', String(code)], exitCodes: { '2': 'schema_violation' } },
        { password: 's3cret-pw' },
      );
    const mapped = await create(failing(2)).catch((e: unknown) => e);
    expect(mapped).toMatchObject({
      code: 'schema_violation',
      message: 'The script (create) exited with code 2; stderr: boom: cannot log in with password ***',
      targetCode: 2,
      detail: 'boom: cannot log in with password ***',
    });
    expect(JSON.stringify((mapped as Error & { toJSON(): unknown }).toJSON())).not.toContain('s3cret-pw');
    await expect(create(failing(7))).rejects.toMatchObject({
      code: 'unavailable',
      retryable: true,
      targetCode: 7,
    });
  });

  it('uses the error the script answers, over its exit code', async () => {
    const c = script(
      { args: [EXAMPLE], envAllow: ['SCRIPT_DATA_DIR', 'SCRIPT_API_KEY'] },
      { apiKey: 'wrong-key' },
      { SCRIPT_DATA_DIR: dataDir, SCRIPT_API_KEY: 'right-key' },
    );
    await expect(c.testConnection(signal)).rejects.toMatchObject({
      code: 'invalid_credentials',
      message: 'The script (test): the API key is wrong',
    });
  });

  it('stops a script that hangs at the timeout, with SIGKILL when it ignores SIGTERM', async () => {
    for (const mode of ['', 'ignore-term']) {
      const pidFile = join(mkdtempSync(join(tmpdir(), 'provisio-script-')), 'pid');
      // The timeout leaves Node time to start the script and write its pid on a busy machine, so
      // that the kill (and, with 'ignore-term', the SIGKILL after the grace) is what ends it.
      const c = script({ args: ['hangs.mjs', pidFile, mode], timeoutMs: 2_000, killGraceMs: 200 });
      const started = Date.now();
      await expect(create(c)).rejects.toMatchObject({
        code: 'timeout',
        message: expect.stringMatching(
          /^The script \(create\) did not finish within 2000 ms and was stopped/,
        ),
      });
      expect(Date.now() - started).toBeLessThan(8_000);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(() => process.kill(pid, 0)).toThrow();
    }
  });

  it('stops the script when the operation is aborted', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'provisio-script-')), 'pid');
    const c = script({ args: ['hangs.mjs', pidFile], timeoutMs: 60_000, killGraceMs: 100 });
    const controller = new AbortController();
    const pending = c.create({ objectType: 'User', attributes: { userName: 'a' } }, controller.signal);
    while (!existsSync(pidFile)) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await expect(pending).rejects.toMatchObject({
      code: 'timeout',
      message: expect.stringContaining('aborted'),
    });
  });

  it('answers invalid_response for garbage on stdout', async () => {
    const cases: [string, string][] = [
      ['text', 'not a JSON object: hello, this is not JSON'],
      ['array', 'not a JSON object: [1,2,3]'],
      ['badkind', 'an error without a valid kind'],
      ['noid', 'answered no id'],
      ['huge', 'wrote more than 1048576 bytes'],
    ];
    for (const [kind, message] of cases) {
      const c = script({ args: ['garbage.mjs', kind], maxStdoutBytes: 1_048_576 });
      await expect(create(c)).rejects.toMatchObject({
        code: 'invalid_response',
        message: expect.stringContaining(message),
      });
    }
  });

  it('passes only the allowed environment variables, the fixed ones and (when asked) the credentials', async () => {
    const environment = { PATH: '/usr/bin', SECRET_OF_PROVISIO: 'x', ALLOWED: 'yes' };
    const onStdin = await create(
      script(
        { args: ['echo.mjs'], envAllow: ['ALLOWED'], env: { FIXED: '1' } },
        { token: 'tok-abc' },
        environment,
      ),
    );
    expect(onStdin.attributes.env).toEqual({ ALLOWED: 'yes', FIXED: '1' });
    expect(onStdin.attributes.request).toMatchObject({
      operation: 'create',
      credentials: { token: 'tok-abc' },
    });
    const inEnv = await create(
      script({ args: ['echo.mjs'], envAllow: [], credentialsIn: 'env' }, { token: 'tok-abc' }, environment),
    );
    expect(inEnv.attributes.env).toEqual({ PROVISIO_CREDENTIAL_TOKEN: 'tok-abc' });
    expect(inEnv.attributes.request).not.toHaveProperty('credentials');
  });

  it('passes arguments as they are, never through a shell', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'provisio-script-')), 'pwned');
    const hostile = [
      `; touch ${marker}`,
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `"'quoted' \\"x\\"`,
      '&& echo hi |',
      '*',
    ];
    const answer = await create(script({ args: ['echo.mjs', ...hostile] }));
    expect(answer.attributes.argv).toEqual(hostile);
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a command that does not exist', async () => {
    const c = new ScriptConnector({
      settings: scriptSettingsSchema.parse({ command: './no-such-script' }),
      credentials: {},
      baseDirectory: TARGETS,
    });
    await expect(c.testConnection(signal)).rejects.toMatchObject({
      code: 'connector_failure',
      message: expect.stringContaining('could not be started'),
    });
  });

  it('declares only the operations the script implements', () => {
    const c = script({ args: ['echo.mjs'], operations: ['get'] });
    expect(c.capabilities).toMatchObject({
      read: true,
      find: false,
      list: false,
      update: false,
      delete: false,
      disable: false,
    });
    expect(c.update).toBeUndefined();
    expect(typeof c.get).toBe('function');
  });
});
