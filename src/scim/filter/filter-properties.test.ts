import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import type { AttrPath, CompareOp, Filter, FilterLiteral } from './filter-ast.js';
import { evaluateFilter } from './filter-evaluator.js';
import { parseFilter, parsePatchPath } from './filter-parser.js';
import { printFilter, printPatchPath } from './filter-printer.js';

const NO_SPAN = { start: 0, end: 0 };

/** Deep copy without `span` keys, keeping -0 (JSON would turn it into 0). */
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) if (key !== 'span') out[key] = strip(v);
    return out;
  }
  return value;
}

// Names include keywords and operators, which the grammar must still read as attribute names.
const attrName = fc.oneof(
  fc.constantFrom('userName', 'title', 'emails', 'name', 'active', 'type', 'value', 'id', 'meta', 'x'),
  fc.constantFrom('not', 'and', 'or', 'pr', 'eq', 'true', 'null', 'NOT', 'Or', '$ref', 'a-b_c9'),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,6}$/),
);
const uri = fc.constantFrom(
  'urn:ietf:params:scim:schemas:core:2.0:User',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  'urn:example:ext:1.0',
);
const attrPath: fc.Arbitrary<AttrPath> = fc
  .record({
    uri: fc.option(uri, { nil: undefined }),
    name: attrName,
    subAttr: fc.option(attrName, { nil: undefined }),
  })
  .map(({ uri, name, subAttr }) => ({
    ...(uri === undefined ? {} : { uri }),
    name,
    ...(subAttr === undefined ? {} : { subAttr }),
    span: NO_SPAN,
  }));
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const literal: fc.Arbitrary<FilterLiteral> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({
    unit: fc.oneof(fc.constantFrom('"', '\\', '/', '\n', '\t', '\u0000', '\u001f', ']', ')'), loneSurrogate),
  }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const compareOp = fc.constantFrom<CompareOp>('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');

/** Arbitrary filter ASTs. Value paths never nest, as in the RFC 7644 grammar (valFilter). */
function filterArbitrary(allowValuePath: boolean): fc.Arbitrary<Filter> {
  const { filter } = fc.letrec<{ filter: Filter }>((tie) => {
    const leaves: fc.Arbitrary<Filter>[] = [
      fc.record({ op: compareOp, path: attrPath, value: literal }).map(({ op, path, value }) => ({
        kind: 'compare' as const,
        op,
        path,
        value,
        span: NO_SPAN,
      })),
      attrPath.map((path) => ({ kind: 'present' as const, path, span: NO_SPAN })),
    ];
    const branches: fc.Arbitrary<Filter>[] = [
      fc
        .record({
          kind: fc.constantFrom('and' as const, 'or' as const),
          left: tie('filter'),
          right: tie('filter'),
        })
        .map(({ kind, left, right }) => ({ kind, left, right, span: NO_SPAN })),
      tie('filter').map((inner) => ({ kind: 'not' as const, filter: inner, span: NO_SPAN })),
    ];
    if (allowValuePath) {
      branches.push(
        fc.record({ path: attrPath, inner: filterArbitrary(false) }).map(({ path, inner }) => ({
          kind: 'valuePath' as const,
          path,
          filter: inner,
          span: NO_SPAN,
        })),
      );
    }
    return { filter: fc.oneof({ depthSize: 'small', withCrossShrink: true }, ...leaves, ...branches) };
  });
  return filter;
}

const filterAst = filterArbitrary(true);

describe('printFilter / parseFilter round trip', () => {
  it('parses the printed text of any AST back to the same AST', () => {
    fc.assert(
      fc.property(filterAst, (ast) => {
        const printed = printFilter(ast);
        expect(strip(parseFilter(printed))).toEqual(strip(ast));
      }),
      { numRuns: 1500 },
    );
  });

  it('prints text that is a fixed point: print(parse(print(f))) === print(f)', () => {
    fc.assert(
      fc.property(filterAst, (ast) => {
        const printed = printFilter(ast);
        expect(printFilter(parseFilter(printed))).toBe(printed);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips PATCH paths with value filters', () => {
    fc.assert(
      fc.property(
        attrPath.filter((p) => p.subAttr === undefined),
        filterArbitrary(false),
        fc.option(attrName, { nil: undefined }),
        (attr, valueFilter, subAttr) => {
          const path = { attr, valueFilter, ...(subAttr === undefined ? {} : { subAttr }), span: NO_SPAN };
          expect(strip(parsePatchPath(printPatchPath(path)))).toEqual(strip(path));
        },
      ),
      { numRuns: 300 },
    );
  });
});

// Resources drawn from the same names as the filters, in random case, so filters often hit.
const caseVariant = (name: string) =>
  fc.constantFrom(name, name.toLowerCase(), name.toUpperCase()).map((variant) => variant);
const primitive: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constantFrom('work', 'WORK', 'bjensen', '2011-05-13T04:42:34Z', '2011-05-13T06:42:34+02:00', '', 'x'),
  fc.string({ maxLength: 4 }),
  fc.integer({ min: -3, max: 3 }),
  fc.boolean(),
  fc.constant(null),
);
const jsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    primitive,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(attrName.chain(caseVariant), tie('value'), { maxKeys: 4 }) as fc.Arbitrary<JsonValue>,
  ),
})).value;
const resource: fc.Arbitrary<JsonObject> = fc.dictionary(
  fc.oneof(attrName.chain(caseVariant), uri),
  jsonValue,
  { maxKeys: 8 },
);

describe('evaluation before and after printing', () => {
  const resolver = SchemaRegistry.withCoreSchemas().resolver('User');

  it('agrees on random resources, with and without a resolver', () => {
    fc.assert(
      fc.property(filterAst, resource, (ast, res) => {
        const reparsed = parseFilter(printFilter(ast));
        expect(evaluateFilter(reparsed, res)).toBe(evaluateFilter(ast, res));
        expect(evaluateFilter(reparsed, res, resolver)).toBe(evaluateFilter(ast, res, resolver));
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws while evaluating, whatever the resource holds', () => {
    fc.assert(
      fc.property(filterAst, resource, (ast, res) => {
        expect(typeof evaluateFilter(ast, res, resolver)).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('evaluates not(f) as the negation of f', () => {
    fc.assert(
      fc.property(filterAst, resource, (ast, res) => {
        const negated: Filter = { kind: 'not', filter: ast, span: NO_SPAN };
        expect(evaluateFilter(negated, res)).toBe(!evaluateFilter(ast, res));
      }),
      { numRuns: 300 },
    );
  });
});
