/**
 * Reading the CSV an application exports (its list of accounts), so that matching and
 * reconciliation see what the application really holds. The header names the columns; the id
 * column becomes each account's id, every other column an attribute (an empty field is no value).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { ConnectorError, type TargetAttributes } from '../spi/index.js';
import type { FileRecord } from './file-records.js';
import type { CsvOptions } from './file-settings.js';

export interface ImportOptions {
  path: string;
  idColumn: string;
  enabledColumn?: string | undefined;
  csv: CsvOptions;
}

/** The accounts in the application's export; throws a `ConnectorError` naming the file and line. */
export async function readImportFile(options: ImportOptions): Promise<FileRecord[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(options.path);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConnectorError(
      missing ? 'not_found' : 'unavailable',
      `Cannot read the import file ${options.path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  let rows: Record<string, string>[];
  try {
    rows = parse(bytes.toString(options.csv.encoding), {
      delimiter: options.csv.delimiter,
      quote: options.csv.quote,
      columns: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }) as Record<string, string>[];
  } catch (error) {
    throw new ConnectorError(
      'invalid_response',
      `The import file ${options.path} is not valid CSV: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const records: FileRecord[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const where = `${options.path}, record ${index + 1}`;
    const id = row[options.idColumn];
    if (id === undefined) {
      throw new ConnectorError(
        'invalid_response',
        `The import file ${options.path} has no column '${options.idColumn}' (idColumn)`,
      );
    }
    if (id === '')
      throw new ConnectorError('invalid_response', `${where}: the id column '${options.idColumn}' is empty`);
    if (seen.has(id)) throw new ConnectorError('invalid_response', `${where}: the id '${id}' appears twice`);
    seen.add(id);
    let enabled = true;
    const attributes: TargetAttributes = {};
    for (const [column, value] of Object.entries(row)) {
      if (column === options.idColumn) continue;
      if (column === options.enabledColumn) {
        enabled = !/^(false|0|no|disabled)$/i.test(value.trim());
        continue;
      }
      if (value !== '') attributes[column] = value;
    }
    records.push({ id, enabled, attributes });
  });
  return records;
}
