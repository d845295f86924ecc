/** Where the engine's runtime reports what it does: pino in `serve`, nothing by default. */
export type RunnerLog = (
  level: 'info' | 'warn' | 'error',
  message: string,
  fields: Record<string, unknown>,
) => void;

export const silentLog: RunnerLog = () => undefined;
