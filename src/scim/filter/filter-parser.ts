/**
 * Recursive-descent parser for SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2).
 *
 * Grammar implemented (RFC 7644 §3.4.2.2 ABNF, with precedence made explicit):
 *
 *   FILTER    = orExp
 *   orExp     = andExp *( "or" andExp )                  ; left-associative
 *   andExp    = unary *( "and" unary )                   ; "and" binds tighter than "or"
 *   unary     = "not" "(" orExp ")" / "(" orExp ")" / valuePath / attrExp
 *   valuePath = attrPath "[" valFilter "]"               ; valFilter: same, without nested valuePath
 *   attrExp   = attrPath "pr" / attrPath compareOp compValue
 *   attrPath  = [URI ":"] ATTRNAME ["." ATTRNAME]
 *
 * Keywords and operators are case-insensitive (ABNF string literals are). Whitespace between
 * tokens may be any run of SP/HTAB/CR/LF. `and`, `or`, `not` are keywords only where the grammar
 * expects one, so attributes with those names still parse (`not eq "x"` compares an attribute
 * called `not`; `not (` is negation). Parentheses are not nodes: a parenthesised group yields the
 * node inside it, with the span of the text inside the parentheses.
 *
 * Limits: the source length is capped (default 64 KiB) and nesting of `(`, `not (` and `[` is capped
 * (default 64). Recursion depth is bounded by the nesting cap, and `and`/`or` chains are built in a
 * loop, so hostile input yields a ScimError, never a stack overflow. Positions in messages are
 * 0-based offsets into the text, the same offsets as the AST spans.
 */
import { ScimError } from '../scim-error.js';
import type { AttrPath, CompareOp, Filter, FilterLiteral, PatchPath, Span } from './filter-ast.js';
import {
  describeAt,
  isAttrName,
  isBareValueChar,
  isJsonNumber,
  isNameChar,
  isPathChar,
  isPathStart,
  scanString,
  scanWhile,
  skipWhitespace,
  truncate,
  type ScanErrorFactory,
} from './filter-scanner.js';

/** Default limits; both can be raised or lowered per call. */
export const FILTER_LIMITS = {
  /** Longest accepted source text, in UTF-16 code units. */
  maxLength: 64 * 1024,
  /** Deepest nesting of `(...)`, `not (...)` and `[...]`. */
  maxDepth: 64,
} as const;

/** Options of {@link parseFilter}. */
export interface ParseFilterOptions {
  /**
   * Accept unquoted values where unambiguous, as Microsoft Entra ID's documentation writes them
   * (`externalId eq jyoung`). A bare value runs up to the next whitespace, parenthesis, bracket or
   * double quote. `true`, `false`, `null` (any case) and JSON numbers keep their type; any other
   * bare token is taken as a string. A bare value cannot contain spaces: quote those. Default off,
   * since RFC 7644 requires JSON string literals.
   */
  readonly allowBareValues?: boolean;
  /**
   * Accept a sub-attribute comparison after a value filter as a whole filter expression,
   * `emails[type eq "work"].value eq "x"`, which Microsoft Entra ID sends to match users by work
   * email. RFC 7644 §3.4.2.2 allows `].sub` only in PATCH paths (§3.5.2); in a filter it can only
   * mean `emails[type eq "work" and value eq "x"]`, and that is the AST produced, so the printer
   * writes the canonical form. Default off.
   */
  readonly allowValuePathSubAttribute?: boolean;
  /** Maximum source length; default {@link FILTER_LIMITS.maxLength}. */
  readonly maxLength?: number;
  /** Maximum nesting depth; default {@link FILTER_LIMITS.maxDepth}. */
  readonly maxDepth?: number;
}

/** Options of {@link parsePatchPath} and {@link parseAttrPath}. */
export interface ParsePathOptions {
  readonly maxLength?: number;
  readonly maxDepth?: number;
}

