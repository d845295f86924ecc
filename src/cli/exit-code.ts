/**
 * The exit codes of every `provisio` command: 0 done; 1 the command ran and failed (a token name
 * already taken, the server could not start, an expression failed on its input, a cycle with
 * failures); 2 a usage error (an unknown command or option, a missing or invalid value, an
 * expression that does not compile), reported before anything is opened or started; 3 the
 * application is blocked: its deletions are held by the accidental-deletion guard or it is
 * quarantined (`sync`, `provision`).
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2, blocked: 3 } as const;
