/** A half-open range of UTF-16 offsets into the expression source: `source.slice(start, end)`. */
export interface SourceSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * A problem found while reading or checking an expression. `code` is stable (configs, the admin API
 * and the UI may branch on it); `message` is for people; `line` and `column` are 1-based and point at
 * `span.start`.
 */
export interface Diagnostic {
  code: string;
  message: string;
  line: number;
  column: number;
  span: { start: number; end: number };
}

/** The stable diagnostic codes. docs/expression-syntax.md lists each with an example. */
export const DiagnosticCode = {
  /** The source is longer than `ExpressionLimits.maxLength`. */
  tooLong: 'E_TOO_LONG',
  /** Function calls nest deeper than `ExpressionLimits.maxDepth`. */
  tooDeep: 'E_TOO_DEEP',
  /** Nothing but whitespace. */
  empty: 'E_EMPTY',
  /** A `"` without its closing `"`. */
  unterminatedString: 'E_UNTERMINATED_STRING',
  /** A `[` without its closing `]` on the same line. */
  unterminatedAttribute: 'E_UNTERMINATED_ATTRIBUTE',
  /** `[]` or `[   ]`. */
  emptyAttribute: 'E_EMPTY_ATTRIBUTE',
  /** A character that starts no token (`$`, `!`, a curly quote...). */
  unexpectedCharacter: 'E_UNEXPECTED_CHARACTER',
  /** `&H` without hex digits, or a number too large to be exact. */
  invalidNumber: 'E_INVALID_NUMBER',
  /** A `(` without `)`, a `)` or `]` without its opener. */
  unbalanced: 'E_UNBALANCED',
  /** A token where another was required (`Join("a" "b")`). */
  unexpectedToken: 'E_UNEXPECTED_TOKEN',
  /** Tokens after a complete expression (`Left([x], 1) x`). */
  trailingInput: 'E_TRAILING_INPUT',
  /** `a = b = c`: a condition holds one comparison. */
  chainedComparison: 'E_CHAINED_COMPARISON',
  /** A bare name that is neither a constant nor a keyword (`Now` without parentheses, a typo). */
  unknownIdentifier: 'E_UNKNOWN_IDENTIFIER',
  /** A call to a function the library does not have. */
  unknownFunction: 'E_UNKNOWN_FUNCTION',
  /** Too few or too many arguments. */
  argumentCount: 'E_ARGUMENT_COUNT',
  /** A required argument left empty (`Left(, 3)`). */
  missingArgument: 'E_MISSING_ARGUMENT',
  /** A literal of the wrong type (`Left([x], "three")`). */
  argumentType: 'E_ARGUMENT_TYPE',
  /** A literal the function cannot use (a regex or date format that does not compile). */
  invalidLiteral: 'E_INVALID_LITERAL',
  /** `[attr]` not among the known source attributes. */
  unknownAttribute: 'E_UNKNOWN_ATTRIBUTE',
  /** An asynchronous function (SelectUniqueValue) anywhere but the top of the expression. */
  asyncNotTopLevel: 'E_ASYNC_NOT_TOP_LEVEL',
} as const;

export type DiagnosticCodeValue = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

/** Where a span starts, as 1-based line and column (columns count UTF-16 code units). */
export function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, source.length);
  for (let i = 0; i < end; i++) {
    const ch = source.charCodeAt(i);
    // \r\n counts once: the \n ends the line.
    if (ch === 10 || (ch === 13 && source.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Builds a diagnostic with its line and column computed from the span. */
export function makeDiagnostic(
  source: string,
  code: DiagnosticCodeValue,
  message: string,
  span: SourceSpan,
): Diagnostic {
  const { line, column } = lineAndColumn(source, span.start);
  return { code, message, line, column, span: { start: span.start, end: span.end } };
}

/** `1:5 E_CODE message`, the form the CLI prints. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  return `${diagnostic.line}:${diagnostic.column} ${diagnostic.code} ${diagnostic.message}`;
}
