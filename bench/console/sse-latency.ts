/** Placeholder replaced once the admin API's events route is merged. */
import type { Browser } from 'playwright-core';

export async function measureSseLatency(
  _browser: Browser,
  _consoleDir: string,
): Promise<{ samples: number[]; note: string }> {
  return { samples: [], note: 'not measured: needs the admin API' };
}
