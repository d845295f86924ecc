import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isScimError } from '../scim/scim-error.js';
import { DEFAULT_MAX_JSON_DEPTH, jsonDepthOverflow, parseJsonBody } from './scim-media.js';

/** Nesting depth of arrays and objects, as the limit counts it (a scalar is depth 0). */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

/** JSON whose strings hold brackets, quotes and backslashes, which the depth scan must skip. */
const trickyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', ' ') }),
    fc.integer(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: fc.constantFrom('[', '{', '"', '\\', 'k') }), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;

describe('jsonDepthOverflow', () => {
  it('finds an overflow exactly when the JSON nests deeper than the limit', () => {
    fc.assert(
      fc.property(trickyJson, fc.integer({ min: 1, max: 8 }), (value, limit) => {
        const overflow = jsonDepthOverflow(JSON.stringify(value), limit);
        expect(overflow >= 0).toBe(depthOf(value) > limit);
      }),
    );
  });

  it('points at the bracket that opens the first level over the limit', () => {
    expect(jsonDepthOverflow('{"a":[[1]]}', 2)).toBe(6);
    expect(jsonDepthOverflow('{"a":"[[[[","b":[1]}', 2)).toBe(-1);
    expect(jsonDepthOverflow('{"a":"\\"[[[","b":{"c":{}}}', 2)).toBe(22);
  });
});

describe('parseJsonBody', () => {
  it('parses a body at the depth limit', () => {
    const text = '['.repeat(DEFAULT_MAX_JSON_DEPTH) + ']'.repeat(DEFAULT_MAX_JSON_DEPTH);
    expect(depthOf(parseJsonBody(text))).toBe(DEFAULT_MAX_JSON_DEPTH);
  });

  it('refuses a body one level deeper with 400 invalidSyntax naming the limit and the place', () => {
    const depth = DEFAULT_MAX_JSON_DEPTH + 1;
    try {
      parseJsonBody(`{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`);
      expect.unreachable();
    } catch (error) {
      expect(isScimError(error)).toBe(true);
      if (!isScimError(error)) return;
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidSyntax');
      expect(error.detail).toContain(`more than ${DEFAULT_MAX_JSON_DEPTH} levels`);
      // The object is level 1, so the array opening level 65 is the 64th after `{"x":`.
      expect(error.detail).toContain(`at character ${5 + DEFAULT_MAX_JSON_DEPTH - 1}`);
    }
  });

  it('refuses a body nested a million levels deep without parsing it', () => {
    const text = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    expect(() => parseJsonBody(text, 10)).toThrow(/more than 10 levels/);
  });
});
