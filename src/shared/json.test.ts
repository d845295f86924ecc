import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloneJson, type JsonValue } from './json.js';

function containers(value: unknown, into: Set<object> = new Set()): Set<object> {
  if (typeof value === 'object' && value !== null) {
    into.add(value);
    for (const item of Object.values(value)) containers(item, into);
  }
  return into;
}

describe('cloneJson', () => {
  it('answers an equal value that shares no array or object with the original', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const original = value as JsonValue;
        const copy = cloneJson(original);
        expect(copy).toStrictEqual(original);
        const shared = [...containers(copy)].filter((c) => containers(original).has(c));
        expect(shared).toEqual([]);
      }),
    );
  });

  it('keeps an own "__proto__" key as a key, never as the prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as JsonValue;
    const copy = cloneJson(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.stringify(copy)).toBe(JSON.stringify(parsed));
  });
});
