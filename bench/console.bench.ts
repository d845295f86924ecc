/**
 * The web console in Chromium (issue 18's console goals):
 *
 *   npm run bench:console                  (ROWS=100000)
 *
 * 1. First-page JavaScript: the gzipped size (zlib level 9) of every script the browser loads for
 *    the Sign in page, and for the Applications page after signing in, against the 250 KB budget.
 * 2. Scrolling the Provisioning logs table over ROWS entries, then the Accounts table over ROWS
 *    accounts (a fixture API, test/console/support/logs-fixture.ts; `TABLES=logs` or
 *    `TABLES=accounts` sweeps one), at a
 *    mouse wheel's speed from the middle and from top to bottom at 10,000 rows/s, against the same
 *    scrolls over a static HTML list (no script) in the same run. Counted two ways: the frames the
 *    page itself dropped, from a Chrome trace of its main thread (bench/console/frame-trace.ts:
 *    the frames spanned by main-thread tasks longer than one frame; the compositor's own dropped
 *    frames beside them), and requestAnimationFrame intervals over 1.5x the idle page's median
 *    (a missed vsync, whatever missed it: on a shared machine the static list misses some too).
 *    Beside them: the frames in which a row still waited for its keyset page (the table holds only
 *    the pages near the view and reads far ones again) and the JS heap after the sweep; on the
 *    Accounts page, the time a search takes (the API answers pages of the matches only).
 * 3. Cycle progress latency (bench/console/sse-latency.ts): from the engine's progress event in the
 *    server to the progress text changing in the page, over Server-Sent Events, on the real `serve`.
 *
 * Chromium: PROVISIO_TEST_CHROMIUM or /usr/bin/chromium.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { findChromium, launchChromium } from '../test/console/support/chromium.js';
import { startLogsFixture } from '../test/console/support/logs-fixture.js';
import { measureSseLatency } from './console/sse-latency.js';
import { FRAME_MS, describeTrace, traceFrames } from './console/frame-trace.js';

const ROWS = Number(process.env.ROWS ?? 100_000);
const BUDGET_BYTES = 250 * 1024;
const SCROLL_MS = Number(process.env.SCROLL_MS ?? 10_000);
const IDLE_MS = 3_000;
const WHEEL_PX_PER_S = Number(process.env.WHEEL_PX_PER_S ?? 3_000);
/** The tables swept, by page slug (the scroller's test id is `<slug>-scroller`). */
const TABLES = (process.env.TABLES ?? 'logs,accounts').split(',').filter((t) => t !== '');

const chromiumPath = findChromium();
if (chromiumPath === undefined) {
  console.error('No Chromium: set PROVISIO_TEST_CHROMIUM or install /usr/bin/chromium');
  process.exit(1);
}

const outDir = mkdtempSync(join(tmpdir(), 'provisio-console-bench-'));
await build({
  configFile: fileURLToPath(new URL('../src/console/vite.config.ts', import.meta.url)),
  logLevel: 'warn',
  build: { outDir, emptyOutDir: true },
});
const assets = join(outDir, 'assets');
const fixture = await startLogsFixture(outDir, ROWS);
const browser = await launchChromium(chromiumPath);
console.log(
  `load average at start: ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}`,
);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

