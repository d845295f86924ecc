import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../main.js';

/** Runs `provisio expr ...` in-process and captures what it writes. */
async function expr(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await run(['node', 'provisio', 'expr', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('provisio expr', () => {
  it('prints the result as JSON and exits 0', async () => {
    const result = await expr(
      'Join(" ", [givenName], [surname])',
      '--attrs',
      '{"givenName":"Ada","surname":"Lovelace"}',
    );
    expect(result).toEqual({ code: 0, stdout: '"Ada Lovelace"\n', stderr: '' });
  });

  it('prints numbers, booleans and arrays as JSON', async () => {
    expect((await expr('BitAnd(&HF, &HF7)')).stdout).toBe('7\n');
    expect((await expr('IsNull([x])')).stdout).toBe('true\n');
    expect((await expr('Split([x], ",")', '--attrs', '{"x":"a,b"}')).stdout).toBe('["a","b"]\n');
  });

  it('prints null when no value flows, and says why on stderr', async () => {
    const result = await expr('IIF([a]="x", [a], IgnoreObjectFlow)', '--attrs', '{"a":"y"}');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('null\n');
    expect(result.stderr).toContain('IgnoreObjectFlow');
  });

  it('prints diagnostics as line:column code message and exits 2', async () => {
    const result = await expr('Join(" ",\n  Lft([a], 1))');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe("2:3 E_UNKNOWN_FUNCTION Unknown function 'Lft' - did you mean 'Left'?\n");
  });

  it('rejects bad --attrs JSON with a clear message and exit 2', async () => {
    const bad = await expr('[a]', '--attrs', '{a: 1}');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(
      /^error: option '--attrs <json>' argument '\{a: 1\}' is invalid\. It is not valid JSON/,
    );
    const notObject = await expr('[a]', '--attrs', '[1]');
    expect(notObject.code).toBe(2);
    expect(notObject.stderr).toMatch(
      /^error: option '--attrs <json>' argument '\[1\]' is invalid\. Expected a JSON object, such as/,
    );
  });

  it('fixes the clock with --now and randomness with --seed', async () => {
    const now = await expr('Now()', '--now', '2021-07-02T15:33:38Z');
    expect(now.stdout).toBe('"7/2/2021 3:33:38 PM"\n');
    const a = await expr('Guid()', '--seed', '7');
    const b = await expr('Guid()', '--seed', '7');
    const c = await expr('Guid()', '--seed', '8');
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
    const badNow = await expr('Now()', '--now', 'yesterday');
    expect(badNow.code).toBe(2);
    expect(badNow.stderr).toMatch(
      /^error: option '--now <time>' argument 'yesterday' is invalid\. Expected an ISO 8601 time/,
    );
    const badSeed = await expr('Guid()', '--seed', 'x');
    expect(badSeed.code).toBe(2);
    expect(badSeed.stderr).toMatch(
      /^error: option '--seed <n>' argument 'x' is invalid\. Expected an integer/,
    );
  });

  it('tries SelectUniqueValue against --taken', async () => {
    const source =
      'SelectUniqueValue(Join("@", Join(".", [first], [last]), "contoso.com"), Join("@", Join(".", Mid([first], 1, 1), [last]), "contoso.com"))';
    const attrs = '{"first":"John","last":"Smith"}';
    expect((await expr(source, '--attrs', attrs)).stdout).toBe('"John.Smith@contoso.com"\n');
    expect((await expr(source, '--attrs', attrs, '--taken', '["john.smith@contoso.com"]')).stdout).toBe(
      '"J.Smith@contoso.com"\n',
    );
    const badTaken = await expr(source, '--taken', '{"x":1}');
    expect(badTaken.code).toBe(2);
    expect(badTaken.stderr).toMatch(
      /^error: option '--taken <json>' argument .* Expected a JSON array of strings/,
    );
  });

  it('evaluates each line of --input, reporting bad lines by number and exiting 1 at the end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provisio-expr-'));
    const file = join(dir, 'users.jsonl');
    writeFileSync(file, '{"givenName":"Ada"}\n\n{not json}\n[1]\n{"givenName":"Grace"}\n');
    const result = await expr('ToUpper([givenName])', '--input', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('"ADA"\n"GRACE"\n');
    expect(result.stderr).toMatch(/^line 3: the line is not valid JSON/m);
    expect(result.stderr).toMatch(/^line 4: the line must be a JSON object/m);
  });

  it('exits 0 for a clean --input file, and 2 for a missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provisio-expr-'));
    const file = join(dir, 'users.jsonl');
    writeFileSync(file, '{"n":"1"}\r\n{"n":"2"}\r\n');
    expect(await expr('[n]', '--input', file)).toEqual({ code: 0, stdout: '"1"\n"2"\n', stderr: '' });
    const missing = await expr('[n]', '--input', join(dir, 'nope.jsonl'));
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(
      /^error: option '--input <file>' argument '.*nope\.jsonl' is invalid\. No such file\./,
    );
    const directory = await expr('[n]', '--input', dir);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toMatch(
      /^error: option '--input <file>' argument .* is invalid\. Expected a file/,
    );
  });

  it('reports evaluation errors and exits 1, which is not a usage error', async () => {
    const result = await expr('CDate([d])', '--attrs', '{"d":"not a date"}');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: CDate: /);
  });

  it('refuses --attrs together with --input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provisio-expr-'));
    const file = join(dir, 'users.jsonl');
    writeFileSync(file, '{}\n');
    const result = await expr('[a]', '--attrs', '{}', '--input', file);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^error: option '--attrs <json>' cannot be used with option '--input <file>'/,
    );
  });

  it('exits 2 for commander usage errors: a missing expression, an unknown option, a missing value', async () => {
    const missing = await expr();
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: missing required argument 'expression'/);
    const unknown = await expr('[a]', '--atrs', '{}');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown option '--atrs'/);
    const noValue = await expr('[a]', '--attrs');
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toMatch(/^error: option '--attrs <json>' argument missing/);
  });

  it('lists the three exit codes in its help, as docs/expression-syntax.md does', async () => {
    const docs = readFileSync(new URL('../../../docs/expression-syntax.md', import.meta.url), 'utf8');
    const table = docs.slice(docs.indexOf('Exit codes, as for every `provisio` command'));
    const codes = [...table.matchAll(/^\| (\d) \| (\w+)/gm)].map((m) => [m[1], m[2]]);
    expect(codes).toEqual([
      ['0', 'every'],
      ['1', 'the'],
      ['2', 'usage'],
    ]);
    const help = await expr('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}0 {2}every result printed$/m);
    expect(help.stdout).toMatch(/^ {2}1 {2}the evaluation failed/m);
    expect(help.stdout).toMatch(/^ {2}2 {2}usage error/m);
  });
});

describe('provisio expr in a real process', () => {
  it('writes to the real stdout and stderr and sets the exit code', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const script =
      "import { run } from './src/cli/main.ts'; process.exitCode = await run(['node', 'provisio', ...process.argv.slice(1)]);";
    const node = (args: string[]) =>
      promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script, ...args],
        {
          cwd: root,
        },
      ).then(
        (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    const ok = await node(['expr', 'ToUpper([a])', '--attrs', '{"a":"x"}']);
    expect([ok.code, ok.stdout, ok.stderr]).toEqual([0, '"X"\n', '']);
    const bad = await node(['expr', 'ToUpper([a]']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^1:8 E_UNBALANCED /);
  });
});
