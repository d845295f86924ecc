/**
 * The clause operators of Entra's scoping filters, with the rules Entra documents: EQUALS,
 * NOT EQUALS, REGEX MATCH and Includes are case-sensitive; the Greater/Less operators compare
 * integers only (the clause value must be one, and an attribute that is not one fails the clause);
 * NOT REGEX MATCH is false on an empty attribute. `&` holds when the attribute occurs in the clause
 * value (the reverse of Includes, e.g. `Sales` in `Sales,Marketing`), `!&` when it does not, and
 * ENDS_WITH when the attribute ends with the value; Entra states no case rule for these three, so
 * they compare exactly, as Includes does, and, as Entra says of every filter, fail on an empty
 * attribute. Less_Than and Less_Than_OR_EQUALS are not on Entra's list; they are kept as the
 * mirror of the Greater operators. Each operator compiles its clause value once.
 */
import type { JsonValue } from '../../shared/json.js';
import { compileDotNetRegex, RegexTranslationError } from '../../expressions/functions/dotnet-regex.js';

/** The operators, in Entra's spelling. */
export const SCOPE_OPERATORS = [
  'EQUALS',
  'NOT EQUALS',
  'IS TRUE',
  'IS FALSE',
  'IS NULL',
  'IS NOT NULL',
  'REGEX MATCH',
  'NOT REGEX MATCH',
  'Greater_Than',
  'Greater_Than_OR_EQUALS',
  'Less_Than',
  'Less_Than_OR_EQUALS',
  'Includes',
  'ENDS_WITH',
  '&',
  '!&',
] as const;

export type ScopeOperator = (typeof SCOPE_OPERATORS)[number];

/** The unary operators, which take no clause value. */
const UNARY: ReadonlySet<ScopeOperator> = new Set(['IS TRUE', 'IS FALSE', 'IS NULL', 'IS NOT NULL']);

/** Whether an operator takes a clause value. */
export function takesValue(operator: ScopeOperator): boolean {
  return !UNARY.has(operator);
}

/** Operator spellings are matched ignoring case, and with spaces and underscores alike (`NOT_EQUALS`). */
const byKey = new Map<string, ScopeOperator>(SCOPE_OPERATORS.map((op) => [operatorKey(op), op]));

function operatorKey(text: string): string {
  return text
    .trim()
    .toUpperCase()
    .replace(/[\s_]+/gu, '_');
}

/** The operator `text` names, if any. */
export function findScopeOperator(text: string): ScopeOperator | undefined {
  return byKey.get(operatorKey(text));
}

/**
 * The values a clause tests: a multi-valued attribute gives each of its values, a complex value its
 * `value`, no value none. Scalars are kept as they are.
 */
export type ClauseInput = readonly (string | number | boolean)[];

/** One compiled clause test over the attribute's values. */
export type ClauseTest = (values: ClauseInput) => boolean;

/** Why a clause value is unusable, or the compiled test. */
export type CompiledOperator = { ok: true; test: ClauseTest } | { ok: false; message: string };

const INTEGER = /^[+-]?\d+$/u;

function asText(value: string | number | boolean): string {
  return typeof value === 'string' ? value : String(value);
}

function isTrue(value: string | number | boolean): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

function isFalse(value: string | number | boolean): boolean {
  return value === false || (typeof value === 'string' && value.toLowerCase() === 'false');
}

/** True when one value equals the clause value: case-sensitive; booleans also as `True`/`true`. */
function equalsTest(expected: string): ClauseTest {
  const lower = expected.toLowerCase();
  return (values) => {
    for (const value of values) {
      if (typeof value === 'boolean') {
        if (String(value) === lower) return true;
      } else if (asText(value) === expected) return true;
    }
    return false;
  };
}

function integerOf(value: string | number | boolean): bigint | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (typeof value === 'string' && INTEGER.test(value)) return BigInt(value);
  return undefined;
}

function compareTest(expected: bigint, accept: (order: number) => boolean): ClauseTest {
  return (values) => {
    for (const value of values) {
      const actual = integerOf(value);
      if (actual === undefined) continue;
      if (accept(actual < expected ? -1 : actual > expected ? 1 : 0)) return true;
    }
    return false;
  };
}

/** Compiles `operator` with its clause value (already checked present when the operator takes one). */
export function compileOperator(operator: ScopeOperator, value: string): CompiledOperator {
  switch (operator) {
    case 'EQUALS':
      return { ok: true, test: equalsTest(value) };
    case 'NOT EQUALS': {
      const equals = equalsTest(value);
      return { ok: true, test: (values) => !equals(values) };
    }
    case 'IS TRUE':
      return { ok: true, test: (values) => values.some(isTrue) };
    case 'IS FALSE':
      return { ok: true, test: (values) => values.some(isFalse) };
    case 'IS NULL':
      return { ok: true, test: (values) => values.length === 0 };
    case 'IS NOT NULL':
      return { ok: true, test: (values) => values.length > 0 };
    case 'REGEX MATCH':
    case 'NOT REGEX MATCH': {
      let regex: RegExp;
      try {
        const compiled = compileDotNetRegex(value);
        // A sticky-free, non-global copy: test() on a global RegExp keeps lastIndex between calls.
        regex = new RegExp(compiled.global.source, compiled.global.flags.replace('g', ''));
      } catch (error) {
        if (error instanceof RegexTranslationError) {
          return { ok: false, message: `invalid regular expression: ${error.message}` };
        }
        throw error;
      }
      const matches: ClauseTest = (values) => values.some((v) => regex.test(asText(v)));
      if (operator === 'REGEX MATCH') return { ok: true, test: matches };
      // Entra: NOT REGEX MATCH is false when the attribute is null or empty.
      return { ok: true, test: (values) => values.length > 0 && !matches(values) };
    }
    case 'Greater_Than':
    case 'Greater_Than_OR_EQUALS':
    case 'Less_Than':
    case 'Less_Than_OR_EQUALS': {
      const trimmed = value.trim();
      if (!INTEGER.test(trimmed)) {
        return { ok: false, message: `${operator} compares integers: '${value}' is not an integer` };
      }
      const expected = BigInt(trimmed);
      const accept =
        operator === 'Greater_Than'
          ? (o: number) => o > 0
          : operator === 'Greater_Than_OR_EQUALS'
            ? (o: number) => o >= 0
            : operator === 'Less_Than'
              ? (o: number) => o < 0
              : (o: number) => o <= 0;
      return { ok: true, test: compareTest(expected, accept) };
    }
    case 'Includes':
      return { ok: true, test: (values) => values.some((v) => asText(v).includes(value)) };
    case 'ENDS_WITH':
      return { ok: true, test: (values) => values.some((v) => asText(v).endsWith(value)) };
    case '&':
    case '!&': {
      const occurs: ClauseTest = (values) => values.some((v) => value.includes(asText(v)));
      if (operator === '&') return { ok: true, test: occurs };
      return { ok: true, test: (values) => values.length > 0 && !occurs(values) };
    }
  }
}

/** Turns a source value into the values a clause tests (see ClauseInput). */
export function clauseInput(value: JsonValue): ClauseInput {
  if (value === null || value === '') return EMPTY;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [value];
  if (Array.isArray(value)) {
    const out: (string | number | boolean)[] = [];
    for (const item of value) for (const v of clauseInput(item)) out.push(v);
    return out;
  }
  return 'value' in value ? clauseInput(value.value ?? null) : EMPTY;
}

const EMPTY: ClauseInput = Object.freeze([]);
