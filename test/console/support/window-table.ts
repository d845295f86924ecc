/**
 * Steps for a console table that holds a window of keyset pages (Logs, Accounts): scrolling it,
 * reading its geometry, and holding back one page's read to see the placeholder in its place.
 * Each table's test says what it reads and where; these say how a user scrolls it.
 */
import { expect } from 'vitest';
import type { Locator, Page, Route } from 'playwright-core';

export interface TableGeometry {
  readonly height: number;
  readonly top: number;
  readonly rowcount: string | null;
}

export interface WindowTable {
  readonly scroller: () => Locator;
  readonly table: () => Locator;
  scrollTo(top: number): Promise<void>;
  scrollToEnd(): Promise<void>;
  geometry(): Promise<TableGeometry>;
  /** How many rows are in the DOM: a screenful, not the pages loaded. */
  rowsInDom(): Promise<number>;
  /** Scrolls to the end until `status()` says `loaded`: each end brings the next page. */
  scrollUntil(status: () => Promise<string | null>, loaded: string): Promise<void>;
  /**
   * Scrolls to `top` while the read of the page matching `heldPage` waits: a placeholder stands
   * where that page's rows go (row indexes `rows[0]` to `rows[1]`, exclusive), then `row` once the
   * read goes on, the scroll height, position and row count unmoved.
   */
  placeholderThenRow(o: { heldPage: RegExp; top: number; rows: [number, number]; row: Locator }): Promise<void>;
}

export function windowTable(page: Page, o: { scrollerTestId: string; tableName: string }): WindowTable {
  const scroller = () => page.getByTestId(o.scrollerTestId);
  const table = () => page.getByRole('table', { name: o.tableName });
  const scrollTo = async (top: number) => {
    await scroller().evaluate((el, to) => el.scrollTo(0, to), top);
  };
  const scrollToEnd = async () => {
    await scroller().evaluate((el) => el.scrollTo(0, el.scrollHeight));
  };
  const geometry = () =>
    scroller().evaluate((el) => ({
      height: el.scrollHeight,
      top: el.scrollTop,
      rowcount: el.getAttribute('aria-rowcount'),
    }));
  return {
    scroller,
    table,
    scrollTo,
    scrollToEnd,
    geometry,
    rowsInDom: () => scroller().locator('.vbody [role="row"]').count(),
    async scrollUntil(status, loaded) {
      await expect
        .poll(
          async () => {
            await scrollToEnd();
            return status();
          },
          { timeout: 30_000 },
        )
        .toBe(loaded);
    },
    async placeholderThenRow({ heldPage, top, rows, row }) {
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      let held = 0;
      await page.route(heldPage, async (route: Route) => {
        held++;
        await released;
        await route.fallback();
      });
      try {
        const before = await geometry();
        await scrollTo(top);
        const waiting = table().getByRole('row', { name: 'Loading…' }).first();
        await waiting.waitFor();
        const index = Number(await waiting.getAttribute('aria-rowindex'));
        expect(index).toBeGreaterThanOrEqual(rows[0]);
        expect(index).toBeLessThan(rows[1]);
        expect(held).toBe(1);
        release();
        await row.waitFor();
        expect(await table().getByRole('row', { name: 'Loading…' }).count()).toBe(0);
        expect(await geometry()).toEqual({ ...before, top });
      } finally {
        release();
        await page.unrouteAll();
      }
    },
  };
}
