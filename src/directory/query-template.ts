import { CompiledQuery } from 'kysely';
import type { Compilable, Kysely, QueryResult, RawBuilder } from 'kysely';
import type { DirectoryDatabase } from './database-types.js';
import type { DialectName } from './dialect-adapter.js';

/** Stands in for an argument while the template is compiled; found again among the parameters. */
class Slot {
  constructor(readonly index: number) {}
}

/** The compiled SQL of one template on one engine, and where each argument goes. */
interface Compiled {
  readonly sql: string;
  /** Per parameter: the argument index it takes, or -1 for a constant kept in `constants`. */
  readonly slots: readonly number[];
  readonly constants: readonly unknown[];
}

/**
 * A query built with kysely once and then run many times with new argument values.
 *
 * kysely builds an immutable node tree and compiles it to SQL on every execution; for the hot
 * single-row statements of the SCIM server (look up by id, insert a user, append a feed entry)
 * that costs as much CPU as SQLite takes to run them. A template is written with the query
 * builder like any other query, its arguments standing in as placeholders; it is compiled once per
 * engine, and each execution binds the arguments into the compiled parameter list.
 *
 * Only values may vary: the builder must not branch on an argument, and every argument must reach
 * the query as a bound value (not through `sql.lit`, `sql.raw` or an identifier), or it would be
 * baked into the SQL text. Compilation checks that every argument appears among the parameters.
 */
type Buildable<Row> = Compilable<Row> | RawBuilder<Row>;

export class QueryTemplate<Args extends readonly unknown[], Row> {
  readonly #build: (db: Kysely<DirectoryDatabase>, ...args: Args) => Buildable<Row>;
  readonly #compiled = new Map<DialectName, Compiled>();
  readonly #arity: number;

  /**
   * `build` receives the arguments as placeholders; declare each one as a plain parameter, or give
   * `arity` when it takes them as a rest parameter.
   */
  constructor(build: (db: Kysely<DirectoryDatabase>, ...args: Args) => Buildable<Row>, arity?: number) {
    this.#arity = arity ?? build.length - 1;
    this.#build = build;
  }

  /** Runs the template on `db` (the store's root or a transaction) with `args`. */
  execute(db: Kysely<DirectoryDatabase>, dialect: DialectName, ...args: Args): Promise<QueryResult<Row>> {
    const compiled = this.#compiled.get(dialect) ?? this.#compile(db, dialect);
    const parameters = new Array<unknown>(compiled.slots.length);
    for (let i = 0; i < compiled.slots.length; i++) {
      const slot = compiled.slots[i]!;
      parameters[i] = slot >= 0 ? args[slot] : compiled.constants[i];
    }
    return db.executeQuery<Row>(CompiledQuery.raw(compiled.sql, parameters));
  }

  /** Rows of the query. */
  async rows(db: Kysely<DirectoryDatabase>, dialect: DialectName, ...args: Args): Promise<Row[]> {
    return (await this.execute(db, dialect, ...args)).rows;
  }

  /** The first row, or undefined. */
  async first(db: Kysely<DirectoryDatabase>, dialect: DialectName, ...args: Args): Promise<Row | undefined> {
    return (await this.execute(db, dialect, ...args)).rows[0];
  }

  #compile(db: Kysely<DirectoryDatabase>, dialect: DialectName): Compiled {
    const placeholders = Array.from({ length: this.#arity }, (_, i) => new Slot(i)) as unknown as Args;
    const built = this.#build(db, ...placeholders);
    const query = 'isRawBuilder' in built ? built.compile(db) : built.compile();
    const slots: number[] = [];
    const constants: unknown[] = [];
    const used = new Set<number>();
    for (const parameter of query.parameters) {
      if (parameter instanceof Slot) {
        slots.push(parameter.index);
        constants.push(undefined);
        used.add(parameter.index);
      } else {
        slots.push(-1);
        constants.push(parameter);
      }
    }
    if (used.size !== this.#arity) {
      throw new Error(
        `query template: ${this.#arity - used.size} of ${this.#arity} arguments did not become bound parameters in: ${query.sql}`,
      );
    }
    const compiled = { sql: query.sql, slots, constants };
    this.#compiled.set(dialect, compiled);
    return compiled;
  }
}
