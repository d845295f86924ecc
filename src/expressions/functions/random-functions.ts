import type { EvaluationContext } from '../value.js';
import type { FunctionSpec } from './function-spec.js';
import { ExpressionRuntimeError } from './function-spec.js';
import { defineEager, p } from './define-function.js';
import { toInt, toStr } from './coerce.js';

/** Guid and RandomString. Randomness comes from the evaluation context so tests can fix it. */

function randomIndex(ctx: EvaluationContext, size: number): number {
  return Math.min(size - 1, Math.floor(ctx.random() * size));
}

/** A version 4 GUID in lower-case 8-4-4-4-12 form, built from the context's random source. */
export function randomGuid(ctx: EvaluationContext): string {
  const hex = '0123456789abcdef';
  let out = '';
  for (let i = 0; i < 16; i++) {
    let byte = randomIndex(ctx, 256);
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    if (i === 8) byte = (byte & 0x3f) | 0x80;
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += hex[byte >> 4]! + hex[byte & 15]!;
  }
  return out;
}

/** Guid(): a new random GUID. */
export const guid = defineEager(
  { name: 'Guid', summary: 'Generates a new random GUID.', params: [], volatile: true },
  (_args, ctx) => randomGuid(ctx),
);

const DIGITS = '0123456789';
const CAPITALS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWERS = 'abcdefghijklmnopqrstuvwxyz';
// The special characters of Windows' "password must meet complexity requirements" policy.
const SPECIALS = '~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/';

/** The most characters RandomString produces, per Entra's documentation. */
export const RANDOM_STRING_MAX_LENGTH = 256;

/**
 * RandomString(length, minNumbers, minSpecial, minCapital, minLower, charactersToAvoid): a string of
 * `length` characters holding at least the requested number of each class; the rest is drawn from
 * all four classes; the result is shuffled. Characters in charactersToAvoid never appear.
 */
export const randomString = defineEager(
  {
    name: 'RandomString',
    summary:
      'Generates a random string with minimum counts of digits, special, capital and lower-case characters.',
    params: [
      p('length', 'number'),
      p('minimumNumbers', 'number'),
      p('minimumSpecialCharacters', 'number'),
      p('minimumCapital', 'number'),
      p('minimumLowerCase', 'number'),
      p('charactersToAvoid', 'string', { optional: true }),
    ],
    volatile: true,
    checkLiterals: (literals) => {
      // Truncated as the call truncates them (toInt): 256.5 is a valid length, 1.5 a minimum of 1.
      const numbers = literals.slice(0, 5).map((v) => (typeof v === 'number' ? Math.trunc(v) : undefined));
      const [length, ...minimums] = numbers;
      if (length === undefined) return [];
      if (length < 1 || length > RANDOM_STRING_MAX_LENGTH) {
        return [{ argumentIndex: 0, message: `length must be between 1 and ${RANDOM_STRING_MAX_LENGTH}` }];
      }
      // A minimum that is not a literal can only add to the sum (a negative one fails when the
      // mapping runs), so the literal ones alone already prove a request impossible.
      const sum = minimums.reduce<number>((a, b) => a + (b ?? 0), 0);
      if (sum > length) {
        return [
          { argumentIndex: 0, message: `the minimum counts add up to ${sum}, more than length ${length}` },
        ];
      }
      return [];
    },
  },
  ([lengthArg, numbersArg, specialArg, capitalArg, lowerArg, avoidArg], ctx) => {
    const fn = 'RandomString';
    const length = toInt(lengthArg, fn, 'length') ?? 0;
    const minimums = [
      toInt(numbersArg, fn, 'minimumNumbers') ?? 0,
      toInt(specialArg, fn, 'minimumSpecialCharacters') ?? 0,
      toInt(capitalArg, fn, 'minimumCapital') ?? 0,
      toInt(lowerArg, fn, 'minimumLowerCase') ?? 0,
    ];
    if (length < 1 || length > RANDOM_STRING_MAX_LENGTH) {
      throw new ExpressionRuntimeError(
        fn,
        `length must be between 1 and ${RANDOM_STRING_MAX_LENGTH}, got ${length}`,
      );
    }
    if (minimums.some((n) => n < 0))
      throw new ExpressionRuntimeError(fn, 'minimum counts cannot be negative');
    const required = minimums.reduce((a, b) => a + b, 0);
    if (required > length) {
      throw new ExpressionRuntimeError(
        fn,
        `the minimum counts add up to ${required}, more than length ${length}`,
      );
    }
    const avoid = new Set(Array.from(toStr(avoidArg) ?? ''));
    const pools = [DIGITS, SPECIALS, CAPITALS, LOWERS].map((pool) =>
      Array.from(pool).filter((ch) => !avoid.has(ch)),
    );
    const names = ['digits', 'special characters', 'capital letters', 'lower-case letters'];
    const chars: string[] = [];
    pools.forEach((pool, index) => {
      const min = minimums[index] ?? 0;
      if (min > 0 && pool.length === 0) {
        throw new ExpressionRuntimeError(fn, `charactersToAvoid excludes every one of the ${names[index]}`);
      }
      for (let i = 0; i < min; i++) chars.push(pool[randomIndex(ctx, pool.length)]!);
    });
    const all = pools.flat();
    if (all.length === 0) throw new ExpressionRuntimeError(fn, 'charactersToAvoid excludes every character');
    while (chars.length < length) chars.push(all[randomIndex(ctx, all.length)]!);
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomIndex(ctx, i + 1);
      [chars[i], chars[j]] = [chars[j]!, chars[i]!];
    }
    return chars.join('');
  },
);

/** The random functions, for index.ts. */
export const randomFunctions: readonly FunctionSpec[] = [guid, randomString];
