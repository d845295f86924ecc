/**
 * Entra scoping filters compiled once: groups of clauses, every clause of a group must hold (AND),
 * and one passing group puts the object in scope (OR). No groups at all means everything assigned
 * is in scope. The verdict carries its reason as data for the provisioning log: the group that
 * passed, or for every group the first clause that failed and the value it saw.
 */
import type { JsonValue } from '../../shared/json.js';
import { didYouMean } from '../../shared/did-you-mean.js';
import type { ConfigIssue } from '../source/config-issue.js';
import { SourceNameError } from '../source/config-issue.js';
import type { SourceKind, SourceObject } from '../source/source-object.js';
import { plainSourceValue } from '../source/source-object.js';
import type { SourceReader, SourceSchemaOptions } from '../source/source-reader.js';
import { compileSourceReader } from '../source/source-reader.js';
import type { ClauseTest, ScopeOperator } from './scoping-operators.js';
import {
  SCOPE_OPERATORS,
  clauseInput,
  compileOperator,
  findScopeOperator,
  takesValue,
} from './scoping-operators.js';

/** One clause as an administrator writes it. */
export interface ScopeClauseConfig {
  readonly attribute: string;
  readonly operator: string;
  /** The clause value; unused by IS TRUE, IS FALSE, IS NULL and IS NOT NULL. */
  readonly value?: string;
}

/** A scoping filter: its groups (Entra's "scoping filters"), each a list of clauses. */
export interface ScopeConfig {
  readonly filters: readonly { readonly clauses: readonly ScopeClauseConfig[] }[];
}

/** A clause that failed, with what it saw. */
export interface ClauseFailure {
  /** 0-based, as in the configuration's paths. */
  readonly group: number;
  readonly clause: number;
  readonly attribute: string;
  readonly operator: ScopeOperator;
  /** The clause value, absent for unary operators. */
  readonly value?: string;
  /** The attribute's value as the clause read it (references as directory ids). */
  readonly actual: JsonValue;
}

/** Why an object is in scope or not. */
export type ScopeReason =
  | { readonly kind: 'noFilter' }
  | { readonly kind: 'groupPassed'; readonly group: number }
  | { readonly kind: 'allGroupsFailed'; readonly failures: readonly ClauseFailure[] };

/** The verdict and its reason. */
export interface ScopeVerdict {
  readonly inScope: boolean;
  readonly reason: ScopeReason;
}

/** A compiled scoping filter. */
export interface CompiledScope {
  evaluate(source: SourceObject): ScopeVerdict;
}

/** The compiled scope, or every problem found. */
export type CompileScopeResult =
  | { readonly ok: true; readonly scope: CompiledScope }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/** Options of compileScope. */
export interface CompileScopeOptions extends SourceSchemaOptions {
  /** Prefix of issue paths; `scope` by default. */
  readonly path?: string;
}

interface CompiledClause {
  readonly attribute: string;
  readonly operator: ScopeOperator;
  readonly value?: string;
  readonly read: SourceReader;
  readonly test: ClauseTest;
}

const NO_FILTER: ScopeVerdict = Object.freeze({ inScope: true, reason: Object.freeze({ kind: 'noFilter' }) });

/** Compiles a scoping filter for objects of `kind`; never throws on bad configuration. */
export function compileScope(
  kind: SourceKind,
  config: ScopeConfig | undefined,
  options: CompileScopeOptions = {},
): CompileScopeResult {
  const base = options.path ?? 'scope';
  const issues: ConfigIssue[] = [];
  if (config === undefined || config === null) return { ok: true, scope: { evaluate: () => NO_FILTER } };
  if (typeof config !== 'object' || !Array.isArray(config.filters)) {
    return { ok: false, issues: [{ path: `${base}.filters`, message: 'must be a list of filters' }] };
  }
  const groups: CompiledClause[][] = [];
  config.filters.forEach((filter, g) => {
    const groupPath = `${base}.filters[${g}]`;
    if (typeof filter !== 'object' || filter === null || !Array.isArray(filter.clauses)) {
      issues.push({ path: `${groupPath}.clauses`, message: 'must be a list of clauses' });
      return;
    }
    if (filter.clauses.length === 0) {
      issues.push({ path: `${groupPath}.clauses`, message: 'a filter needs at least one clause' });
      return;
    }
    const group: CompiledClause[] = [];
    filter.clauses.forEach((clause: ScopeClauseConfig, c: number) => {
      const compiled = compileClause(kind, clause, `${groupPath}.clauses[${c}]`, options, issues);
      if (compiled) group.push(compiled);
    });
    groups.push(group);
  });
  if (issues.length > 0) return { ok: false, issues };
  if (groups.length === 0) return { ok: true, scope: { evaluate: () => NO_FILTER } };
  return { ok: true, scope: { evaluate: (source) => evaluateGroups(groups, source) } };
}

