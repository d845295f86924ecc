/**
 * The exit codes of every `provisio` command: 0 done; 1 the command ran and failed (a token name
 * already taken, the server could not start, an expression failed on its input); 2 a usage error
 * (an unknown command or option, a missing or invalid value, an expression that does not compile),
 * reported before anything is opened or started.
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;
