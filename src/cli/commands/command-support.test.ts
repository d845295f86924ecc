import { describe, expect, it } from 'vitest';
import { StreamedTable, table } from './command-support.js';

function streamed(rows: string[][], chunk: number): { writes: string[]; count: number } {
  const writes: string[] = [];
  const out = new StreamedTable((text) => writes.push(text), chunk);
  for (const row of rows) out.push(row);
  out.flush();
  return { writes, count: out.count };
}

describe('StreamedTable', () => {
  const rows = [
    ['TYPE', 'SOURCE', 'STATE'],
    ['User', 'ada', 'active'],
    ['User', 'bartholomew@example.com', 'disabled'],
    ['Group', 'x', 'active'],
  ];

  it('prints what table() prints when every row fits one chunk', () => {
    const { writes, count } = streamed(rows, 1000);
    expect(writes).toEqual([table(rows)]);
    expect(count).toBe(4);
  });

  it('writes each full chunk at once, its columns as wide as the widest cell seen so far', () => {
    const { writes, count } = streamed(rows, 2);
    expect(writes).toEqual([
      'TYPE  SOURCE  STATE\nUser  ada     active\n',
      'User   bartholomew@example.com  disabled\nGroup  x                        active\n',
    ]);
    expect(count).toBe(4);
  });

  it('writes nothing for no rows', () => {
    expect(streamed([], 2)).toEqual({ writes: [], count: 0 });
  });
});
