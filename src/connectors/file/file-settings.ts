/**
 * Settings of the `file` kind, validated when an app is applied. Paths are relative to the app
 * file's directory. Every option is documented in docs/connectors/file.md.
 */
import { z } from 'zod';

const columnList = z
  .array(z.string().min(1, 'must be a non-empty column name'))
  .min(1, 'must list at least one column')
  .refine((columns) => new Set(columns).size === columns.length, 'must not repeat a column');

const perType = <T extends z.ZodType>(schema: T) =>
  z.strictObject({ User: schema.optional(), Group: schema.optional() });

/** How CSV is written and read (RFC 4180 by default). */
export const csvOptionsSchema = z.strictObject({
  delimiter: z.string().min(1).max(4).default(','),
  quote: z.string().length(1).default('"'),
  /** Quote every field, not only those that need it. */
  quoteAll: z.boolean().default(false),
  header: z.boolean().default(true),
  recordDelimiter: z.enum(['crlf', 'lf']).default('crlf'),
  encoding: z.enum(['utf8', 'utf16le', 'latin1']).default('utf8'),
  /** Write a byte order mark first (some spreadsheet programs need it to read UTF-8). */
  bom: z.boolean().default(false),
  /** Joins the values of a multi-valued attribute in one field. */
  multiValueSeparator: z.string().min(1).default(';'),
});

const importSchema = z.strictObject({
  /** The CSV file the application exports, read with the `csv` options above. */
  path: z.string().min(1),
  /** The column holding each account's id in the application. */
  idColumn: z.string().min(1).default('id'),
  /** The column holding `true`/`false` for enabled accounts; absent: every imported account is enabled. */
  enabledColumn: z.string().min(1).optional(),
});

/** Settings of the `file` kind. */
export const fileSettingsSchema = z.strictObject({
  /** Where the output files go; created when missing. */
  directory: z.string().min(1),
  /** `full`: the whole set of accounts each time; `changes`: one row per create, update, disable, enable, delete. */
  mode: z.enum(['full', 'changes']).default('full'),
  format: z.enum(['csv', 'jsonl']).default('csv'),
  /** Output file name; `{type}` (users, groups), `{timestamp}` (UTC, 20260101T120000123Z), `{mode}`, `{ext}`. */
  fileName: z
    .string()
    .min(1)
    .refine((name) => !/[/\\]/.test(name), 'must be a file name, not a path')
    .default('{type}-{timestamp}.{ext}'),
  objectTypes: z
    .array(z.enum(['User', 'Group']))
    .min(1)
    .refine((types) => new Set(types).size === types.length, 'must not repeat an object type')
    .default(['User']),
  /** Column order per type; absent: id, enabled (users), then every attribute name in sorted order. */
  columns: perType(columnList).optional(),
  csv: csvOptionsSchema.prefault({}),
  /** Milliseconds of quiet after the last operation before the files are written. */
  flushDelayMs: z.number().int().min(0).max(600_000).default(2_000),
  /** The connector's record of the accounts it holds; default `.provisio-file-state.json` in `directory`. */
  stateFile: z.string().min(1).optional(),
  /** A CSV the application exports, read so that matching and reconciliation see its accounts. */
  importFile: perType(importSchema).optional(),
});

export type FileSettings = z.infer<typeof fileSettingsSchema>;
export type CsvOptions = z.infer<typeof csvOptionsSchema>;
