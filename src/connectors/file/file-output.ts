/**
 * Writing one output file so that a reader never sees half of it: the rows go to a temporary file
 * in the same directory (a rename is atomic only within one file system), which is synced and then
 * renamed to its final name. CSV goes through csv-stringify (RFC 4180 quoting), JSON Lines through
 * JSON.stringify; both stream, so a full export of many accounts is never one string in memory.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { access, rename, rm, open } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { stringify } from 'csv-stringify';
import type { JsonValue } from '../../shared/json.js';
import type { CsvOptions } from './file-settings.js';

/** One output row: a value per column. */
export type OutputRow = Record<string, JsonValue | undefined>;

export interface OutputFile {
  directory: string;
  fileName: string;
  format: 'csv' | 'jsonl';
  columns: readonly string[];
  csv: CsvOptions;
}

/** Writes the rows to `directory/fileName` atomically and returns the final path. */
export async function writeOutputFile(file: OutputFile, rows: Iterable<OutputRow>): Promise<string> {
  const target = join(file.directory, file.fileName);
  const temporary = join(file.directory, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const encoding = file.format === 'csv' ? file.csv.encoding : 'utf8';
    const out = createWriteStream(temporary, { flags: 'wx' });
    await once(out, 'open');
    if (file.format === 'csv') await writeCsv(out, file, rows, encoding);
    else await writeJsonLines(out, file.columns, rows);
    out.end();
    await once(out, 'close');
    const handle = await open(temporary, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
    return target;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** A file name that does not exist yet: `name.csv`, else `name-1.csv`, `name-2.csv`, ... */
export async function uniqueFileName(directory: string, fileName: string): Promise<string> {
  if (!(await exists(join(directory, fileName)))) return fileName;
  const extension = extname(fileName);
  const stem = fileName.slice(0, fileName.length - extension.length);
  for (let n = 1; ; n++) {
    const candidate = `${stem}-${n}${extension}`;
    if (!(await exists(join(directory, candidate)))) return candidate;
  }
}

async function writeChunk(out: WriteStream, chunk: Buffer | string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

async function writeCsv(
  out: WriteStream,
  file: OutputFile,
  rows: Iterable<OutputRow>,
  encoding: BufferEncoding,
): Promise<void> {
  const { csv } = file;
  // Latin-1 has no byte order mark.
  if (csv.bom && encoding !== 'latin1') await writeChunk(out, Buffer.from('\ufeff', encoding));
  const stringifier = stringify({
    delimiter: csv.delimiter,
    quote: csv.quote,
    quoted: csv.quoteAll,
    quoted_empty: csv.quoteAll,
    header: csv.header,
    // Records go in as arrays in column order: no object per row to build and collect.
    columns: [...file.columns],
    record_delimiter: csv.recordDelimiter === 'crlf' ? '\r\n' : '\n',
    // A quote inside a quoted field is doubled (RFC 4180 §2.7).
    escape: csv.quote,
  });
  const pump = (async () => {
    for await (const chunk of stringifier as AsyncIterable<string | Buffer>) {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      await writeChunk(out, encoding === 'utf8' ? text : Buffer.from(text, encoding));
    }
  })();
  for (const row of rows) {
    const record = file.columns.map((column) => csvField(row[column], csv.multiValueSeparator));
    if (!stringifier.write(record)) await once(stringifier, 'drain');
  }
  stringifier.end();
  await pump;
}

/** A value as one CSV field: arrays joined, objects as JSON, no value as an empty field. */
export function csvField(value: JsonValue | undefined, separator: string): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => csvField(v, separator)).join(separator);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

async function writeJsonLines(out: WriteStream, columns: readonly string[], rows: Iterable<OutputRow>) {
  let buffer = '';
  for (const row of rows) {
    const record: Record<string, JsonValue> = {};
    for (const column of columns) {
      const value = row[column];
      if (value !== undefined) record[column] = value;
    }
    buffer += `${JSON.stringify(record)}\n`;
    if (buffer.length >= 64 * 1024) {
      await writeChunk(out, buffer);
      buffer = '';
    }
  }
  if (buffer !== '') await writeChunk(out, buffer);
}