const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>([
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
]);
const OPERATOR_LIST = 'eq, ne, co, sw, ew, gt, ge, lt, le or pr';

const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const DOT = 0x2e;

/**
 * Parses a SCIM filter into its AST.
 * @throws ScimError 400 invalidFilter saying what was expected and at which position.
 */
export function parseFilter(text: string, options?: ParseFilterOptions): Filter {
  const parser = new FilterParser(text, options, ScimError.invalidFilter, 'filter');
  return parser.parseWholeFilter();
}

/**
 * Parses a PATCH operation path: `attrPath` or `valuePath ["." subAttr]` (RFC 7644 §3.5.2), e.g.
 * `members[value eq "2819c223"]` or `emails[type eq "work"].value`.
 *
 * The URN/attribute split is at the last ':', so a path naming a whole extension
 * (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`) yields uri `...:2.0` and name
 * `User`; callers that accept such paths recognise them by joining the two back.
 * @throws ScimError 400 invalidPath.
 */
export function parsePatchPath(text: string, options?: ParsePathOptions): PatchPath {
  const parser = new FilterParser(text, options, ScimError.invalidPath, 'path');
  return parser.parseWholePatchPath();
}

/**
 * Parses a plain attribute path `[URI ":"] name ["." subAttr]` (sortBy, attributes lists).
 * @throws ScimError 400 invalidPath.
 */
export function parseAttrPath(text: string, options?: ParsePathOptions): AttrPath {
  const parser = new FilterParser(text, options, ScimError.invalidPath, 'path');
  return parser.parseWholeAttrPath();
}

class FilterParser {
  private pos = 0;
  private readonly allowBareValues: boolean;
  private readonly allowValuePathSubAttribute: boolean;
  private readonly maxDepth: number;

  constructor(
    private readonly text: string,
    options: ParseFilterOptions | undefined,
    private readonly fail: ScanErrorFactory,
    private readonly what: 'filter' | 'path',
  ) {
    this.allowBareValues = options?.allowBareValues ?? false;
    this.allowValuePathSubAttribute = options?.allowValuePathSubAttribute ?? false;
    this.maxDepth = options?.maxDepth ?? FILTER_LIMITS.maxDepth;
    const maxLength = options?.maxLength ?? FILTER_LIMITS.maxLength;
    if (typeof text !== 'string') throw fail(`${what} must be a string`);
    if (text.length > maxLength) {
      throw fail(`${what} is ${text.length} characters long; the maximum is ${maxLength}`);
    }
  }

  parseWholeFilter(): Filter {
    this.pos = skipWhitespace(this.text, 0);
    if (this.pos >= this.text.length) throw this.fail('empty filter');
    const filter = this.parseOr(0, false);
    this.expectEnd("expected 'and', 'or' or the end of the filter");
    return filter;
  }

  parseWholePatchPath(): PatchPath {
    const start = skipWhitespace(this.text, 0);
    this.pos = start;
    const attr = this.parseAttrPathToken('an attribute path');
    if (this.peekCode() !== OPEN_BRACKET) {
      this.expectEnd("expected '[' or the end of the path");
      return { attr, span: attr.span };
    }
    if (attr.subAttr !== undefined) {
      throw this.fail(
        `a value filter must follow an attribute, not the sub-attribute '${attr.name}.${attr.subAttr}', at position ${this.pos}`,
      );
    }
    const open = this.pos;
    this.pos++;
    const valueFilter = this.parseOr(1, true);
    this.expectClose(CLOSE_BRACKET, open);
    let end = this.pos;
    let subAttr: string | undefined;
    if (this.peekCode() === DOT) {
      const subStart = this.pos + 1;
      const subEnd = scanWhile(this.text, subStart, isPathChar);
      subAttr = this.text.slice(subStart, subEnd);
      if (!isAttrName(subAttr)) {
        throw this.fail(
          `expected a sub-attribute name after '].' at position ${subStart}, found ${describeAt(this.text, subStart)}`,
        );
      }
      this.pos = end = subEnd;
    }
    this.expectEnd(
      subAttr === undefined
        ? "expected '.' and a sub-attribute or the end of the path"
        : 'expected the end of the path',
    );
    const span = { start, end };
    return subAttr === undefined ? { attr, valueFilter, span } : { attr, valueFilter, subAttr, span };
  }

