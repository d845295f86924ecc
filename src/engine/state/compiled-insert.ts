import { CompiledQuery } from 'kysely';
import type { Compilable } from 'kysely';
import type { StateDb } from './state-scope.js';

/** Stands in for one value while the statement is compiled; found again among the parameters. */
class Slot {
  constructor(
    readonly row: number,
    readonly column: number,
  ) {}
}

/** The compiled SQL for one row count, and where each row value goes among the parameters. */
interface Compiled {
  readonly sql: string;
  /** Per parameter: [row, column] of the value it takes, or undefined for a constant. */
  readonly slots: readonly (readonly [number, number] | undefined)[];
  readonly constants: readonly unknown[];
}

/**
 * A multi-row INSERT written with the query builder and compiled once for a full chunk of rows,
 * then only bound. Building and compiling a 200-row kysely insert for every chunk, and a new SQL
 * string per chunk that the statement cache hashed again on each lookup, took about a third of
 * the CPU of writing 100,000 links and log entries. Chunks of another size (the last one of a
 * batch) are built the usual way. Like the directory's QueryTemplate, every value must reach the
 * query as a bound parameter; compilation checks that each one did.
 */
export class CompiledInsert<Row extends object> {
  readonly #columns: readonly (keyof Row)[];
  readonly #build: (db: StateDb, rows: readonly Row[]) => Compilable<unknown>;
  readonly #size: number;
  #compiled: Compiled | undefined;

  constructor(
    columns: readonly (keyof Row)[],
    size: number,
    build: (db: StateDb, rows: readonly Row[]) => Compilable<unknown>,
  ) {
    this.#columns = columns;
    this.#size = size;
    this.#build = build;
  }

  async execute(db: StateDb, rows: readonly Row[]): Promise<void> {
    if (rows.length !== this.#size) {
      await db.executeQuery(this.#build(db, rows).compile());
      return;
    }
    const compiled = (this.#compiled ??= this.#compile(db));
    const parameters = new Array<unknown>(compiled.slots.length);
    for (let i = 0; i < compiled.slots.length; i++) {
      const slot = compiled.slots[i];
      parameters[i] = slot ? rows[slot[0]]![this.#columns[slot[1]]!] : compiled.constants[i];
    }
    await db.executeQuery(CompiledQuery.raw(compiled.sql, parameters));
  }

  #compile(db: StateDb): Compiled {
    const placeholders = Array.from(
      { length: this.#size },
      (_, row) =>
        Object.fromEntries(this.#columns.map((column, index) => [column, new Slot(row, index)])) as Row,
    );
    const query = this.#build(db, placeholders).compile();
    const slots: (readonly [number, number] | undefined)[] = [];
    const constants: unknown[] = [];
    for (const parameter of query.parameters) {
      slots.push(parameter instanceof Slot ? [parameter.row, parameter.column] : undefined);
      constants.push(parameter instanceof Slot ? undefined : parameter);
    }
    const bound = slots.filter((slot) => slot !== undefined).length;
    if (bound !== this.#size * this.#columns.length) {
      throw new Error(
        `compiled insert: ${bound} of ${this.#size * this.#columns.length} values became parameters`,
      );
    }
    return { sql: query.sql, slots, constants };
  }
}
