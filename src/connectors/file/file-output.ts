/**
 * Writing one output file so that a reader never sees half of it: the rows go to a temporary file
 * in the same directory (a rename is atomic only within one file system), which is synced and then
 * renamed to its final name. CSV goes through csv-stringify (RFC 4180 quoting), JSON Lines through
 * JSON.stringify; both are written a batch of rows at a time, so a full export of many accounts is
 * never one string in memory.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { access, rename, rm, open } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { stringify as stringifySync } from 'csv-stringify/sync';
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

/** Rows per call of the CSV writer: enough to make its per-call cost nothing, few enough to stay small. */
const CSV_BATCH_ROWS = 1_000;

async function writeCsv(
  out: WriteStream,
  file: OutputFile,
  rows: Iterable<OutputRow>,
  encoding: BufferEncoding,
): Promise<void> {
  const { csv } = file;
  // Latin-1 has no byte order mark.
  if (csv.bom && encoding !== 'latin1') await writeChunk(out, Buffer.from('\ufeff', encoding));
  const options = {
    delimiter: csv.delimiter,
    quote: csv.quote,
    quoted: csv.quoteAll,
    quoted_empty: csv.quoteAll,
    // Records go in as arrays in column order: no object per row to build and collect.
    columns: [...file.columns],
    record_delimiter: csv.recordDelimiter === 'crlf' ? '\r\n' : '\n',
    // A quote inside a quoted field is doubled (RFC 4180 §2.7).
    escape: csv.quote,
  } as const;
  // Batches through csv-stringify's synchronous form: the stream form cost a drain (and several
  // promises) every 16 records, which made a CSV export twice as slow as the JSON Lines one.
  let batch: string[][] = [];
  let header = csv.header;
  const flush = async () => {
    const text = stringifySync(batch, { ...options, header });
    header = false;
    batch = [];
    await writeChunk(out, encoding === 'utf8' ? text : Buffer.from(text, encoding));
  };
  for (const row of rows) {
    batch.push(file.columns.map((column) => csvField(row[column], csv.multiValueSeparator)));
    if (batch.length >= CSV_BATCH_ROWS) await flush();
  }
  // The last batch, and the header alone when there are no rows at all.
  if (batch.length > 0 || header) await flush();
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