  parseWholeAttrPath(): AttrPath {
    this.pos = skipWhitespace(this.text, 0);
    const path = this.parseAttrPathToken('an attribute path');
    this.expectEnd('expected the end of the attribute path');
    return path;
  }

  /** orExp: a loop, so long `or` chains never deepen the call stack. */
  private parseOr(depth: number, inValueFilter: boolean): Filter {
    let left = this.parseAnd(depth, inValueFilter);
    while (this.acceptKeyword('or')) {
      const right = this.parseAnd(depth, inValueFilter);
      left = { kind: 'or', left, right, span: spanOf(left.span.start, right.span.end) };
    }
    return left;
  }

  private parseAnd(depth: number, inValueFilter: boolean): Filter {
    let left = this.parseUnary(depth, inValueFilter);
    while (this.acceptKeyword('and')) {
      const right = this.parseUnary(depth, inValueFilter);
      left = { kind: 'and', left, right, span: spanOf(left.span.start, right.span.end) };
    }
    return left;
  }

  private parseUnary(depth: number, inValueFilter: boolean): Filter {
    const text = this.text;
    const start = skipWhitespace(text, this.pos);
    this.pos = start;
    if (start >= text.length) {
      throw this.fail(`expected an attribute path, '(' or 'not' at position ${start}, found end of input`);
    }
    const code = text.charCodeAt(start);
    if (code === OPEN_PAREN) {
      this.enter(depth, start);
      this.pos = start + 1;
      const inner = this.parseOr(depth + 1, inValueFilter);
      this.expectClose(CLOSE_PAREN, start);
      return inner;
    }
    if (!isPathStart(code)) {
      throw this.fail(
        `expected an attribute path, '(' or 'not' at position ${start}, found ${describeAt(text, start)}`,
      );
    }
    const tokenEnd = scanWhile(text, start, isPathChar);
    if (tokenEnd - start === 3 && text.slice(start, tokenEnd).toLowerCase() === 'not') {
      const open = skipWhitespace(text, tokenEnd);
      if (text.charCodeAt(open) === OPEN_PAREN) {
        this.enter(depth, open);
        this.pos = open + 1;
        const inner = this.parseOr(depth + 1, inValueFilter);
        this.expectClose(CLOSE_PAREN, open);
        return { kind: 'not', filter: inner, span: spanOf(start, this.pos) };
      }
    }
    const path = this.parseAttrPathToken('an attribute path');
    const afterPath = skipWhitespace(text, this.pos);
    if (text.charCodeAt(afterPath) === OPEN_BRACKET) {
      return this.parseValuePath(path, afterPath, depth, inValueFilter);
    }
    return this.parseAttrExp(path, afterPath);
  }

  private parseValuePath(path: AttrPath, open: number, depth: number, inValueFilter: boolean): Filter {
    if (inValueFilter) {
      throw this.fail(
        `value filters cannot be nested: '[' at position ${open} is inside another value filter`,
      );
    }
    this.enter(depth, open);
    this.pos = open + 1;
    const inner = this.parseOr(depth + 1, true);
    this.expectClose(CLOSE_BRACKET, open);
    if (this.text.charCodeAt(this.pos) === DOT) {
      if (!this.allowValuePathSubAttribute) {
        throw this.fail(
          `a sub-attribute after a value filter ('].') is allowed only in PATCH paths, at position ${this.pos}`,
        );
      }
      const condition = this.parseTrailingSubAttribute();
      const filter: Filter = {
        kind: 'and',
        left: inner,
        right: condition,
        span: spanOf(inner.span.start, condition.span.end),
      };
      return { kind: 'valuePath', path, filter, span: spanOf(path.span.start, this.pos) };
    }
    return { kind: 'valuePath', path, filter: inner, span: spanOf(path.span.start, this.pos) };
  }

