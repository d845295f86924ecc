/**
 * The console's windowed keyset list (src/console/components/keyset-window.ts) over real HTTP: the
 * log fixture serves 20,000 entries in pages of 500 on 127.0.0.1, and the list reads them with
 * fetch as the console does. Pages far from the view give up their rows and are read again, after
 * the same cursor, when the view comes back; the row count never moves.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeysetWindow, type ReadPage } from '../../src/console/components/keyset-window.js';
import { startLogsFixture, type LogsFixture } from './support/logs-fixture.js';

const TOTAL = 20_000;
const PAGE = 500;

interface Entry {
  readonly id: number;
  readonly sourceName: string;
}

describe('a keyset list held as a window of pages', () => {
  let fixture: LogsFixture;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provisio-keyset-window-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Provisio</title>');
    fixture = await startLogsFixture(dir, TOTAL);
  });
  afterAll(async () => {
    await fixture?.app.close();
  });

  const read: ReadPage<Entry> = async (after, signal) => {
    const query = new URLSearchParams({
      steps: 'false',
      limit: String(PAGE),
      ...(after ? { cursor: after } : {}),
    });
    const answer = await fetch(`${fixture.url}/admin/v1/apps/bench/logs?${query}`, { signal });
    if (!answer.ok) throw new Error(`the log answered ${answer.status}`);
    const page = (await answer.json()) as { entries: Entry[]; nextCursor: string | null };
    return { items: page.entries, next: page.nextCursor };
  };

  /** Waits for the list's next change. */
  const changed = (list: KeysetWindow<Entry>) =>
    new Promise<void>((resolve) => {
      const stop = list.subscribe(() => {
        stop();
        resolve();
      });
    });

  /** Shows rows [first, end) and waits until every one of them is held. */
  async function showHeld(list: KeysetWindow<Entry>, first: number, end: number): Promise<void> {
    list.show(first, end);
    for (let i = first; i < end; i++) while (list.rowAt(i) === undefined) await changed(list);
  }

  /** Scrolls to the end a screen at a time, as a table does, until the last page has come. */
  async function scrollToEnd(list: KeysetWindow<Entry>): Promise<void> {
    while (list.more) {
      const waiting = changed(list);
      list.show(Math.max(0, list.count - 30), list.count);
      await waiting;
    }
  }

  it('gives up far pages and reads them again after their own cursor, the count unchanged', async () => {
    const list = new KeysetWindow<Entry>(read, { keepPages: 2 });
    list.open();
    await changed(list);
    expect(list.count).toBe(PAGE);
    await scrollToEnd(list);
    expect(list.count).toBe(TOTAL);
    expect(list.more).toBe(false);
    // At the end, only the window is held: the pages in view, one ahead each side, two kept beyond.
    expect(list.heldRows).toBeLessThanOrEqual(6 * PAGE);
    expect(list.rowAt(TOTAL - 1)).toMatchObject({ id: TOTAL, sourceName: `user${TOTAL - 1}@example.com` });
    expect(list.rowAt(0)).toBeUndefined();

    // Back to the top: the first page is read again (no cursor), its rows are the same rows.
    const readsBefore = fixture.pageReads.length;
    await showHeld(list, 0, 30);
    const reread = fixture.pageReads.slice(readsBefore);
    expect(reread).toContain(undefined);
    expect(list.rowAt(0)).toMatchObject({ id: 1, sourceName: 'user0@example.com' });
    expect(list.rowAt(29)).toMatchObject({ id: 30 });
    expect(list.count).toBe(TOTAL);
    expect(list.rowAt(TOTAL - 1)).toBeUndefined();
    expect(list.heldRows).toBeLessThanOrEqual(6 * PAGE);

    // The middle: the page holding row 10,250 is read after the cursor of the row before it.
    const midReads = fixture.pageReads.length;
    await showHeld(list, 10_240, 10_270);
    expect(fixture.pageReads.slice(midReads)).toContain('10000');
    expect(list.rowAt(10_250)).toMatchObject({ id: 10_251, sourceName: 'user10250@example.com' });
    expect(list.count).toBe(TOTAL);
    list.close();
  });

  it('holds every page when no window is set', async () => {
    const list = new KeysetWindow<Entry>(read);
    list.open();
    await changed(list);
    await scrollToEnd(list);
    expect(list.heldRows).toBe(TOTAL);
    const readsBefore = fixture.pageReads.length;
    await showHeld(list, 0, 30);
    expect(fixture.pageReads.length).toBe(readsBefore);
    expect(list.rowAt(0)).toMatchObject({ id: 1 });
    expect(list.rowAt(TOTAL - 1)).toMatchObject({ id: TOTAL });
    list.close();
  });

  it('drops an answer for a page given up before it came', async () => {
    const list = new KeysetWindow<Entry>(read, { keepPages: 0 });
    list.open();
    await changed(list);
    await scrollToEnd(list);
    // Ask for the top, then leave for the end before its answer is in.
    list.show(0, 30);
    list.show(TOTAL - 30, TOTAL);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(list.rowAt(0)).toBeUndefined();
    expect(list.heldRows).toBeLessThanOrEqual(3 * PAGE);
    list.close();
  });

  it('shows a page that could not be read again as failed, and reads it when it comes back', async () => {
    let failing = false;
    const flaky: ReadPage<Entry> = (after, signal) =>
      failing ? Promise.reject(new Error('the log answered 503')) : read(after, signal);
    const list = new KeysetWindow<Entry>(flaky, { keepPages: 0 });
    list.open();
    await changed(list);
    await scrollToEnd(list);
    failing = true;
    list.show(0, 30);
    while (!list.failedAt(0)) await changed(list);
    expect(list.rowAt(0)).toBeUndefined();
    expect(String(list.error)).toMatch(/503/);
    expect(list.count).toBe(TOTAL);
    // Showing it again does not retry in a loop while it stays in view...
    const reads = fixture.pageReads.length;
    list.show(0, 30);
    expect(list.failedAt(0)).toBe(true);
    // ...but once it has left the window and comes back, it is read again.
    failing = false;
    await showHeld(list, TOTAL - 30, TOTAL);
    await showHeld(list, 0, 30);
    expect(list.rowAt(0)).toMatchObject({ id: 1 });
    expect(list.error).toBeUndefined();
    expect(fixture.pageReads.length).toBeGreaterThan(reads);
    list.close();
  });

  it('keeps a page read again with fewer rows in its place, the missing rows marked', async () => {
    // A list whose first page loses two rows after it was read (entries pruned from the log).
    let pruned = false;
    const shrinking: ReadPage<Entry> = async (after, signal) => {
      const page = await read(after, signal);
      return pruned && after === undefined ? { ...page, items: page.items.slice(0, PAGE - 2) } : page;
    };
    const list = new KeysetWindow<Entry>(shrinking, { keepPages: 0 });
    list.open();
    await changed(list);
    await scrollToEnd(list);
    pruned = true;
    list.show(PAGE - 10, PAGE + 10);
    while (list.rowAt(PAGE - 10) === undefined || list.rowAt(PAGE) === undefined) await changed(list);
    expect(list.rowAt(PAGE - 3)).toMatchObject({ id: PAGE - 2 });
    expect(list.rowAt(PAGE - 2)).toBeNull();
    expect(list.rowAt(PAGE - 1)).toBeNull();
    expect(list.rowAt(PAGE)).toMatchObject({ id: PAGE + 1 });
    expect(list.count).toBe(TOTAL);
    list.close();
  });
});
