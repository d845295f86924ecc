/**
 * Named parameters (`:userName`) in the statements an admin writes for statement mode. One pass
 * over the text finds each parameter outside string literals, quoted identifiers and comments, in
 * the lexical rules of the database it runs on, and the statement is then run with kysely's `sql`
 * tag: the admin's text as it is, each parameter a value bound positionally in the dialect's own
 * placeholder ($1 or ?). Values never become part of the text.
 */
import { sql, type RawBuilder } from 'kysely';
import type { EngineName } from './sql-engine.js';

/** A statement split at its parameters: `texts[i]`, then `names[i]`, ..., then the last text. */
export interface ParsedStatement {
  texts: string[];
  names: string[];
}

/** A statement the connector cannot run as written; the message says where. */
export class StatementSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatementSyntaxError';
  }
}

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

/** Splits `text` at its `:name` parameters, by the lexical rules of `engine`. */
export function parseNamedParameters(text: string, engine: EngineName): ParsedStatement {
  const texts: string[] = [];
  const names: string[] = [];
  let start = 0;
  let i = 0;
  const at = (offset: number) => text[i + offset] ?? '';
  const fail = (what: string, from: number): never => {
    throw new StatementSyntaxError(`${what} starting at character ${from + 1} is not closed`);
  };
  /** Skips a quoted run from `i` (the opening quote); doubled quotes stay inside, as may backslash escapes. */
  const skipQuoted = (quote: string, backslashEscapes: boolean) => {
    const from = i;
    i++;
    for (;;) {
      if (i >= text.length) fail(quote === "'" ? 'a string' : 'a quoted name', from);
      const ch = text[i]!;
      if (backslashEscapes && ch === '\\') {
        i += 2;
        continue;
      }
      if (ch === quote) {
        if (text[i + 1] === quote) {
          i += 2;
          continue;
        }
        i++;
        return;
      }
      i++;
    }
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'") {
      // MySQL reads backslash escapes in every string; PostgreSQL only in E'...' strings.
      const escapeString =
        engine === 'postgres' && /[eE]/.test(text[i - 1] ?? '') && !NAME_PART.test(text[i - 2] ?? '');
      skipQuoted("'", engine === 'mysql' || escapeString);
    } else if (ch === '"') {
      skipQuoted('"', engine === 'mysql');
    } else if (ch === '`' && engine !== 'postgres') {
      skipQuoted('`', false);
    } else if (ch === '[' && engine === 'sqlite') {
      const end = text.indexOf(']', i + 1);
      if (end < 0) fail('a [quoted name]', i);
      i = end + 1;
    } else if (ch === '-' && at(1) === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (ch === '#' && engine === 'mysql') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (ch === '/' && at(1) === '*') {
      i = skipBlockComment(text, i, engine === 'postgres', fail);
    } else if (ch === '$' && engine === 'postgres' && !NAME_PART.test(text[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i));
      if (tag !== null) {
        const end = text.indexOf(tag[0], i + tag[0].length);
        if (end < 0) fail('a dollar-quoted string', i);
        i = end + tag[0].length;
      } else if (/[0-9]/.test(at(1))) {
        throw new StatementSyntaxError(
          `a positional parameter ($${at(1)}...) at character ${i + 1}: use named parameters (:name)`,
        );
      } else {
        i++;
      }
    } else if (ch === '?' && engine !== 'postgres') {
      throw new StatementSyntaxError(
        `a positional parameter (?) at character ${i + 1}: use named parameters (:name)`,
      );
    } else if (ch === ':' && at(1) === ':') {
      i += 2; // PostgreSQL's cast operator, never a parameter.
    } else if (ch === ':' && NAME_START.test(at(1)) && text[i - 1] !== ':') {
      let end = i + 2;
      while (end < text.length && NAME_PART.test(text[end]!)) end++;
      texts.push(text.slice(start, i));
      names.push(text.slice(i + 1, end));
      start = end;
      i = end;
    } else {
      i++;
    }
  }
  texts.push(text.slice(start));
  return { texts, names };
}

/** Skips `/* ... *\/` from `from`; PostgreSQL nests block comments, the others do not. */
function skipBlockComment(
  text: string,
  from: number,
  nested: boolean,
  fail: (what: string, from: number) => never,
): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    if (text[i] === '/' && text[i + 1] === '*') {
      if (depth === 0 || nested) depth++;
      i += 2;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return fail('a /* comment */', from);
}

/** A statement with each parameter bound from `values` (a missing one binds NULL). */
export function bindStatement(
  statement: ParsedStatement,
  values: Readonly<Record<string, unknown>>,
): RawBuilder<Record<string, unknown>> {
  const pieces: RawBuilder<unknown>[] = [];
  statement.texts.forEach((text, index) => {
    if (text !== '') pieces.push(sql.raw(text));
    const name = statement.names[index];
    if (name !== undefined) pieces.push(sql.val(Object.hasOwn(values, name) ? values[name] : null));
  });
  return sql.join(pieces, sql.raw('')) as RawBuilder<Record<string, unknown>>;
}
