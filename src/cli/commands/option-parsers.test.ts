import { InvalidArgumentError } from 'commander';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  byteCount,
  directoryPath,
  displayName,
  existingFile,
  isoTime,
  jsonObject,
  jsonStringArray,
  listenHost,
  portNumber,
  postgresSchemaName,
  postgresUrl,
  publicBaseUrl,
  safeInteger,
} from './option-parsers.js';

describe('option parsers', () => {
  it('portNumber takes exactly the decimal integers 0-65535', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 65535 }), (n) => portNumber(String(n)) === n));
    fc.assert(
      fc.property(fc.string(), (text) => {
        const valid = /^\d{1,5}$/.test(text) && Number(text) <= 65535;
        if (valid) return portNumber(text) === Number(text);
        expect(() => portNumber(text)).toThrow(InvalidArgumentError);
        return true;
      }),
    );
  });

  it('listenHost takes IP addresses and host names, nothing with a scheme, port or space', () => {
    for (const host of ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost', 'scim-1.example.com']) {
      expect(listenHost(host)).toBe(host);
    }
    for (const bad of ['', 'http://x', 'x:80', 'a b', '256.0.0.1', '-a', 'a..b', 'a_b']) {
      expect(() => listenHost(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('publicBaseUrl takes http(s) URLs with an optional path', () => {
    expect(publicBaseUrl('https://scim.example.com')).toBe('https://scim.example.com');
    expect(publicBaseUrl('http://10.0.0.1:8080/provisio/')).toBe('http://10.0.0.1:8080/provisio/');
    for (const bad of ['notaurl', 'example.com', 'mailto:a@b', 'https://x/?q', 'https://x/#f']) {
      expect(() => publicBaseUrl(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('byteCount takes positive decimal integers only', () => {
    expect(byteCount('1048576')).toBe(1048576);
    for (const bad of ['0', '-1', '1e3', '0x10', '1.5', '', ' 1', String(2 ** 60)]) {
      expect(() => byteCount(bad), bad).toThrow(/positive whole number of bytes/);
    }
  });

  it('directoryPath refuses an empty path and an existing file; existingFile the reverse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'provisio-parsers-'));
    const file = join(dir, 'f.jsonl');
    writeFileSync(file, '{}\n');
    expect(directoryPath(dir)).toBe(dir);
    expect(directoryPath(join(dir, 'not-yet'))).toBe(join(dir, 'not-yet'));
    expect(() => directoryPath(file)).toThrow(/a file of that name exists/);
    expect(() => directoryPath('')).toThrow(/Expected a directory path/);
    expect(existingFile(file)).toBe(file);
    expect(() => existingFile(join(dir, 'missing'))).toThrow(/No such file/);
    expect(() => existingFile(dir)).toThrow(/this is a directory/);
  });

  it('postgresUrl takes postgres:// and postgresql:// URLs; empty means none', () => {
    expect(postgresUrl('postgres://u@h:5432/db')).toBe('postgres://u@h:5432/db');
    expect(postgresUrl('postgresql://h/db?sslmode=require')).toBe('postgresql://h/db?sslmode=require');
    expect(postgresUrl('')).toBe('');
    for (const bad of ['h:5432', 'mysql://h/db', 'postgres:/h', 'postgres://h:99999/db']) {
      expect(() => postgresUrl(bad), bad).toThrow(/postgres:\/\/ or postgresql:\/\//);
    }
  });

  it('postgresSchemaName takes lower-case identifiers of at most 63 characters; empty means none', () => {
    for (const good of ['provisio', '_x', 'provisio_test_9f3a', 'a'.repeat(63)]) {
      expect(postgresSchemaName(good)).toBe(good);
    }
    expect(postgresSchemaName('')).toBe('');
    for (const bad of ['Provisio', '9lives', 'a-b', 'a b', 'a'.repeat(64), '"quoted"', 'x;drop schema y']) {
      expect(() => postgresSchemaName(bad), bad).toThrow(/Expected a schema name of lower-case letters/);
    }
  });

  it('displayName trims, refuses blank names and control characters', () => {
    expect(displayName('  entra ')).toBe('entra');
    for (const bad of ['', '   ', 'a\nb', 'tab\there', '\u007f']) {
      expect(() => displayName(bad), JSON.stringify(bad)).toThrow(/non-blank name on one line/);
    }
  });

  it('jsonObject and jsonStringArray say what they expected', () => {
    expect(jsonObject('{"a":1}')).toEqual({ a: 1 });
    expect(() => jsonObject('{a: 1}')).toThrow(/^It is not valid JSON \(/);
    for (const bad of ['[1]', 'null', '"x"', '3'])
      expect(() => jsonObject(bad), bad).toThrow(/Expected a JSON object/);
    expect(jsonStringArray('["a","b"]')).toEqual(['a', 'b']);
    for (const bad of ['{"x":1}', '[1]', '"a"', '["a",null]']) {
      expect(() => jsonStringArray(bad), bad).toThrow(/Expected a JSON array of strings/);
    }
  });

  it('isoTime and safeInteger', () => {
    expect(isoTime('2021-07-02T15:33:38Z').toISOString()).toBe('2021-07-02T15:33:38.000Z');
    for (const bad of ['yesterday', '07/02/2021', '2021-13-45'])
      expect(() => isoTime(bad), bad).toThrow(/ISO 8601/);
    expect(safeInteger('-7')).toBe(-7);
    for (const bad of ['x', '1.5', '', '9007199254740993'])
      expect(() => safeInteger(bad), bad).toThrow(/integer/);
  });
});
