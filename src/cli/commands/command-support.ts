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
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
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
