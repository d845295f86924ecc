/**
 * What the flat-file connector writes, read back with csv-parse and compared exactly: awkward
 * values, configured CSV dialects and encodings, column order, change rows, JSON Lines, atomic
 * replacement, the import of the application's own export, and when files appear.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { FileConnector, fileSettingsSchema } from '../../src/connectors/file/index.js';
import { writeOutputFile } from '../../src/connectors/file/file-output.js';
import type { OutputRow } from '../../src/connectors/file/file-output.js';

const signal = new AbortController().signal;
const AT = new Date('2026-03-04T05:06:07.089Z');
const open: FileConnector[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close().catch(() => undefined);
});

function make(
  settings: Record<string, unknown> = {},
  directory = mkdtempSync(join(tmpdir(), 'provisio-file-')),
) {
  const connector = new FileConnector({
    settings: fileSettingsSchema.parse({ directory, flushDelayMs: 60_000, ...settings }),
    baseDirectory: directory,
    now: () => AT,
  });
  open.push(connector);
  return { connector, directory };
}

const csvRows = (text: string) => parse(text, { columns: true }) as Record<string, string>[];
const outputs = (directory: string) =>
  readdirSync(directory)
    .filter((f) => !f.startsWith('.'))
    .sort();

const AWKWARD = [
  'Smith, John',
  'She said "hi"',
  'two\nlines',
  'carriage\r\nreturn',
  'Zoë Ångström 中文 🙂',
  '"',
  ' leading and trailing ',
  '',
];

describe('file connector output', () => {
  it('writes the full set as RFC 4180 CSV that csv-parse reads back to exactly the values sent', async () => {
    const { connector, directory } = make();
    const sent = AWKWARD.map((displayName, n) => ({ userName: `user${n}@example.com`, displayName }));
    const ids: string[] = [];
    for (const attributes of sent)
      ids.push((await connector.create({ objectType: 'User', attributes }, signal)).id);
    await connector.flush();

    expect(outputs(directory)).toEqual(['users-20260304T050607089Z.csv']);
    const text = readFileSync(join(directory, 'users-20260304T050607089Z.csv'), 'utf8');
    expect(text.startsWith('id,enabled,displayName,userName\r\n')).toBe(true);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toEqual(
      sent.map((attributes, n) => ({
        id: ids[n],
        enabled: 'true',
        displayName: attributes.displayName,
        userName: attributes.userName,
      })),
    );
  });

  it('follows the configured delimiter, quoting, record delimiter, encoding, header and column order', async () => {
    const { connector, directory } = make({
      fileName: 'export.{ext}',
      columns: { User: ['userName', 'displayName', 'enabled'] },
      csv: { delimiter: ';', quoteAll: true, recordDelimiter: 'lf', encoding: 'latin1', header: false },
    });
    await connector.create(
      { objectType: 'User', attributes: { userName: 'zoë', displayName: 'a;b "c"' } },
      signal,
    );
    // A value Latin-1 cannot hold is refused for that account rather than garbled in the file.
    await expect(
      connector.create({ objectType: 'User', attributes: { userName: 'ωmega' } }, signal),
    ).rejects.toMatchObject({ code: 'schema_violation', message: expect.stringContaining('Latin-1') });
    await connector.close();

    const bytes = readFileSync(join(directory, 'export.csv'));
    expect(bytes.includes(Buffer.from('zoë', 'utf8'))).toBe(false);
    expect(bytes.toString('latin1')).toBe('"zoë";"a;b ""c""";"true"\n');
    expect(parse(bytes.toString('latin1'), { delimiter: ';' })).toEqual([['zoë', 'a;b "c"', 'true']]);
  });

  it('writes UTF-16 with a byte order mark when asked', async () => {
    const { connector, directory } = make({ fileName: 'u.csv', csv: { encoding: 'utf16le', bom: true } });
    await connector.create({ objectType: 'User', attributes: { userName: 'Ωmega' } }, signal);
    await connector.close();
    const bytes = readFileSync(join(directory, 'u.csv'));
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(parse(bytes.subarray(2).toString('utf16le'), { columns: true })).toEqual([
      { id: expect.any(String), enabled: 'true', userName: 'Ωmega' },
    ]);
  });

  it('in changes mode writes one row per create, update, disable, enable and delete with an action column', async () => {
    const { connector, directory } = make({ mode: 'changes' });
    const a = await connector.create(
      { objectType: 'User', attributes: { userName: 'a', title: 'x' } },
      signal,
    );
    await connector.update(
      { objectType: 'User', ref: a, changes: [{ attribute: 'title', oldValue: 'x', newValue: 'y, z' }] },
      signal,
    );
    await connector.setEnabled({ objectType: 'User', ref: a, enabled: false }, signal);
    await connector.setEnabled({ objectType: 'User', ref: a, enabled: false }, signal);
    await connector.setEnabled({ objectType: 'User', ref: a, enabled: true }, signal);
    await connector.delete({ objectType: 'User', ref: a }, signal);
    await connector.flush();

    const [file] = outputs(directory);
    const rows = parse(readFileSync(join(directory, file!), 'utf8'), { columns: true });
    expect(rows).toEqual([
      { action: 'create', id: a.id, enabled: 'true', title: 'x', userName: 'a' },
      { action: 'update', id: a.id, enabled: 'true', title: 'y, z', userName: 'a' },
      { action: 'disable', id: a.id, enabled: 'false', title: 'y, z', userName: 'a' },
      { action: 'enable', id: a.id, enabled: 'true', title: 'y, z', userName: 'a' },
      { action: 'delete', id: a.id, enabled: 'true', title: 'y, z', userName: 'a' },
    ]);
    // Nothing new since: the next flush writes no file.
    await connector.flush();
    expect(outputs(directory)).toHaveLength(1);
  });

  it('writes JSON Lines with the values as JSON, arrays included', async () => {
    const { connector, directory } = make({
      format: 'jsonl',
      objectTypes: ['User', 'Group'],
      fileName: '{type}.{ext}',
    });
    const u = await connector.create({ objectType: 'User', attributes: { userName: 'a\n"b"' } }, signal);
    await connector.create({ objectType: 'Group', attributes: { displayName: 'G', member: [u.id] } }, signal);
    await connector.close();
    const lines = readFileSync(join(directory, 'groups.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { id: expect.any(String), enabled: true, displayName: 'G', member: [u.id] },
    ]);
    expect(JSON.parse(readFileSync(join(directory, 'users.jsonl'), 'utf8'))).toMatchObject({
      userName: 'a\n"b"',
    });
  });

  it('joins multi-valued attributes with the separator in CSV, and removes a deleted user from group members', async () => {
    const { connector, directory } = make({ objectTypes: ['User', 'Group'], fileName: '{type}.csv' });
    const a = await connector.create({ objectType: 'User', attributes: { userName: 'a' } }, signal);
    const b = await connector.create({ objectType: 'User', attributes: { userName: 'b' } }, signal);
    await connector.create(
      { objectType: 'Group', attributes: { displayName: 'G', member: [a.id, b.id] } },
      signal,
    );
    await connector.flush();
    expect(csvRows(readFileSync(join(directory, 'groups.csv'), 'utf8'))[0]!.member).toBe(`${a.id};${b.id}`);
    await connector.delete({ objectType: 'User', ref: a }, signal);
    await connector.flush();
    expect(csvRows(readFileSync(join(directory, 'groups.csv'), 'utf8'))[0]!.member).toBe(b.id);
  });

  it('keeps its record of accounts across connectors, so the next run exports the same set plus its changes', async () => {
    const first = make({ fileName: 'users.csv' });
    const a = await first.connector.create({ objectType: 'User', attributes: { userName: 'a' } }, signal);
    await first.connector.close();
    const second = make({ fileName: 'users.csv' }, first.directory);
    expect((await second.connector.get({ objectType: 'User', ref: a }, signal)).attributes).toEqual({
      userName: 'a',
    });
    const b = await second.connector.create({ objectType: 'User', attributes: { userName: 'b' } }, signal);
    expect(b.id).not.toBe(a.id);
    await second.connector.close();
    const rows = csvRows(readFileSync(join(first.directory, 'users.csv'), 'utf8'));
    expect(rows.map((r) => r.userName)).toEqual(['a', 'b']);
  });

  it('writes the files by itself once operations stop for flushDelayMs, and a name with a timestamp never overwrites', async () => {
    const { connector, directory } = make({ flushDelayMs: 30 });
    await connector.create({ objectType: 'User', attributes: { userName: 'a' } }, signal);
    expect(outputs(directory)).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(outputs(directory)).toEqual(['users-20260304T050607089Z.csv']);
    await connector.create({ objectType: 'User', attributes: { userName: 'b' } }, signal);
    await connector.flush();
    expect(outputs(directory)).toEqual(['users-20260304T050607089Z-1.csv', 'users-20260304T050607089Z.csv']);
  });

  it('reads the application export so find and list see its accounts, with their ids and enabled state', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'provisio-file-'));
    writeFileSync(
      join(directory, 'app-export.csv'),
      '\ufeffAccountId,userName,displayName,Active\r\n7,ada@example.com,"Lovelace, Ada",true\r\n9,bob@example.com,,false\r\n',
    );
    const { connector } = make(
      { importFile: { User: { path: 'app-export.csv', idColumn: 'AccountId', enabledColumn: 'Active' } } },
      directory,
    );
    const found = await connector.find(
      { objectType: 'User', attribute: 'userName', value: 'ADA@example.com' },
      signal,
    );
    expect(found).toEqual([
      {
        id: '7',
        objectType: 'User',
        enabled: true,
        attributes: { userName: 'ada@example.com', displayName: 'Lovelace, Ada' },
      },
    ]);
    const page = await connector.list({ objectType: 'User', pageSize: 1 }, signal);
    expect(page.objects.map((o) => o.id)).toEqual(['7']);
    const rest = await connector.list({ objectType: 'User', pageSize: 1, cursor: page.nextCursor! }, signal);
    expect(rest).toEqual({
      objects: [{ id: '9', objectType: 'User', enabled: false, attributes: { userName: 'bob@example.com' } }],
    });
  });

  it('reports an import file without its id column, and a damaged state file, by name', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'provisio-file-'));
    writeFileSync(join(directory, 'app.csv'), 'userName\r\na\r\n');
    const { connector } = make({ importFile: { User: { path: 'app.csv' } } }, directory);
    await expect(connector.testConnection(signal)).rejects.toMatchObject({
      code: 'invalid_response',
      message: expect.stringContaining("has no column 'id'"),
    });
    const other = mkdtempSync(join(tmpdir(), 'provisio-file-'));
    writeFileSync(join(other, '.provisio-file-state.json'), '{"version":1,');
    const damaged = make({}, other).connector;
    await expect(damaged.testConnection(signal)).rejects.toMatchObject({
      code: 'invalid_response',
      message: expect.stringContaining('.provisio-file-state.json is damaged'),
    });
  });
});

describe('atomic output', () => {
  it('leaves neither the file nor a temporary file when writing fails half way', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'provisio-file-'));
    function* rows(): Generator<OutputRow> {
      for (let i = 0; i < 50_000; i++) {
        if (i === 40_000) throw new Error('disk on fire');
        yield { id: String(i), name: 'x'.repeat(20) };
      }
    }
    await expect(
      writeOutputFile(
        {
          directory,
          fileName: 'out.csv',
          format: 'csv',
          columns: ['id', 'name'],
          csv: fileSettingsSchema.parse({ directory }).csv,
        },
        rows(),
      ),
    ).rejects.toThrow('disk on fire');
    expect(readdirSync(directory)).toEqual([]);
  });

  it('replaces a file so that a reader sees the old or the new content whole, never a part', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'provisio-file-'));
    const csv = fileSettingsSchema.parse({ directory }).csv;
    const file = { directory, fileName: 'out.csv', format: 'csv' as const, columns: ['id'], csv };
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i) }));
    await writeOutputFile(file, rows(1000));
    const writing = writeOutputFile(file, rows(200_000));
    const seen = new Set<number>();
    let done = false;
    void writing.then(() => (done = true));
    while (!done) {
      const lines = readFileSync(join(directory, 'out.csv'), 'utf8').split('\r\n').length - 2;
      seen.add(lines);
      await new Promise((r) => setImmediate(r));
    }
    await writing;
    seen.add(readFileSync(join(directory, 'out.csv'), 'utf8').split('\r\n').length - 2);
    expect([...seen].every((n) => n === 1000 || n === 200_000)).toBe(true);
    expect(seen.has(200_000)).toBe(true);
    expect(existsSync(join(directory, 'out.csv'))).toBe(true);
    expect(readdirSync(directory)).toEqual(['out.csv']);
  });
});
