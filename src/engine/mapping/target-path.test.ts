import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/json.js';
import { coerceToTargetType, compileTargetPath, writeTargetValue } from './target-path.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('target paths', () => {
  it('splits URN-qualified paths at the schema, not at the dots of its version', () => {
    expect(compileTargetPath(`${ENTERPRISE}:manager.value`)).toMatchObject({
      urn: ENTERPRISE,
      attribute: 'manager',
      sub: 'value',
    });
    expect(compileTargetPath(`${ENTERPRISE}:department`)).toMatchObject({
      urn: ENTERPRISE,
      attribute: 'department',
    });
    // The core schema's URN qualifies a top-level attribute (RFC 7644 §3.10).
    const core = compileTargetPath('urn:ietf:params:scim:schemas:core:2.0:User:userName');
    expect(core.urn).toBeUndefined();
    expect(core.attribute).toBe('userName');
  });

  it('builds nested JSON, merging entries selected by the same filter', () => {
    const target: JsonObject = {};
    for (const [path, value] of [
      ['userName', 'bjensen'],
      ['name.givenName', 'Barbara'],
      ['name.familyName', 'Jensen'],
      ['emails[type eq "work" and primary eq true].value', 'b@example.com'],
      ['emails[type eq "home"].value', 'b@home.example'],
      ['addresses[type eq "work"].locality', 'Hollywood'],
      ['addresses[type eq "work"].country', 'US'],
      [`${ENTERPRISE}:department`, 'Tours'],
      [`${ENTERPRISE}:manager.value`, 'm1'],
    ] as const) {
      writeTargetValue(target, compileTargetPath(path), value);
    }
    expect(target).toEqual({
      userName: 'bjensen',
      name: { givenName: 'Barbara', familyName: 'Jensen' },
      emails: [
        { type: 'work', primary: true, value: 'b@example.com' },
        { type: 'home', value: 'b@home.example' },
      ],
      addresses: [{ type: 'work', locality: 'Hollywood', country: 'US' }],
      [ENTERPRISE]: { department: 'Tours', manager: { value: 'm1' } },
    });
  });

  it('refuses what cannot name one place to write', () => {
    expect(() => compileTargetPath('')).toThrow('a target attribute path is required');
    expect(() => compileTargetPath('emails[type ne "work"].value')).toThrow(
      /may only join 'attribute eq value'/,
    );
    expect(() => compileTargetPath('emails[type eq "work"]')).toThrow(/needs a sub-attribute/);
    expect(() => compileTargetPath('name..x')).toThrow();
  });

  it("converts text to the target attribute's declared type only when it spells one", () => {
    expect(coerceToTargetType('True', 'boolean')).toBe(true);
    expect(coerceToTargetType('false', 'boolean')).toBe(false);
    expect(coerceToTargetType('yes', 'boolean')).toBe('yes');
    expect(coerceToTargetType('42', 'integer')).toBe(42);
    expect(coerceToTargetType('4.5', 'decimal')).toBe(4.5);
    expect(coerceToTargetType('99999999999999999999', 'integer')).toBe('99999999999999999999');
    expect(coerceToTargetType('', 'integer')).toBe('');
    expect(coerceToTargetType('42', undefined)).toBe('42');
  });
});