function compileClause(
  kind: SourceKind,
  clause: ScopeClauseConfig,
  path: string,
  options: SourceSchemaOptions,
  issues: ConfigIssue[],
): CompiledClause | undefined {
  if (typeof clause !== 'object' || clause === null) {
    issues.push({ path, message: 'must be an object with attribute, operator and value' });
    return undefined;
  }
  let read: SourceReader | undefined;
  if (typeof clause.attribute !== 'string' || clause.attribute.trim() === '') {
    issues.push({ path: `${path}.attribute`, message: 'a source attribute name is required' });
  } else {
    try {
      read = compileSourceReader(kind, clause.attribute, options);
    } catch (error) {
      if (!(error instanceof SourceNameError)) throw error;
      issues.push({ path: `${path}.attribute`, message: error.message });
    }
  }
  const operatorText = typeof clause.operator === 'string' ? clause.operator : '';
  const operator = findScopeOperator(operatorText);
  if (!operator) {
    const suggestion = didYouMean(operatorText, SCOPE_OPERATORS);
    issues.push({
      path: `${path}.operator`,
      message:
        operatorText === ''
          ? `an operator is required (one of ${SCOPE_OPERATORS.join(', ')})`
          : `unknown operator '${operatorText}'${suggestion ? `, did you mean '${suggestion}'?` : ''}`,
    });
    return undefined;
  }
  const value = clause.value;
  if (value !== undefined && value !== null && typeof value !== 'string') {
    issues.push({ path: `${path}.value`, message: 'must be a string' });
    return undefined;
  }
  if (!takesValue(operator)) {
    if (value !== undefined && value !== null && value !== '') {
      issues.push({ path: `${path}.value`, message: `${operator} takes no value` });
      return undefined;
    }
    const compiled = compileOperator(operator, '');
    return read && compiled.ok
      ? { attribute: clause.attribute, operator, read, test: compiled.test }
      : undefined;
  }
  if (value === undefined || value === null) {
    issues.push({ path: `${path}.value`, message: `${operator} needs a value` });
    return undefined;
  }
  const compiled = compileOperator(operator, value);
  if (!compiled.ok) {
    issues.push({ path: `${path}.value`, message: compiled.message });
    return undefined;
  }
  return read ? { attribute: clause.attribute, operator, value, read, test: compiled.test } : undefined;
}

function evaluateGroups(groups: readonly CompiledClause[][], source: SourceObject): ScopeVerdict {
  let failures: ClauseFailure[] | undefined;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g]!;
    let failed: ClauseFailure | undefined;
    for (let c = 0; c < group.length; c++) {
      const clause = group[c]!;
      const actual = plainSourceValue(clause.read(source));
      if (clause.test(clauseInput(actual))) continue;
      failed = {
        group: g,
        clause: c,
        attribute: clause.attribute,
        operator: clause.operator,
        ...(clause.value !== undefined ? { value: clause.value } : {}),
        actual,
      };
      break;
    }
    if (!failed) return { inScope: true, reason: { kind: 'groupPassed', group: g } };
    (failures ??= []).push(failed);
  }
  return { inScope: false, reason: { kind: 'allGroupsFailed', failures: failures ?? [] } };
}

/**
 * The reason as one line for the provisioning log, numbering groups and clauses from 1 as the admin
 * center shows them: `in scope: scoping filter 2 passed`, or
 * `out of scope: filter 1, clause 1: department EQUALS "Sales" saw "Marketing"; filter 2, ...`.
 */
export function describeScopeVerdict(verdict: ScopeVerdict): string {
  const reason = verdict.reason;
  switch (reason.kind) {
    case 'noFilter':
      return 'in scope: no scoping filter';
    case 'groupPassed':
      return `in scope: scoping filter ${reason.group + 1} passed`;
    case 'allGroupsFailed':
      return `out of scope: ${reason.failures
        .map(
          (f) =>
            `filter ${f.group + 1}, clause ${f.clause + 1}: ${f.attribute} ${f.operator}${
              f.value !== undefined ? ` ${JSON.stringify(f.value)}` : ''
            } saw ${JSON.stringify(f.actual)}`,
        )
        .join('; ')}`;
  }
}