  /**
   * Reads `.sub op value` after a value filter's `]` (the allowValuePathSubAttribute tolerance):
   * the comparison on the sub-attribute, relative to the value filter's attribute.
   */
  private parseTrailingSubAttribute(): Filter {
    const text = this.text;
    const subStart = this.pos + 1;
    const subEnd = scanWhile(text, subStart, isPathChar);
    const name = text.slice(subStart, subEnd);
    if (!isAttrName(name)) {
      throw this.fail(
        `expected a sub-attribute name after '].' at position ${subStart}, found ${describeAt(text, subStart)}`,
      );
    }
    this.pos = subEnd;
    return this.parseAttrExp({ name, span: spanOf(subStart, subEnd) }, skipWhitespace(text, subEnd));
  }

  private parseAttrExp(path: AttrPath, opStart: number): Filter {
    const text = this.text;
    const opEnd = scanWhile(text, opStart, isNameChar);
    if (opStart === this.pos || opEnd === opStart) {
      const found = opStart >= text.length ? 'end of input' : describeAt(text, opStart);
      throw this.fail(
        `expected a comparison operator (${OPERATOR_LIST}) after '${this.sourceOf(path.span)}' at position ${opStart}, found ${found}`,
      );
    }
    const op = text.slice(opStart, opEnd).toLowerCase();
    if (op === 'pr') {
      this.pos = opEnd;
      return { kind: 'present', path, span: spanOf(path.span.start, opEnd) };
    }
    if (!COMPARE_OPS.has(op)) {
      if (path.name.toLowerCase() === 'not' && path.uri === undefined && path.subAttr === undefined) {
        throw this.fail(
          `expected '(' after 'not' at position ${opStart}, found ${describeAt(text, opStart)}`,
        );
      }
      throw this.fail(
        `unknown operator '${truncate(text.slice(opStart, opEnd))}' after '${this.sourceOf(path.span)}' at position ${opStart}; expected ${OPERATOR_LIST}`,
      );
    }
    const valueStart = skipWhitespace(text, opEnd);
    const value = this.parseValue(valueStart, path, op);
    return { kind: 'compare', op: op as CompareOp, path, value, span: spanOf(path.span.start, this.pos) };
  }

  /** compValue = false / null / true / number / string (RFC 7644 §3.4.2.2). */
  private parseValue(start: number, path: AttrPath, op: string): FilterLiteral {
    const text = this.text;
    if (start >= text.length) {
      throw this.fail(
        `expected a value after '${this.sourceOf(path.span)} ${op}' at position ${start}, found end of input`,
      );
    }
    if (text.charCodeAt(start) === QUOTE) {
      const scanned = scanString(text, start, this.fail);
      this.pos = scanned.end;
      return scanned.value;
    }
    const end = scanWhile(text, start, isBareValueChar);
    const token = text.slice(start, end);
    if (token.length > 0) {
      const lower = token.length <= 5 ? token.toLowerCase() : '';
      let value: FilterLiteral | undefined;
      if (lower === 'true') value = true;
      else if (lower === 'false') value = false;
      else if (lower === 'null') value = null;
      else if (isJsonNumber(token)) {
        value = Number(token);
        if (!Number.isFinite(value)) {
          throw this.fail(`number '${truncate(token)}' at position ${start} is out of range`);
        }
      } else if (this.allowBareValues) value = token;
      if (value !== undefined) {
        this.pos = end;
        return value;
      }
    }
    throw this.fail(
      `expected a value (a string in double quotes, a number, true, false or null) after '${this.sourceOf(path.span)} ${op}' at position ${start}, found ${describeAt(text, start)}`,
    );
  }

