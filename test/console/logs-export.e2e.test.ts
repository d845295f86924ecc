/**
 * Exporting the provisioning log from Chromium: after a cycle against the SCIM test target, the
 * Provisioning logs page downloads the filtered log as CSV and as JSON, and each file holds exactly
 * the entries the API answers for the same filters: CSV with RFC 4180 quoting and spreadsheet
 * formulas defused, JSON as the API's entries. A failed export is shown until the filters change.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download } from 'playwright-core';
import type { Body } from '../admin/routes-harness.js';
import { CHROMIUM, NO_CHROMIUM_MESSAGE } from './support/chromium.js';
import { openConsolePage, type ConsolePage } from './support/console-page.js';
import type { ConsoleStack } from './support/console-stack.js';
import { closeConsoleSuite, directoryUser, openConsoleSuite, storeScimApp } from './support/console-suite.js';

if (CHROMIUM === undefined) console.warn(NO_CHROMIUM_MESSAGE);

const APP = 'crm';
/** A user name a spreadsheet would run as a formula, with a comma and quotes to escape. */
const AWKWARD = '=HYPERLINK("x"),sum@example.com';
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
];

/** The CSV the export must produce, written out from the rules, not from the console's code. */
function expectedCsv(entries: readonly Body[]): string {
  const quote = (text: string) => {
    const defused = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return /[",\r\n]/.test(defused) ? `"${defused.replaceAll('"', '""')}"` : defused;
  };
  const rows = entries.map((e) =>
    [
      ...COLUMNS.map((c) => quote(e[c] === undefined ? '' : String(e[c]))),
      quote(JSON.stringify(e.steps)),
    ].join(','),
  );
  return [[...COLUMNS, 'steps'].join(','), ...rows].map((line) => `${line}\r\n`).join('');
}

describe.skipIf(CHROMIUM === undefined).sequential('provisioning log export in Chromium', () => {
  let stack: ConsoleStack;
  let c: ConsolePage;

  beforeAll(async () => {
    ({ stack, c } = await openConsoleSuite(CHROMIUM!, (s) =>
      s.users(
        ['ada@example.com', 'grace@example.com', AWKWARD].map((userName) =>
          directoryUser(userName, userName.split('@')[0]!),
        ),
      ),
    ));
    await c.signIn('vera');
    // The app and its first cycle, set up by an admin through the API.
    const admin = await openConsolePage(stack, CHROMIUM!);
    try {
      await admin.signIn('alice');
      await storeScimApp(admin, stack, APP, 3);
    } finally {
      await admin.close();
    }
  }, 120_000);

  afterAll(() => closeConsoleSuite({ stack, c }));

  /** The entries the API answers for a query, as the NDJSON stream gives them. */
  async function apiEntries(query: string): Promise<Body[]> {
    const text = (await c.page.evaluate(`(async () => {
      const answer = await fetch('/admin/v1/apps/${APP}/logs?${query}', { headers: { Accept: 'application/x-ndjson' } });
      return answer.text();
    })()`)) as string;
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Body);
  }

  async function exported(button: string): Promise<{ name: string; text: string }> {
    const [download]: [Download, void] = await Promise.all([
      c.page.waitForEvent('download'),
      c.page.getByRole('button', { name: button }).click(),
    ]);
    const path = await download.path();
    return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
  }

  it('downloads the whole log as CSV and as JSON, exactly as the API answers it', async () => {
    const { page } = c;
    await c.openApp(APP);
    await c.open('Provisioning logs');
    await page.getByText(/^\d+ entries loaded/).waitFor();
    const all = await apiEntries('');
    expect(
      all
        .filter((e) => e.action === 'create')
        .map((e) => e.sourceName)
        .sort(),
    ).toEqual([AWKWARD, 'ada@example.com', 'grace@example.com']);

    const csv = await exported('Export CSV');
    expect(csv.name).toBe(`${APP}-provisioning-log.csv`);
    expect(csv.text).toBe(expectedCsv(all));
    // The awkward name is one cell, quoted, with its formula defused.
    expect(csv.text).toContain(`"'=HYPERLINK(""x""),sum@example.com"`);

    const json = await exported('Export JSON');
    expect(json.name).toBe(`${APP}-provisioning-log.json`);
    expect(JSON.parse(json.text)).toEqual(all);
    expect(json.text).toBe(JSON.stringify(all, null, 2));
  });

  it('exports only what the filters select', async () => {
    const { page } = c;
    await page.getByLabel('User').fill('grace@example.com');
    await page.getByLabel('Action').selectOption('create');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'ada@example.com' }).count()).toBe(0);
    const selected = await apiEntries('user=grace%40example.com&action=create');
    expect(selected).toHaveLength(1);
    expect(selected[0]).toMatchObject({
      sourceName: 'grace@example.com',
      action: 'create',
      status: 'success',
    });

    const csv = await exported('Export CSV');
    expect(csv.text).toBe(expectedCsv(selected));
    expect(csv.text.split('\r\n')).toHaveLength(3);
    const json = await exported('Export JSON');
    expect(JSON.parse(json.text)).toEqual(selected);
    await c.checkAccessibility('Provisioning logs filtered');
    expect(c.violations).toEqual([]);
  });

  it('shows a failed export until the filters change, then clears it', async () => {
    const { page } = c;
    // The export's streamed request fails once (the table's JSON pages are left alone).
    let failed = 0;
    await page.route(`**/admin/v1/apps/${APP}/logs*`, async (route) => {
      if (route.request().headers()['accept'] !== 'application/x-ndjson' || failed > 0)
        return route.fallback();
      failed++;
      await route.fulfill({ status: 503, body: '' });
    });
    try {
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'the log export answered 503' });
      await alert.waitFor();
      expect(failed).toBe(1);
      // Another filter: the old export's failure says nothing about it.
      await page.getByLabel('User').fill('');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect
        .poll(() => page.getByRole('row').filter({ hasText: 'ada@example.com' }).count())
        .toBeGreaterThan(0);
      await expect.poll(() => alert.count()).toBe(0);
      // And an export that works now downloads without the old alert coming back.
      const csv = await exported('Export CSV');
      expect(csv.text).toBe(expectedCsv(await apiEntries('action=create')));
      expect(await page.getByRole('alert').count()).toBe(0);
    } finally {
      await page.unrouteAll();
    }
  });
});
