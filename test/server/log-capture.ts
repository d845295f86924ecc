/**
 * A stream to give a server's logger, keeping what it writes: the raw text (to show a secret is
 * never in it) and each JSON line parsed (to find a line by its message and level).
 */
import { Writable } from 'node:stream';

export interface LogCapture<Line> {
  readonly stream: Writable;
  /** Every line so far, parsed; the same array throughout, emptied by `clear`. */
  readonly lines: Line[];
  raw(): string;
  clear(): void;
}

export function captureLog<Line = { level: number; msg: string }>(): LogCapture<Line> {
  const lines: Line[] = [];
  let raw = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      raw += chunk.toString();
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Line);
      callback();
    },
  });
  return {
    stream,
    lines,
    raw: () => raw,
    clear: () => {
      lines.length = 0;
      raw = '';
    },
  };
}
