import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../scim/filter/filter-parser.js';
import { CONTINUATION_LIMITS, PageContinuations } from './page-continuations.js';

const page = (ids: string[], mark: number) => ids.map((id) => ({ id, change_mark: mark }));

describe('PageContinuations', () => {
  it('continues after the last id of the page that ended where the next one starts', async () => {
    const all = new PageContinuations();
    const query = all.of('User', false, undefined);
    query.remember(0, page(['a', 'b'], 7), 4);
    const asked: string[] = [];
    const next = await query.resume(2, async (after) => {
      asked.push(after);
      return page(['c', 'd'], 7);
    });
    expect(asked).toEqual(['b']);
    expect(next?.rows.map((r) => r.id)).toEqual(['c', 'd']);
    expect(next?.totalResults).toBe(4);
    // No page ended at offset 3.
    expect(await query.resume(3, async () => page(['x'], 7))).toBeUndefined();
  });

  it('refuses a continuation once anything changed, and an empty read', async () => {
    const query = new PageContinuations().of('User', false, undefined);
    query.remember(0, page(['a', 'b'], 7), 4);
    expect(await query.resume(2, async () => page(['c'], 8))).toBeUndefined();
    expect(await query.resume(2, async () => [])).toBeUndefined();
    // A page read before the first write has no mark (NULL): 0, like the feed's counter.
    query.remember(
      0,
      [
        { id: 'a', change_mark: null },
        { id: 'b', change_mark: null },
      ],
      3,
    );
    expect((await query.resume(2, async () => page(['c'], 0)))?.rows).toHaveLength(1);
  });

  it('keeps queries apart: type, direction and filter', async () => {
    const all = new PageContinuations();
    all.of('User', false, parseFilter('userName sw "a"')).remember(0, page(['a'], 1), 2);
    const read = async () => page(['z'], 1);
    expect(await all.of('User', false, parseFilter('userName sw "b"')).resume(1, read)).toBeUndefined();
    expect(await all.of('User', true, parseFilter('userName sw "a"')).resume(1, read)).toBeUndefined();
    expect(await all.of('Group', false, parseFilter('userName sw "a"')).resume(1, read)).toBeUndefined();
    expect(
      (await all.of('User', false, parseFilter('userName  sw  "a"')).resume(1, read))?.rows,
    ).toHaveLength(1);
  });

  it('forgets continuations after a minute, and holds at most 1,024', async () => {
    let now = 0;
    const all = new PageContinuations(() => now);
    const query = all.of('User', false, undefined);
    query.remember(0, page(['a'], 1), 2);
    now = 59_999;
    expect((await query.resume(1, async () => page(['b'], 1)))?.rows).toHaveLength(1);
    now = 60_000;
    expect(await query.resume(1, async () => page(['b'], 1))).toBeUndefined();

    for (let i = 0; i < 1025; i++) query.remember(i, page([`id${i}`], 1), 2000);
    expect(await query.resume(1, async () => page(['b'], 1))).toBeUndefined();
    expect((await query.resume(2, async () => page(['b'], 1)))?.rows).toHaveLength(1);
    expect((await query.resume(1025, async () => page(['b'], 1)))?.rows).toHaveLength(1);
  });

  it('does not remember queries with huge filters, and bounds the total key size', async () => {
    const all = new PageContinuations();
    const huge = parseFilter(`userName sw "a" or displayName eq "${'x'.repeat(20_000)}"`);
    all.of('User', false, huge).remember(0, page(['a'], 1), 2);
    expect(all.footprint.entries).toBe(0);
    expect(await all.of('User', false, huge).resume(1, async () => page(['b'], 1))).toBeUndefined();

    // Many distinct filters just under the key limit: the oldest go, the total stays bounded.
    for (let i = 0; i < 2000; i++) {
      const filter = parseFilter(
        `displayName eq "${String(i).padEnd(CONTINUATION_LIMITS.maxKeyLength - 40, 'y')}"`,
      );
      all.of('User', false, filter).remember(0, page([`id${i}`], 1), 2);
    }
    expect(all.footprint.entries).toBeGreaterThan(0);
    expect(all.footprint.keyLength).toBeLessThanOrEqual(CONTINUATION_LIMITS.maxTotalKeyLength);
    expect(all.footprint.entries).toBeLessThanOrEqual(CONTINUATION_LIMITS.maxEntries);
  });
});
