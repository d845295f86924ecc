/**
 * Typed AST of SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2). Every node carries the
 * source span it was parsed from, so diagnostics can point at the offending text. Consumers switch
 * exhaustively on `kind`: a new node kind fails to compile until every consumer handles it.
 */

/** Half-open character offsets [start, end) into the source text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * `[uri ":"] name ["." subAttr]`, e.g. `name.familyName` or
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`.
 * Names are kept as written; lookups are case-insensitive (RFC 7643 §2.1).
 */
export interface AttrPath {
  readonly uri?: string;
  readonly name: string;
  readonly subAttr?: string;
  readonly span: Span;
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type LogicalOp = 'and' | 'or';
export type FilterLiteral = string | number | boolean | null;

export interface CompareFilter {
  readonly kind: 'compare';
  readonly op: CompareOp;
  readonly path: AttrPath;
  readonly value: FilterLiteral;
  readonly span: Span;
}

export interface PresentFilter {
  readonly kind: 'present';
  readonly path: AttrPath;
  readonly span: Span;
}

export interface LogicalFilter {
  readonly kind: LogicalOp;
  readonly left: Filter;
  readonly right: Filter;
  readonly span: Span;
}

export interface NotFilter {
  readonly kind: 'not';
  readonly filter: Filter;
  readonly span: Span;
}

/**
 * `emails[type eq "work" and value co "@example.com"]`: true when one value of the multi-valued
 * (or complex) attribute matches the inner filter, evaluated against that value. Inner paths are
 * relative to the value (`type`, not `emails.type`).
 */
export interface ValuePathFilter {
  readonly kind: 'valuePath';
  readonly path: AttrPath;
  readonly filter: Filter;
  readonly span: Span;
}

export type Filter = CompareFilter | PresentFilter | LogicalFilter | NotFilter | ValuePathFilter;

/**
 * A PATCH operation path (RFC 7644 §3.5.2):
 * `attrPath` | `valuePath ["." subAttr]`, e.g. `members[value eq "2819c223"]`, `emails[type eq "work"].value`.
 * When `valueFilter` is set, `attr.subAttr` is empty and `subAttr` names the sub-attribute after the bracket.
 */
export interface PatchPath {
  readonly attr: AttrPath;
  readonly valueFilter?: Filter;
  readonly subAttr?: string;
  readonly span: Span;
}
