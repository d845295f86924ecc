/**
 * What every command that opens the database shares, whichever service it then uses: the storage
 * flags commander hands it, who is running it (for the audit trail), and the plain aligned tables
 * of the human-readable output.
 */
import { userInfo } from 'node:os';

/** The storage options of `addStorageOptions`, as commander parses them. */
export interface StorageFlags {
  dataDir?: string;
  database?: string;
  databaseSchema?: string;
  sqliteSync?: 'full' | 'normal';
}

/** Who made a change, for the audit trail: the OS user running the command. */
export function cliActor(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): fall back to what the shell says.
    return process.env.USER ?? process.env.LOGNAME ?? `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

/** Pads every column but the last to its widest cell, two spaces apart; no trailing blanks. */
export function table(rows: readonly (readonly string[])[]): string {
  return formatRows(rows, columnWidths(rows, []));
}

/** The widest cell of each column, at least `floor`'s width. */
function columnWidths(rows: readonly (readonly string[])[], floor: readonly number[]): number[] {
  const widths = [...floor];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return widths;
}

function formatRows(rows: readonly (readonly string[])[], widths: readonly number[]): string {
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/**
 * A table too long to hold, written a chunk of rows at a time as they arrive. Each chunk is
 * aligned to the widest cells seen so far, so columns only ever widen: a list of a million
 * accounts starts printing at once and never sits in memory.
 */
export class StreamedTable {
  readonly #write: (text: string) => void;
  readonly #chunk: number;
  #rows: string[][] = [];
  #widths: number[] = [];
  #written = 0;

  constructor(write: (text: string) => void, chunk = 1000) {
    this.#write = write;
    this.#chunk = chunk;
  }

  /** Rows pushed so far. */
  get count(): number {
    return this.#written + this.#rows.length;
  }

  push(row: readonly string[]): void {
    this.#rows.push([...row]);
    if (this.#rows.length >= this.#chunk) this.flush();
  }

  flush(): void {
    if (this.#rows.length === 0) return;
    this.#widths = columnWidths(this.#rows, this.#widths);
    this.#write(formatRows(this.#rows, this.#widths));
    this.#written += this.#rows.length;
    this.#rows = [];
  }
}
