import fc from 'fast-check';
import { Kysely, PostgresDialect, SqliteDialect, MysqlDialect, type CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { bindStatement, parseNamedParameters, StatementSyntaxError } from './named-parameters.js';
import type { EngineName } from './sql-engine.js';

const ENGINES: EngineName[] = ['postgres', 'mysql', 'sqlite'];

// Compiling needs only the dialect's query compiler; these instances never connect.
const never = () => {
  throw new Error('not connected');
};
const compilers: Record<EngineName, Kysely<unknown>> = {
  postgres: new Kysely({ dialect: new PostgresDialect({ pool: never as never }) }),
  mysql: new Kysely({ dialect: new MysqlDialect({ pool: never as never }) }),
  sqlite: new Kysely({ dialect: new SqliteDialect({ database: never as never }) }),
};
const compile = (engine: EngineName, text: string, values: Record<string, unknown>): CompiledQuery =>
  bindStatement(parseNamedParameters(text, engine), values).compile(compilers[engine]);

describe('parseNamedParameters', () => {
  it('finds each :name and keeps the text around it', () => {
    expect(parseNamedParameters('insert into t (a, b) values (:userName, :given_name2)', 'postgres')).toEqual(
      {
        texts: ['insert into t (a, b) values (', ', ', ')'],
        names: ['userName', 'given_name2'],
      },
    );
  });

  it('ignores parameters inside strings, quoted names and comments of each database', () => {
    const cases: [EngineName, string][] = [
      [
        'postgres',
        "select ':a', \":b\", E'\\' :c', $$ :d $$, $tag$ :e $tag$, x::int -- :f\n /* :g /* :h */ :i */ from t",
      ],
      ['mysql', "select ':a \\' :b', \":c\", `:d` # :e\n, /* :f */ 1"],
      ['sqlite', 'select \':a\', ":b", `:c`, [:d] -- :e\n /* :f */'],
    ];
    for (const [engine, text] of cases) expect(parseNamedParameters(text, engine).names).toEqual([]);
  });

  it("does not take PostgreSQL's ::cast or MySQL's := for a parameter", () => {
    expect(parseNamedParameters('select :id::text, @x := 1', 'postgres').names).toEqual(['id']);
    expect(parseNamedParameters('select @x := :v', 'mysql').names).toEqual(['v']);
  });

  it('refuses unclosed strings and comments, and positional placeholders, saying where', () => {
    expect(() => parseNamedParameters("select 'open", 'sqlite')).toThrow(
      /a string starting at character 8 is not closed/,
    );
    expect(() => parseNamedParameters('select /* open', 'mysql')).toThrow(StatementSyntaxError);
    expect(() => parseNamedParameters('select $x$ open', 'postgres')).toThrow(/dollar-quoted/);
    expect(() => parseNamedParameters('select * from t where id = $1', 'postgres')).toThrow(
      /positional parameter/,
    );
    expect(() => parseNamedParameters('select * from t where id = ?', 'mysql')).toThrow(
      /positional parameter/,
    );
    expect(parseNamedParameters("select data ? 'key' from t", 'postgres').names).toEqual([]);
  });

  it('binds every parameter as a positional value in the dialect, never in the text', () => {
    const text = "update t set a = :a, b = ':a' where id = :id and c = :a";
    const values = { a: "'); drop table t; --", id: 7 };
    const pg = compile('postgres', text, values);
    expect(pg.sql).toBe("update t set a = $1, b = ':a' where id = $2 and c = $3");
    expect(pg.parameters).toEqual([values.a, 7, values.a]);
    const my = compile('mysql', text, values);
    expect(my.sql).toBe("update t set a = ?, b = ':a' where id = ? and c = ?");
    expect(compile('sqlite', 'select :missing', {}).parameters).toEqual([null]);
  });

  it('reassembles the statement exactly from its texts and names (property)', () => {
    const piece = fc.oneof(
      fc.constantFrom(' ', ',', '(', ')', '=', 'select', 'x', '1', '\n', '::int', ':='),
      fc.stringMatching(/^:[A-Za-z_][A-Za-z0-9_]{0,8}$/),
      fc
        .string({ unit: fc.constantFrom('a', ':', ' ', 'b', '_', '"', '`', '-', '*', '/', '\\', '$') })
        .map((s) => `'${s.replaceAll("'", "''")}'`),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), fc.constantFrom(...ENGINES), (pieces, engine) => {
        const text = pieces.join(' ');
        let parsed;
        try {
          parsed = parseNamedParameters(text, engine);
        } catch (error) {
          if (error instanceof StatementSyntaxError) return; // MySQL reads a backslash in a string as an escape.
          throw error;
        }
        const rebuilt = parsed.texts
          .map((t, i) => (i < parsed.names.length ? `${t}:${parsed.names[i]}` : t))
          .join('');
        expect(rebuilt).toBe(text);
      }),
    );
  });

  it('never finds a parameter inside a quoted string, whatever it holds (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...ENGINES), (content, engine) => {
        const escaped = content.replaceAll("'", "''").replaceAll('\\', engine === 'mysql' ? '\\\\' : '\\');
        expect(parseNamedParameters(`select '${escaped}' as v, :real`, engine).names).toEqual(['real']);
      }),
    );
  });
});
