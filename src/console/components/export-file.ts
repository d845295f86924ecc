/** Turning loaded entries into a file the browser downloads (CSV with RFC 4180 quoting, or JSON). */
import type { LogEntry } from '../api/types.js';

const COLUMNS = [
  'at',
  'cycleId',
  'objectType',
  'sourceId',
  'sourceName',
  'targetId',
  'action',
  'status',
  'reason',
] as const;

function cell(value: unknown): string {
  const text =
    value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // A leading = + - @ would run as a formula in a spreadsheet: quote it as text.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function entriesToCsv(entries: readonly LogEntry[]): string {
  const lines = [[...COLUMNS, 'steps'].join(',')];
  for (const e of entries) lines.push([...COLUMNS.map((c) => cell(e[c])), cell(e.steps)].join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
