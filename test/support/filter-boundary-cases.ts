/**
 * Boundary cases for every SCIM filter comparison operator (RFC 7644 §3.4.2.2) on every attribute
 * type (RFC 7643 §2.3): for each literal, values equal to it, just below and just above it. Shared
 * by the in-memory compiler's test and the SQL translation's test, so both paths are held to the
 * same table.
 *
 * Each row states its order against the literal by hand; what each operator must answer follows
 * from that order (eq ⇔ 0, gt ⇔ 1, ...) and, for co / sw / ew, from plain substring tests on the
 * row's text with the attribute's case rule.
 */
import { defineAttribute } from '../../src/scim/schema/attribute-builders.js';
import { SchemaRegistry } from '../../src/scim/schema/schema-registry.js';
import type { JsonValue } from '../../src/shared/json.js';

/** The operators of RFC 7644 §3.4.2.2 that take a value, and `pr`. */
export const COMPARE_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

/** An extension schema with one attribute of each type, attached to User. */
export const BOUNDARY_URN = 'urn:example:params:scim:schemas:extension:boundary:2.0:User';

/** The core schemas plus the boundary extension on User. */
export function boundaryRegistry(): SchemaRegistry {
  const registry = SchemaRegistry.withCoreSchemas();
  registry.registerSchema({
    id: BOUNDARY_URN,
    name: 'BoundaryUser',
    description: 'One attribute of each RFC 7643 §2.3 type.',
    attributes: [
      defineAttribute('text', 'string', 'caseExact false.'),
      defineAttribute('code', 'string', 'caseExact true.', { caseExact: true }),
      defineAttribute('flag', 'boolean', 'A boolean.'),
      defineAttribute('count', 'integer', 'An integer.'),
      defineAttribute('ratio', 'decimal', 'A decimal.'),
      defineAttribute('at', 'dateTime', 'An instant.'),
      defineAttribute('link', 'reference', 'A URI.', { caseExact: true, referenceTypes: ['uri'] }),
      defineAttribute('blob', 'binary', 'Base64 data.', { caseExact: true }),
      defineAttribute('badge', 'complex', 'A complex value compared through its value.', {
        subAttributes: [
          defineAttribute('value', 'string', 'The badge.'),
          defineAttribute('kind', 'string', 'What badge.'),
        ],
      }),
    ],
  });
  registry.attachExtension('User', BOUNDARY_URN);
  return registry;
}

/** One value and where it sits against the literal: below (-1), equal (0), above (1), or null
 * when it cannot be ordered against it (another JSON type, or a complex value without `value`). */
export interface BoundaryRow {
  readonly value: JsonValue;
  readonly order: -1 | 0 | 1 | null;
  /** `pr` on the path; false only where the path reaches no value (a sub-attribute left out). */
  readonly present: boolean;
}

/** A literal of one attribute type and the values around it. */
export interface BoundaryCase {
  readonly label: string;
  /** Filter path of the attribute, e.g. `urn:...:User:count` or `userName`. */
  readonly path: string;
  /** The literal as it is written in a filter: `"Bob"`, `10`, `true`. */
  readonly literal: string;
  /** Case rule for co / sw / ew; undefined where those never match (booleans, numbers). */
  readonly caseExact?: boolean;
  /** gt / ge / lt / le apply (not to booleans, RFC 7644 §3.4.2.2). */
  readonly ordered: boolean;
  readonly rows: readonly BoundaryRow[];
}

const ext = (name: string) => `${BOUNDARY_URN}:${name}`;

const row = (value: JsonValue, order: -1 | 0 | 1 | null, present = true): BoundaryRow => ({
  value,
  order,
  present,
});

/** Rows for a caseExact false string literal "Bob". */
const caseIgnoringStringRows: readonly BoundaryRow[] = [
  row('bo', -1),
  row('boa', -1),
  row('BOAZ', -1),
  row('Bob', 0),
  row('BOB', 0),
  row('bob', 0),
  row('boba', 1),
  row('Boc', 1),
  row('xbob', 1),
  row(7, null),
  row(true, null),
];

/** Rows for a caseExact true string literal "Bob": case decides (code units, 'B' < 'b'). */
const caseExactStringRows: readonly BoundaryRow[] = [
  row('Bo', -1),
  row('Boa', -1),
  row('BOB', -1),
  row('Bob', 0),
  row('Boba', 1),
  row('Boc', 1),
  row('bob', 1),
  row('xBob', 1),
];

