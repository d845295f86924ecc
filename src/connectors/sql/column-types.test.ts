import { describe, expect, it } from 'vitest';
import {
  fromColumnValue,
  plainValue,
  toColumnValue,
  type CatalogueColumn,
  type TypeClass,
} from './column-types.js';

const column = (typeClass: TypeClass): CatalogueColumn => ({
  name: 'c',
  declaredType: typeClass,
  typeClass,
  nullable: true,
  generated: false,
});

describe('column values', () => {
  it('write what each column class can hold and refuse the rest, naming the column', () => {
    expect(toColumnValue('42', column('integer'))).toBe(42);
    expect(toColumnValue('9007199254740993', column('integer'))).toBe('9007199254740993');
    expect(toColumnValue(true, column('integer'))).toBe(1);
    expect(toColumnValue('False', column('boolean'))).toBe(false);
    expect(toColumnValue(1, column('boolean'))).toBe(true);
    expect(toColumnValue(12, column('text'))).toBe('12');
    expect(toColumnValue([], column('text'))).toBeNull();
    expect(() => toColumnValue('abc', column('integer'))).toThrow(
      "column 'c' (integer) cannot hold a value that is not an integer",
    );
    expect(() => toColumnValue(['a', 'b'], column('text'))).toThrow(/several values/);
    expect(() => toColumnValue('maybe', column('boolean'))).toThrow(/not a boolean/);
  });

  it('read drivers values back as the JSON the engine compares', () => {
    expect(fromColumnValue(1, 'boolean')).toBe(true);
    expect(fromColumnValue(0, 'boolean')).toBe(false);
    expect(fromColumnValue('12', 'integer')).toBe(12);
    expect(fromColumnValue('9007199254740993', 'integer')).toBe('9007199254740993');
    expect(fromColumnValue('1.50', 'decimal')).toBe('1.50');
    expect(fromColumnValue(null, 'text')).toBeUndefined();
    expect(plainValue(new Date('2024-01-02T03:04:05Z'))).toBe('2024-01-02T03:04:05.000Z');
    expect(plainValue(Buffer.from('hi'))).toBe('aGk=');
    expect(plainValue(10n)).toBe(10);
  });
});
