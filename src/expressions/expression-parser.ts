import type { ArgumentNode, CallNode, ExpressionNode, InvalidNode } from './expression-ast.js';
import type { Diagnostic, DiagnosticCodeValue, SourceSpan } from './expression-diagnostic.js';
import { DiagnosticCode, makeDiagnostic } from './expression-diagnostic.js';
import { ExpressionLimits } from './expression-limits.js';
import type { Token } from './expression-scanner.js';
import { scanExpression } from './expression-scanner.js';
import { FlowKeywords, NamedConstants } from './named-constants.js';
import { didYouMean } from '../shared/did-you-mean.js';

/**
 * The parse of one expression. `expression` is present whenever the input had any shape at all,
 * even with diagnostics (broken parts become `invalid` nodes), so the checker can add its own
 * findings; it is compiled only when `diagnostics` is empty.
 */
export interface ParseResult {
  readonly expression: ExpressionNode | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** More than this many diagnostics only bury the first, which is usually the cause. */
const maxDiagnostics = 20;

/** Thrown inside the parser to abandon a tree nested past the depth limit. */
class TooDeep extends Error {}

/**
 * Parses an expression into a typed tree. Grammar (whitespace and newlines allowed between tokens):
 *
 *   expression := operand [ ("=" | "<>" | "<" | "<=" | ">" | ">=") operand ]
 *   operand    := call | "[" name "]" | string | number | hex | constant | flowKeyword
 *   call       := identifier "(" [ argument { "," argument } ] ")"
 *   argument   := [ expression ]          (empty = omitted)
 *
 * Never throws; runs in time linear in the input, and its recursion is bounded by
 * `ExpressionLimits.maxDepth`.
 */
export function parseExpression(source: string): ParseResult {
  if (source.length > ExpressionLimits.maxLength) {
    return {
      expression: undefined,
      diagnostics: [
        makeDiagnostic(
          source,
          DiagnosticCode.tooLong,
          `Expression is ${source.length} characters long; the limit is ${ExpressionLimits.maxLength}`,
          { start: ExpressionLimits.maxLength, end: source.length },
        ),
      ],
    };
  }
  const scan = scanExpression(source);
  return new Parser(source, scan.tokens, scan.diagnostics).parse();
}

class Parser {
  private index = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
    private readonly diagnostics: Diagnostic[],
  ) {}

  parse(): ParseResult {
    if (this.peek().kind === 'eof') {
      if (this.diagnostics.length === 0) {
        this.report(DiagnosticCode.empty, 'Expression is empty', { start: 0, end: this.source.length });
      }
      return this.result(undefined);
    }
    let expression: ExpressionNode;
    try {
      expression = this.parseExpression(0);
    } catch (error) {
      if (error instanceof TooDeep) return this.result(undefined);
      throw error;
    }
    const next = this.peek();
    if (next.kind === ')') {
      this.report(DiagnosticCode.unbalanced, "')' without a matching '('", next.span);
    } else if (next.kind !== 'eof') {
      this.report(
        DiagnosticCode.trailingInput,
        `Unexpected ${describe(next)} after the end of the expression`,
        next.span,
      );
    }
    return this.result(expression);
  }

  private result(expression: ExpressionNode | undefined): ParseResult {
    return { expression, diagnostics: this.diagnostics.slice(0, maxDiagnostics) };
  }

