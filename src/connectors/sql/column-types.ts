/**
 * What a column can hold, as one small set of classes over every database's type names, and how a
 * mapped attribute's JSON value is written to such a column and read back. The classes are what the
 * catalogue check compares (an integer anchor cannot take a text member id) and what makes a value
 * round-trip: MySQL's booleans come back as 1 / 0, PostgreSQL's bigints as strings, timestamps as
 * Dates; each is turned back into the JSON value the engine compares against.
 */
import type { JsonValue } from '../../shared/json.js';
import { ConnectorError } from '../spi/index.js';

export type TypeClass =
  'text' | 'integer' | 'boolean' | 'decimal' | 'float' | 'temporal' | 'binary' | 'json' | 'uuid' | 'other';

/** A column as the catalogue describes it. */
export interface CatalogueColumn {
  name: string;
  /** The type as the database names it (for messages). */
  declaredType: string;
  typeClass: TypeClass;
  nullable: boolean;
  /** The database assigns its value (identity, sequence default, auto_increment, rowid alias). */
  generated: boolean;
}

/** Classes a mapped attribute (a string, number or boolean) can be stored in and read back from. */
export const MAPPABLE_CLASSES: ReadonlySet<TypeClass> = new Set<TypeClass>([
  'text',
  'integer',
  'boolean',
  'decimal',
  'float',
  'temporal',
  'uuid',
  'other',
]);

/** What a driver accepts as a bound value. */
export type BindValue = string | number | boolean | null;

const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The value to bind for an attribute written to a column of this class; throws `schema_violation`
 * naming the column when the value cannot be stored there (an array, a word in an integer column).
 */
export function toColumnValue(value: JsonValue | undefined, column: CatalogueColumn): BindValue {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value) && value.length === 0) return null;
  const refuse = (why: string): never => {
    throw new ConnectorError(
      'schema_violation',
      `column '${column.name}' (${column.declaredType}) cannot hold ${why}`,
    );
  };
  if (typeof value === 'object') return refuse(Array.isArray(value) ? 'several values' : 'an object');
  switch (column.typeClass) {
    case 'integer':
      if (typeof value === 'number') return Number.isInteger(value) ? value : refuse(`the number ${value}`);
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (INTEGER_TEXT.test(value.trim())) {
        const number = Number(value.trim());
        return Number.isSafeInteger(number) ? number : value.trim();
      }
      return refuse('a value that is not an integer');
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (value === 1 || value === 0) return value === 1;
      const text = String(value).trim().toLowerCase();
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      return refuse('a value that is not a boolean');
    }
    case 'decimal':
    case 'float':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && NUMBER_TEXT.test(value.trim())) return value.trim();
      return refuse('a value that is not a number');
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

/** The JSON value of what a driver read from a column of this class; undefined for no value. */
export function fromColumnValue(raw: unknown, typeClass: TypeClass | undefined): JsonValue | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeClass === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (typeof raw === 'number' || typeof raw === 'bigint') return Number(raw) !== 0;
    if (typeof raw === 'string') return raw === 't' || raw === 'true' || raw === '1';
  }
  if (typeClass === 'integer' || typeClass === 'decimal' || typeClass === 'float') {
    if (typeof raw === 'number') return raw;
    if (typeof raw === 'bigint' || typeof raw === 'string') {
      const number = Number(raw);
      // PostgreSQL reads int8 and numeric as text: keep the text where a number would lose digits.
      return Number.isFinite(number) && String(number) === String(raw) ? number : String(raw);
    }
  }
  return plainValue(raw);
}

/** A driver value as JSON without knowing its column (statement mode): dates as ISO text, bytes as base64. */
export function plainValue(raw: unknown): JsonValue | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw === 'string' || typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : String(raw);
  if (typeof raw === 'bigint') return Number.isSafeInteger(Number(raw)) ? Number(raw) : raw.toString();
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? undefined : raw.toISOString();
  if (Buffer.isBuffer(raw) || raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
  if (Array.isArray(raw)) return raw.map((item) => plainValue(item) ?? null);
  if (typeof raw === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(raw)) {
      const value = plainValue(item);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  return String(raw);
}

/** The id text of an anchor value as read (an integer, a bigint as text, a string). */
export function anchorText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'bigint') return String(raw);
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  return String(raw);
}