try {
  // 1. What the first page loads.
  const sizes = async (path: string) => {
    const page = await browser.newPage();
    // The first page a visitor sees is Sign in: no session yet.
    if (path === '/sign-in')
      await page.route('**/admin/v1/session', (route) => route.fulfill({ status: 401, body: '{}' }));
    const scripts = new Set<string>();
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.endsWith('.js'))
        scripts.add(basename(new URL(response.url()).pathname));
    });
    await page.goto(`${fixture.url}${path}`, { waitUntil: 'networkidle' });
    await page.locator('h1').first().waitFor();
    let raw = 0;
    let gzipped = 0;
    for (const file of scripts) {
      const bytes = await readFile(join(assets, file));
      raw += bytes.length;
      gzipped += gzipSync(bytes, { level: 9 }).length;
    }
    await page.close();
    return { files: scripts.size, raw, gzipped };
  };
  for (const [label, path] of [
    ['Sign in (first page)', '/sign-in'],
    ['Applications', '/apps'],
  ] as const) {
    const s = await sizes(path);
    console.log(
      `${label}: ${s.files} scripts, ${(s.raw / 1024).toFixed(1)} KiB raw, ${(s.gzipped / 1024).toFixed(1)} KiB gzipped = ${((100 * s.gzipped) / BUDGET_BYTES).toFixed(1)}% of the 250 KB budget`,
    );
  }

  // 2. Scrolling the tables: the Provisioning logs and the Accounts, each over ROWS rows.
  // Passed as text: tsx's compiled functions call a helper (__name) that the page does not have.
  // pxPerSecond 0: the whole table from top to bottom in `ms`; otherwise that speed from the middle.
  const frames = (page: Page, selector: string, ms: number, scroll: boolean, pxPerSecond = 0) =>
    page.evaluate(`new Promise((resolve) => {
      const el = document.querySelector(${JSON.stringify(selector)});
      const ms = ${ms};
      const scroll = ${scroll};
      const from = ${pxPerSecond} > 0 ? Math.floor(el.scrollHeight / 2) : 0;
      el.scrollTop = from;
      const distance = ${pxPerSecond} > 0 ? (${pxPerSecond} * ms) / 1000 : el.scrollHeight - el.clientHeight;
      const deltas = [];
      let rowsInDom = 0;
      let waiting = 0;
      let first;
      let last;
      const frame = (t) => {
        if (first === undefined) first = t;
        if (last !== undefined) deltas.push(t - last);
        last = t;
        if (scroll) el.scrollTop = from + Math.min(distance, ((t - first) / ms) * distance);
        rowsInDom = Math.max(rowsInDom, el.querySelectorAll('[role="row"]').length);
        if (el.querySelector('.vrow-missing')) waiting++;
        if (t - first < ms) requestAnimationFrame(frame);
        else resolve({ deltas, rowsInDom, waiting, endTop: el.scrollTop, heapMb: (performance.memory?.usedJSHeapSize ?? 0) / 1e6 });
      };
      requestAnimationFrame(frame);
    })`) as Promise<{ deltas: number[]; rowsInDom: number; waiting: number; endTop: number; heapMb: number }>;
  const traced = async (page: Page, selector: string, ms: number, scroll: boolean, pxPerSecond = 0) => {
    const { result, trace } = await traceFrames(page, () => frames(page, selector, ms, scroll, pxPerSecond));
    return { ...result, trace, traceLine: describeTrace(trace, ms / 1000) };
  };

  /**
   * One table of the console over the fixture's ROWS rows: every page read first (scrolled to the
   * end until the last has come), then the idle page, the sweep of the whole table in SCROLL_MS
   * and a mouse wheel's speed from the middle, each traced. Answers the idle page's median frame.
   */
  const sweepTable = async (table: string): Promise<number> => {
    const selector = `[data-testid="${table}-scroller"]`;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${fixture.url}/apps/bench/${table}`);
    await page.locator(selector).waitFor();
    const started = Date.now();
    for (;;) {
      const loaded = (await page.evaluate(`(() => {
        const el = document.querySelector(${JSON.stringify(selector)});
        el.scrollTop = el.scrollHeight;
        return Math.round(el.scrollHeight / 34);
      })()`)) as number;
      if (loaded >= ROWS) break;
      await page.waitForTimeout(50);
    }
    const loadedHeap = (await page.evaluate('(performance.memory?.usedJSHeapSize ?? 0) / 1e6')) as number;
    console.log(
      `${table}: ${ROWS} rows loaded in ${((Date.now() - started) / 1000).toFixed(1)} s, JS heap ${loadedHeap.toFixed(1)} MB at the end`,
    );
    const idle = await traced(page, selector, IDLE_MS, false);
    const busy = await traced(page, selector, SCROLL_MS, true);
    const idleMedian = percentile(idle.deltas, 50);
    const dropped = busy.deltas.filter((d) => d > idleMedian * 1.5).length;
    const idleDropped = idle.deltas.filter((d) => d > idleMedian * 1.5).length;
    console.log(
      `${table} idle: ${idle.deltas.length} frames, median ${idleMedian.toFixed(1)} ms, p99 ${percentile(idle.deltas, 99).toFixed(1)} ms, ${idleDropped} over 1.5x median; ${idle.traceLine}`,
    );
    console.log(
      `${table} scrolling ${ROWS} rows in ${SCROLL_MS / 1000} s (${Math.round(ROWS / (SCROLL_MS / 1000))} rows/s): ${busy.deltas.length} frames, median ${percentile(busy.deltas, 50).toFixed(1)} ms, p99 ${percentile(busy.deltas, 99).toFixed(1)} ms (${(percentile(busy.deltas, 99) / percentile(idle.deltas, 99)).toFixed(2)}x idle p99), max ${Math.max(...busy.deltas).toFixed(1)} ms, dropped ${dropped} (${((100 * dropped) / busy.deltas.length).toFixed(2)}%), at most ${busy.rowsInDom} rows in the DOM, ${busy.waiting} frames with a row waiting for its page, JS heap ${busy.heapMb.toFixed(1)} MB after, reached the end: ${busy.endTop > 0}; ${busy.traceLine}`,
    );
    const wheel = await traced(page, selector, 5_000, true, WHEEL_PX_PER_S);
    const wheelDropped = wheel.deltas.filter((d) => d > idleMedian * 1.5).length;
    console.log(
      `${table} scrolling at ${WHEEL_PX_PER_S} px/s (${Math.round(WHEEL_PX_PER_S / 34)} rows/s, a fast mouse wheel) from row ${ROWS / 2}: ${wheel.deltas.length} frames, median ${percentile(wheel.deltas, 50).toFixed(1)} ms, p99 ${percentile(wheel.deltas, 99).toFixed(1)} ms, dropped ${wheelDropped} (${((100 * wheelDropped) / wheel.deltas.length).toFixed(2)}%), ${wheel.waiting} frames with a row waiting for its page; ${wheel.traceLine}`,
    );
    if (table === 'accounts') await timeAccountsSearch(page);
    await page.close();
    return idleMedian;
  };
  /**
   * A search over the ROWS accounts after the sweep: from typing the text to the final count
   * shown, for ten accounts (in the middle of the list), then for one of them (a longer text).
   */
  const timeAccountsSearch = async (page: Page) => {
    const middle = String(Math.floor(ROWS / 2)).padStart(6, '0');
    const took: string[] = [];
    for (const [text, found] of [
      [`account${middle.slice(0, 5)}`, 10],
      [`account${middle}`, 1],
    ] as const) {
      const started = Date.now();
      await page.getByLabel('Search accounts').fill(text);
      await page
        .getByTestId('accounts-count')
        .filter({
          hasText: new RegExp(`^${found === 1 ? '1 account matches' : `${found} accounts match`}\\.$`),
        })
        .waitFor({ timeout: 120_000 });
      took.push(`"${text}" ${found} found in ${Date.now() - started} ms`);
    }
    console.log(`accounts search over ${ROWS} accounts: ${took.join(', then ')}`);
  };
  const idleMedians: number[] = [];
  for (const table of TABLES) idleMedians.push(await sweepTable(table));

  // The same scrolls over static HTML (no script, no virtualisation), in another page of this
  // browser: what this machine's Chromium manages for scrolling alone.
  const plain = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const rowsHtml = Array.from(
    { length: 4000 },
    (_, i) =>
      `<div class="r"><span>Dec 1, 2026, 12:00:00 AM</span><span>User</span><span>user${i}@example.com</span><span>update</span><span>success</span><span></span></div>`,
  ).join('');
  await plain.setContent(
    `<style>.s{height:60vh;overflow:auto}.r{display:grid;grid-template-columns:14rem 4.5rem 1fr 5.5rem 5.5rem 1fr;height:34px;border-bottom:1px solid #ccc;font:15px system-ui}</style><div class="s">${rowsHtml}</div>`,
  );
  const plainWheel = await traced(plain, '.s', 5_000, true, WHEEL_PX_PER_S);
  const plainSweep = await traced(plain, '.s', 5_000, true);
  await plain.close();
  // Missed vsyncs against the first table's idle median (that of the page idle in this browser).
  const idleMedian = idleMedians[0] ?? FRAME_MS;
  const over = (d: number[]) => d.filter((x) => x > idleMedian * 1.5).length;
  console.log(
    `baseline, static HTML list of 4,000 rows: at ${WHEEL_PX_PER_S} px/s median ${percentile(plainWheel.deltas, 50).toFixed(1)} ms, p99 ${percentile(plainWheel.deltas, 99).toFixed(1)} ms, dropped ${over(plainWheel.deltas)} of ${plainWheel.deltas.length}; whole list in 5 s median ${percentile(plainSweep.deltas, 50).toFixed(1)} ms, p99 ${percentile(plainSweep.deltas, 99).toFixed(1)} ms, dropped ${over(plainSweep.deltas)} of ${plainSweep.deltas.length}`,
  );
  console.log(`baseline, static list at ${WHEEL_PX_PER_S} px/s: ${plainWheel.traceLine}`);
  console.log(`baseline, static list, whole list in 5 s: ${plainSweep.traceLine}`);

  // 3. Engine step -> DOM over SSE, on the real serve.
  const sse = await measureSseLatency(browser, outDir);
  if (sse.samples.length === 0) console.log(`SSE latency: ${sse.note}`);
  else
    console.log(
      `SSE progress latency (engine event -> DOM text), ${sse.samples.length} updates: median ${percentile(sse.samples, 50).toFixed(1)} ms, p95 ${percentile(sse.samples, 95).toFixed(1)} ms, max ${Math.max(...sse.samples).toFixed(1)} ms (goal 500 ms)${sse.note ? `; ${sse.note}` : ''}`,
    );
} finally {
  await browser.close();
  await fixture.app.close();
  console.log(
    `load average at end: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}`,
  );
}