  /** Reads `[URI ":"] ATTRNAME ["." ATTRNAME]`, splitting the URI at the last ':'. */
  private parseAttrPathToken(expected: string): AttrPath {
    const text = this.text;
    const start = this.pos;
    if (start >= text.length || !isPathStart(text.charCodeAt(start))) {
      throw this.fail(`expected ${expected} at position ${start}, found ${describeAt(text, start)}`);
    }
    const end = scanWhile(text, start, isPathChar);
    const token = text.slice(start, end);
    this.pos = end;
    const colon = token.lastIndexOf(':');
    const rest = colon < 0 ? token : token.slice(colon + 1);
    const dot = rest.indexOf('.');
    const name = dot < 0 ? rest : rest.slice(0, dot);
    const subAttr = dot < 0 ? undefined : rest.slice(dot + 1);
    const nameStart = start + colon + 1;
    if (!isAttrName(name)) {
      const why = name.length === 0 ? 'is missing' : `'${truncate(name)}' is not a valid name`;
      throw this.fail(
        `in attribute path '${truncate(token)}' at position ${start}, the attribute name ${why} (position ${nameStart})`,
      );
    }
    if (subAttr !== undefined && !isAttrName(subAttr)) {
      const why = subAttr.includes('.')
        ? 'has more than one sub-attribute level'
        : `has an invalid sub-attribute name '${truncate(subAttr)}'`;
      throw this.fail(`attribute path '${truncate(token)}' at position ${start} ${why}`);
    }
    const span = spanOf(start, end);
    if (colon < 0) return subAttr === undefined ? { name, span } : { name, subAttr, span };
    const uri = token.slice(0, colon);
    return subAttr === undefined ? { uri, name, span } : { uri, name, subAttr, span };
  }

  /** Consumes `keyword` (case-insensitive, as a whole word) after optional whitespace. */
  private acceptKeyword(keyword: 'and' | 'or'): boolean {
    const text = this.text;
    const at = skipWhitespace(text, this.pos);
    const end = at + keyword.length;
    if (end > text.length) return false;
    for (let i = 0; i < keyword.length; i++) {
      // ASCII letters: setting bit 0x20 lower-cases them; other characters never match a letter.
      if ((text.charCodeAt(at + i) | 0x20) !== keyword.charCodeAt(i)) return false;
    }
    if (end < text.length && isPathChar(text.charCodeAt(end))) return false;
    this.pos = end;
    return true;
  }

  private expectClose(close: number, openedAt: number): void {
    const at = skipWhitespace(this.text, this.pos);
    if (this.text.charCodeAt(at) === close) {
      this.pos = at + 1;
      return;
    }
    const closeChar = String.fromCharCode(close);
    const openChar = close === CLOSE_PAREN ? '(' : '[';
    throw this.fail(
      `expected 'and', 'or' or '${closeChar}' closing the '${openChar}' at position ${openedAt}, found ${describeAt(this.text, at)} at position ${at}`,
    );
  }

  private expectEnd(expected: string): void {
    const at = skipWhitespace(this.text, this.pos);
    if (at < this.text.length) {
      throw this.fail(`unexpected ${describeAt(this.text, at)} at position ${at}: ${expected}`);
    }
  }

  private enter(depth: number, at: number): void {
    if (depth >= this.maxDepth) {
      throw this.fail(`${this.what} nesting exceeds the maximum depth of ${this.maxDepth} at position ${at}`);
    }
  }

  /** Source text of a span, shortened for error messages (built only when an error is thrown). */
  private sourceOf(span: Span): string {
    return truncate(this.text.slice(span.start, span.end));
  }

  private peekCode(): number {
    return this.text.charCodeAt(this.pos);
  }
}

function spanOf(start: number, end: number): Span {
  return { start, end };
}
