import { describe, expect, it } from 'vitest';
import type { AttributeDefinition } from '../schema/schema-types.js';
import { isScimError } from '../scim-error.js';
import { scimErrorThrownBy } from '../../../test/support/scim-error-of.js';
import type { JsonValue } from '../../shared/json.js';
import { countPrimary, normaliseAttributeValue, normaliseSingleValue } from './patch-values.js';

const def = (
  type: AttributeDefinition['type'],
  extra: Partial<AttributeDefinition> = {},
): AttributeDefinition => ({
  name: 'x',
  type,
  multiValued: false,
  description: '',
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});

function scimTypeOf(d: AttributeDefinition, value: JsonValue): string | undefined {
  const error = scimErrorThrownBy(() => normaliseAttributeValue(d, value, 'x'));
  return error === undefined ? 'ok' : error.scimType;
}

describe('value type checks (RFC 7643 §2.3)', () => {
  it.each<[AttributeDefinition['type'], JsonValue, string]>([
    ['string', 'a', 'ok'],
    ['string', 1, 'invalidValue'],
    ['boolean', true, 'ok'],
    ['boolean', 'TRUE', 'ok'],
    ['boolean', 'yes', 'invalidValue'],
    ['boolean', 0, 'invalidValue'],
    ['integer', 42, 'ok'],
    ['integer', 4.2, 'invalidValue'],
    ['integer', '42', 'invalidValue'],
    ['decimal', 4.2, 'ok'],
    ['decimal', '4.2', 'invalidValue'],
    ['dateTime', '2015-09-15T10:00:00Z', 'ok'],
    ['dateTime', '2015-09-15T10:00:00.123+02:00', 'ok'],
    ['dateTime', '2015-13-45T10:00:00Z', 'invalidValue'],
    ['dateTime', 'yesterday', 'invalidValue'],
    ['reference', 'https://example.com/Users/1', 'ok'],
    ['binary', 'TUlJ', 'ok'],
    ['complex', 'text', 'ok'],
    ['complex', true, 'invalidValue'],
    ['complex', [], 'invalidValue'],
  ])('%s accepts %j: %s', (type, value, expected) => {
    const d =
      type === 'complex' ? def(type, { subAttributes: [def('string', { name: 'value' })] }) : def(type);
    expect(scimTypeOf(d, value)).toBe(expected);
  });

  it('a bare value for a complex attribute needs a "value" sub-attribute (tolerance T10)', () => {
    const withValue = def('complex', { subAttributes: [def('string', { name: 'value' })] });
    expect(normaliseSingleValue(withValue, 'id', 'x')).toEqual({ value: 'id' });
    const without = def('complex', { subAttributes: [def('string', { name: 'label' })] });
    expect(scimTypeOf(without, 'id')).toBe('invalidValue');
  });

  it('converts string booleans to booleans', () => {
    expect(normaliseSingleValue(def('boolean'), 'False', 'x')).toBe(false);
  });

  it('canonicalises sub-attribute names, drops nulls and read-only sub-attributes', () => {
    const d = def('complex', {
      subAttributes: [
        def('string', { name: 'value' }),
        def('boolean', { name: 'primary' }),
        def('string', { name: 'display', mutability: 'readOnly' }),
      ],
    });
    expect(normaliseSingleValue(d, { VALUE: 'a', Primary: 'true', display: 'd' }, 'x')).toEqual({
      value: 'a',
      primary: true,
    });
    expect(normaliseSingleValue(d, { value: 'a', primary: null }, 'x')).toEqual({ value: 'a' });
  });

  it('rejects unknown sub-attributes with invalidPath', () => {
    const d = def('complex', { subAttributes: [def('string', { name: 'value' })] });
    expect(scimTypeOf(d, { colour: 'red' })).toBe('invalidPath');
  });

  it('wraps a lone value for a multi-valued attribute and rejects null elements', () => {
    const d = def('string', { multiValued: true });
    expect(normaliseAttributeValue(d, 'a', 'x')).toEqual(['a']);
    expect(scimTypeOf(d, ['a', null])).toBe('invalidValue');
  });
});

describe('value errors say what arrived', () => {
  const message = (d: AttributeDefinition, value: JsonValue): string =>
    scimErrorThrownBy(() => normaliseAttributeValue(d, value, 'emails[0].value'))?.detail ?? 'ok';

  it.each<[AttributeDefinition['type'], JsonValue, string]>([
    ['string', null, 'emails[0].value: expected string, got null'],
    ['string', [], 'emails[0].value: expected string, got an array'],
    ['string', {}, 'emails[0].value: expected string, got an object'],
    ['integer', 1.5, 'emails[0].value: expected integer, got number 1.5'],
    ['boolean', 'yes', 'emails[0].value: expected boolean, got string "yes"'],
    ['dateTime', '2015-09-15', 'emails[0].value: expected dateTime, got string "2015-09-15"'],
  ])('%s given %j', (type, value, expected) => {
    expect(message(def(type), value)).toBe(expected);
  });

  it('names the element of a multi-valued attribute that is null', () => {
    expect(message(def('string', { multiValued: true }), ['a', null])).toBe(
      'emails[0].value[1]: null is not a value',
    );
  });
});

describe('multi-valued sub-attributes of a complex attribute', () => {
  const d = def('complex', {
    subAttributes: [def('string', { name: 'value' }), def('string', { name: 'tags', multiValued: true })],
  });

  it('take an array, and a lone value wrapped in one', () => {
    expect(normaliseSingleValue(d, { value: 'a', tags: ['x', 'y'] }, 'x')).toEqual({
      value: 'a',
      tags: ['x', 'y'],
    });
    expect(normaliseSingleValue(d, { TAGS: 'x' }, 'x')).toEqual({ tags: ['x'] });
  });

  it('check each element', () => {
    expect(scimTypeOf(d, { tags: ['x', 3] })).toBe('invalidValue');
  });
});

describe('countPrimary (RFC 7643 §2.4: at most one primary value)', () => {
  it('counts only values that say primary true', () => {
    expect(countPrimary([{ value: 'a' }, { value: 'b', primary: true }, 'c', { primary: 'true' }])).toBe(1);
    expect(countPrimary([{ value: 'a' }, { value: 'b' }])).toBe(0);
    expect(countPrimary([{ primary: true }, { primary: true }])).toBe(2);
  });
});

describe('error texts name the sub-attribute', () => {
  const emails = def('complex', {
    name: 'emails',
    subAttributes: [def('string', { name: 'value' }), def('boolean', { name: 'primary' })],
  });

  it('names a sub-attribute of the wrong type by its canonical name', () => {
    try {
      normaliseAttributeValue(emails, { value: 'a', PRIMARY: 'maybe' }, 'emails[0]');
      expect.unreachable();
    } catch (error) {
      expect(isScimError(error) && error.detail).toBe(
        'emails[0].primary: expected boolean, got string "maybe"',
      );
    }
  });

  it('names the value sub-attribute when a bare value is of the wrong type', () => {
    try {
      normaliseAttributeValue(emails, 5, 'manager');
      expect.unreachable();
    } catch (error) {
      expect(isScimError(error) && error.detail).toBe('manager.value: expected string, got number 5');
    }
  });
});
