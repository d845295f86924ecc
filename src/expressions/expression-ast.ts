import type { SourceSpan } from './expression-diagnostic.js';

/**
 * The typed syntax tree of a mapping expression. Every node has a `kind` and the span of source it
 * came from; the checker and the compiler switch over `kind` exhaustively, so a new node kind fails
 * to compile until each consumer handles it.
 */
export type ExpressionNode =
  | CallNode
  | AttributeNode
  | StringNode
  | NumberNode
  | ConstantNode
  | FlowKeywordNode
  | ComparisonNode
  | InvalidNode;

/** What may stand in an argument position: an expression, or nothing (`Replace([x], , "re")`). */
export type ArgumentNode = ExpressionNode | OmittedNode;

/** `Name(arg, ...)`. `name` is spelled as written; lookup is case-insensitive. */
export interface CallNode {
  readonly kind: 'call';
  readonly name: string;
  readonly nameSpan: SourceSpan;
  readonly args: readonly ArgumentNode[];
  readonly span: SourceSpan;
}

/** `[givenName]`, `[manager.displayName]`, `[urn:...:User:employeeNumber]`: `name` without brackets. */
export interface AttributeNode {
  readonly kind: 'attribute';
  readonly name: string;
  readonly span: SourceSpan;
}

/** `"text"`, with `\"` and `\\` already unescaped (other backslashes are kept, for regexes). */
export interface StringNode {
  readonly kind: 'string';
  readonly value: string;
  readonly span: SourceSpan;
}

/** `42`, `-10`, `&HF7` (VBA hex). `raw` is the source text. */
export interface NumberNode {
  readonly kind: 'number';
  readonly value: number;
  readonly raw: string;
  readonly span: SourceSpan;
}

/** A named constant: `vbTextCompare`, `vbBinaryCompare`, `vbDatabaseCompare`, `True`, `False`. */
export interface ConstantNode {
  readonly kind: 'constant';
  /** Canonical spelling. */
  readonly name: string;
  readonly value: number | boolean;
  readonly span: SourceSpan;
}

/** The bare keywords `IgnoreAttributeFlow` and `IgnoreObjectFlow`. */
export interface FlowKeywordNode {
  readonly kind: 'flow';
  readonly scope: 'attribute' | 'object';
  readonly span: SourceSpan;
}

/** The comparison operators Entra allows in conditions. */
export const ComparisonOperators = ['=', '<>', '<', '<=', '>', '>='] as const;
export type ComparisonOperator = (typeof ComparisonOperators)[number];

/** `left op right`, e.g. `[country]="US"` inside IIF. */
export interface ComparisonNode {
  readonly kind: 'comparison';
  readonly operator: ComparisonOperator;
  readonly operatorSpan: SourceSpan;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
  readonly span: SourceSpan;
}

/** An empty argument position. Functions receive `undefined` there. */
export interface OmittedNode {
  readonly kind: 'omitted';
  readonly span: SourceSpan;
}

/**
 * Where the parser recovered from a syntax error. Its diagnostic is already reported; the node keeps
 * the tree whole so the checker can still report other problems. A tree with one is never compiled.
 */
export interface InvalidNode {
  readonly kind: 'invalid';
  readonly span: SourceSpan;
}