/** The boundary table. */
export const BOUNDARY_CASES: readonly BoundaryCase[] = [
  {
    label: 'string, caseExact false',
    path: ext('text'),
    literal: '"Bob"',
    caseExact: false,
    ordered: true,
    rows: caseIgnoringStringRows,
  },
  {
    label: 'string, caseExact true',
    path: ext('code'),
    literal: '"Bob"',
    caseExact: true,
    ordered: true,
    rows: caseExactStringRows,
  },
  {
    label: 'boolean, literal true',
    path: ext('flag'),
    literal: 'true',
    ordered: false,
    rows: [row(true, 0), row(false, 1), row('true', null), row(1, null)],
  },
  {
    label: 'boolean, literal false',
    path: ext('flag'),
    literal: 'false',
    ordered: false,
    rows: [row(false, 0), row(true, 1), row('false', null), row(0, null)],
  },
  {
    label: 'integer',
    path: ext('count'),
    literal: '10',
    ordered: true,
    rows: [row(-10, -1), row(9, -1), row(10, 0), row(11, 1), row(1000, 1), row('10', null), row(false, null)],
  },
  {
    label: 'integer, negative literal',
    path: ext('count'),
    literal: '-1',
    ordered: true,
    rows: [row(-2, -1), row(-1, 0), row(0, 1)],
  },
  {
    label: 'decimal',
    path: ext('ratio'),
    literal: '1.5',
    ordered: true,
    rows: [row(1.4999999, -1), row(-1.5, -1), row(1.5, 0), row(1.5000001, 1), row(2, 1), row('1.5', null)],
  },
  {
    label: 'decimal, exponent literal',
    path: ext('ratio'),
    literal: '2.5e-3',
    ordered: true,
    rows: [row(0.0024999, -1), row(0.0025, 0), row(0.0025001, 1)],
  },
  {
    label: 'dateTime, literal in UTC',
    path: ext('at'),
    literal: '"2024-03-10T12:00:00Z"',
    caseExact: false,
    ordered: true,
    rows: [
      row('2024-03-10T11:59:59.999Z', -1),
      row('2024-03-10T11:59:59.9999Z', -1),
      row('2024-03-10T12:59:59.999+01:00', -1),
      row('2024-03-10T12:00:00Z', 0),
      row('2024-03-10T12:00:00.000Z', 0),
      row('2024-03-10T13:00:00+01:00', 0),
      row('2024-03-10T07:00:00-05:00', 0),
      row('2024-03-10T12:00:00.0001Z', 1),
      row('2024-03-10T12:00:00.001Z', 1),
      row('2024-03-10T06:30:00.001-05:30', 1),
    ],
  },
  {
    label: 'dateTime, literal with an offset and milliseconds',
    path: ext('at'),
    literal: '"2024-03-10T14:00:00.000+02:00"',
    caseExact: false,
    ordered: true,
    rows: [
      row('2024-03-10T11:59:59.999Z', -1),
      row('2024-03-10T13:59:59.999+02:00', -1),
      row('2024-03-10T12:00:00Z', 0),
      row('2024-03-10T14:00:00+02:00', 0),
      row('2024-03-10T12:00:00.001Z', 1),
      row('2024-03-10T08:00:00.001-04:00', 1),
    ],
  },
  {
    label: 'reference, caseExact true',
    path: ext('link'),
    literal: '"https://example.com/v2/Users/2819c223"',
    caseExact: true,
    ordered: true,
    rows: [
      row('HTTPS://example.com/v2/Users/2819c223', -1),
      row('https://example.com/v2/Users/2819c222', -1),
      row('https://example.com/v2/Users/2819c223', 0),
      row('https://example.com/v2/Users/2819c223/', 1),
      row('https://example.com/v2/Users/2819c224', 1),
    ],
  },
  {
    label: 'binary, caseExact true',
    path: ext('blob'),
    literal: '"QUJD"',
    caseExact: true,
    ordered: true,
    rows: [row('QUJC', -1), row('QUJD', 0), row('QUJDRA==', 1), row('qujd', 1), row('QUJE', 1)],
  },
  {
    label: 'complex, compared through its value',
    path: ext('badge'),
    literal: '"Gold"',
    caseExact: false,
    ordered: true,
    rows: [
      row({ value: 'gol', kind: 'metal' }, -1),
      row({ value: 'Gold', kind: 'metal' }, 0),
      row({ value: 'GOLD' }, 0),
      row({ value: 'golden' }, 1),
      row({ kind: 'Gold' }, null),
    ],
  },
  {
    label: 'complex, its value sub-attribute',
    path: ext('badge.value'),
    literal: '"Gold"',
    caseExact: false,
    ordered: true,
    rows: [
      row({ value: 'gol', kind: 'metal' }, -1),
      row({ value: 'GOLD' }, 0),
      row({ value: 'golden' }, 1),
      row({ kind: 'Gold' }, null, false),
    ],
  },
];

/** The text co / sw / ew look at in a row's value: a string, or a complex value's `value`. */
function textOf(value: JsonValue): string | undefined {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const inner = value.value;
    return typeof inner === 'string' ? inner : undefined;
  }
  return undefined;
}

/**
 * What `<path> <op> <literal>` must answer for a resource holding `row.value` at the path. An
 * absent attribute is the row `{ value: null, order: null, present: false }`: only `ne` matches.
 */
export function expectedMatch(c: BoundaryCase, op: CompareOp, row: BoundaryRow): boolean {
  const { order } = row;
  switch (op) {
    case 'eq':
      return order === 0;
    case 'ne':
      return order !== 0;
    case 'gt':
      return c.ordered && order === 1;
    case 'ge':
      return c.ordered && (order === 1 || order === 0);
    case 'lt':
      return c.ordered && order === -1;
    case 'le':
      return c.ordered && (order === -1 || order === 0);
    case 'co':
    case 'sw':
    case 'ew': {
      const text = textOf(row.value);
      if (c.caseExact === undefined || text === undefined) return false;
      const literal = JSON.parse(c.literal) as string;
      const [t, l] = c.caseExact ? [text, literal] : [text.toLowerCase(), literal.toLowerCase()];
      return op === 'co' ? t.includes(l) : op === 'sw' ? t.startsWith(l) : t.endsWith(l);
    }
  }
}