  private peek(): Token {
    // The token list always ends with eof, and the parser never advances past it.
    return this.tokens[this.index] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  private advance(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private report(code: DiagnosticCodeValue, message: string, span: SourceSpan): void {
    this.diagnostics.push(makeDiagnostic(this.source, code, message, span));
  }

  /** `depth` counts the calls enclosing this expression. */
  private parseExpression(depth: number): ExpressionNode {
    const left = this.parseOperand(depth);
    const op = this.peek();
    if (op.kind !== 'operator') return left;
    this.advance();
    const right = this.parseOperand(depth);
    const node: ExpressionNode = {
      kind: 'comparison',
      operator: op.operator,
      operatorSpan: op.span,
      left,
      right,
      span: { start: left.span.start, end: right.span.end },
    };
    let extra = this.peek();
    if (extra.kind === 'operator') {
      this.report(
        DiagnosticCode.chainedComparison,
        'A condition holds one comparison; nest IIF to combine conditions',
        extra.span,
      );
      // Skip the rest of the chain so one mistake yields one diagnostic.
      while (extra.kind === 'operator') {
        this.advance();
        this.parseOperand(depth);
        extra = this.peek();
      }
    }
    return node;
  }

  private parseOperand(depth: number): ExpressionNode {
    const token = this.peek();
    switch (token.kind) {
      case 'identifier':
        this.advance();
        if (this.peek().kind === '(') return this.parseCall(token.text, token.span, depth);
        return this.bareName(token.text, token.span);
      case 'string':
        this.advance();
        return token.invalid ? invalid(token.span) : { kind: 'string', value: token.value, span: token.span };
      case 'number':
        this.advance();
        return token.invalid
          ? invalid(token.span)
          : { kind: 'number', value: token.value, raw: token.raw, span: token.span };
      case 'attribute':
        this.advance();
        return token.invalid
          ? invalid(token.span)
          : { kind: 'attribute', name: token.name, span: token.span };
      default: {
        // Do not consume: the caller resynchronises on ',' and ')'.
        this.report(
          DiagnosticCode.unexpectedToken,
          `Expected a value but found ${describe(token)}`,
          token.span,
        );
        return invalid({ start: token.span.start, end: token.span.start });
      }
    }
  }

  private bareName(text: string, span: SourceSpan): ExpressionNode {
    const lower = text.toLowerCase();
    const constant = NamedConstants.get(lower);
    if (constant) return { kind: 'constant', name: constant.name, value: constant.value, span };
    const keyword = FlowKeywords.get(lower);
    if (keyword) return { kind: 'flow', scope: keyword.scope, span };
    const names = [
      ...[...NamedConstants.values()].map((c) => c.name),
      ...[...FlowKeywords.values()].map((k) => k.name),
    ];
    const suggestion = didYouMean(text, names);
    this.report(
      DiagnosticCode.unknownIdentifier,
      suggestion
        ? `Unknown name '${text}' - did you mean '${suggestion}'?`
        : `Unknown name '${text}': write a call as ${text}(...), an attribute as [${text}], a string as "${text}"`,
      span,
    );
    return invalid(span);
  }

  private parseCall(name: string, nameSpan: SourceSpan, depth: number): CallNode {
    if (depth + 1 > ExpressionLimits.maxDepth) {
      this.report(
        DiagnosticCode.tooDeep,
        `Expression nests deeper than ${ExpressionLimits.maxDepth} levels`,
        nameSpan,
      );
      throw new TooDeep();
    }
    const open = this.advance();
    const args: ArgumentNode[] = [];
    let end = open.span.end;
    if (this.peek().kind === ')') {
      end = this.advance().span.end;
      return { kind: 'call', name, nameSpan, args, span: { start: nameSpan.start, end } };
    }
    for (;;) {
      const next = this.peek();
      if (next.kind === ',' || next.kind === ')') {
        args.push({ kind: 'omitted', span: { start: next.span.start, end: next.span.start } });
      } else if (next.kind === 'eof') {
        // `F(a,` then end: the argument is missing because the call is unclosed.
        args.push(invalid(next.span));
      } else {
        args.push(this.parseExpression(depth + 1));
      }
      let separator = this.peek();
      if (separator.kind !== ',' && separator.kind !== ')' && separator.kind !== 'eof') {
        this.report(
          DiagnosticCode.unexpectedToken,
          `Expected ',' or ')' in the arguments of ${name} but found ${describe(separator)}`,
          separator.span,
        );
        // The skipped tail belongs to the argument just read: what ends it (',', ')' or the end)
        // is handled below, so it does not become an omitted argument of its own.
        this.skipToSeparator();
        separator = this.peek();
      }
      if (separator.kind === ',') {
        this.advance();
        continue;
      }
      if (separator.kind === ')') {
        end = this.advance().span.end;
        break;
      }
      this.report(DiagnosticCode.unbalanced, `'(' of ${name} is never closed with ')'`, open.span);
      end = separator.span.start;
      break;
    }
    return { kind: 'call', name, nameSpan, args, span: { start: nameSpan.start, end } };
  }

  /** Skips to the next ',' or ')' at this nesting level (or the end), consuming at least one token. */
  private skipToSeparator(): void {
    let nesting = 0;
    for (;;) {
      const token = this.peek();
      if (token.kind === 'eof') return;
      if (nesting === 0 && (token.kind === ',' || token.kind === ')')) return;
      if (token.kind === '(') nesting++;
      if (token.kind === ')') nesting--;
      this.advance();
    }
  }
}

function invalid(span: SourceSpan): InvalidNode {
  return { kind: 'invalid', span };
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'identifier':
      return `'${token.text}'`;
    case 'string':
      return 'a string';
    case 'number':
      return `number ${token.raw}`;
    case 'attribute':
      return `attribute [${token.name}]`;
    case 'operator':
      return `'${token.operator}'`;
    case 'eof':
      return 'the end of the expression';
    default:
      return `'${token.kind}'`;
  }
}
