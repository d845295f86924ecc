/**
 * The progress line `sync`, `preview` and `reconcile` draw on stderr while a cycle runs, only when
 * stderr is a terminal: a pipe or a log file gets the summary alone, never carriage returns.
 * Redrawn at most every 100 ms, so a cycle of 100,000 objects does not spend its time printing.
 */
export interface ProgressLine {
  /** The engine's CycleProgress callback. */
  readonly update: (done: number, total: number | undefined) => void;
  /** Clears the line (before the summary is printed). */
  readonly finish: () => void;
}

const WIDTH = 30;
const REDRAW_MS = 100;

/** The text of the line: a bar when the total is known, a count otherwise. */
export function progressText(label: string, done: number, total: number | undefined): string {
  if (total === undefined || total <= 0) return `${label} ${done} objects`;
  const ratio = Math.min(1, done / total);
  const filled = Math.round(ratio * WIDTH);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${Math.floor(ratio * 100)}% ${done}/${total}`;
}

export function progressLine(
  label: string,
  stream: { isTTY?: boolean; write(text: string): unknown } = process.stderr,
  clock: () => number = Date.now,
): ProgressLine | undefined {
  if (stream.isTTY !== true) return undefined;
  let last = -Infinity;
  let drawn = 0;
  return {
    update(done, total) {
      const now = clock();
      if (now - last < REDRAW_MS && !(total !== undefined && done >= total)) return;
      last = now;
      const text = progressText(label, done, total);
      stream.write(`\r${text.padEnd(drawn)}`);
      drawn = text.length;
    },
    finish() {
      if (drawn > 0) stream.write(`\r${' '.repeat(drawn)}\r`);
      drawn = 0;
    },
  };
}
