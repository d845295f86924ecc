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

/** Row counts whose compiled SQL one insert keeps (a batch's chunks are of one or two sizes). */
const SIZES_KEPT = 8;

/**
 * A multi-row INSERT written with the query builder and compiled once per row count, then only
 * bound. Building and compiling a 200-row kysely insert for every chunk, and a new SQL string per
 * chunk that the statement cache hashed again on each lookup, took about a third of the CPU of
 * writing 100,000 links and log entries. The last, shorter chunk of a batch is compiled once for
 * its size too (a cycle's batches end on the same few sizes); the most recent SIZES_KEPT sizes are
 * kept. Like the directory's QueryTemplate, every value must reach the query as a bound
 * parameter; compilation checks that each one did.
 */
export class CompiledInsert<Row extends object> {
  readonly #columns: readonly (keyof Row)[];
  readonly #build: (db: StateDb, rows: readonly Row[]) => Compilable<unknown>;
  readonly #compiled = new Map<number, Compiled>();

  constructor(
    columns: readonly (keyof Row)[],
    build: (db: StateDb, rows: readonly Row[]) => Compilable<unknown>,
  ) {
    this.#columns = columns;
    this.#build = build;
  }

  async execute(db: StateDb, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const compiled = this.#compiled.get(rows.length) ?? this.#compileFor(db, rows.length);
    const parameters = new Array<unknown>(compiled.slots.length);
    for (let i = 0; i < compiled.slots.length; i++) {
      const slot = compiled.slots[i];
      parameters[i] = slot ? rows[slot[0]]![this.#columns[slot[1]]!] : compiled.constants[i];
    }
    await db.executeQuery(CompiledQuery.raw(compiled.sql, parameters));
  }

  #compileFor(db: StateDb, size: number): Compiled {
    if (this.#compiled.size >= SIZES_KEPT) this.#compiled.delete(this.#compiled.keys().next().value!);
    const compiled = this.#compile(db, size);
    this.#compiled.set(size, compiled);
    return compiled;
  }

  #compile(db: StateDb, size: number): Compiled {
    const placeholders = Array.from(
      { length: size },
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
    if (bound !== size * this.#columns.length) {
      throw new Error(`compiled insert: ${bound} of ${size * this.#columns.length} values became parameters`);
    }
    return { sql: query.sql, slots, constants };
  }
}
