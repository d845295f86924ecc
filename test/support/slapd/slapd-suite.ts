/**
 * One slapd per test file: `useSlapd()` starts it before the file's tests and stops it after, and
 * answers undefined (with the reason) when the LDAP tests must skip.
 */
import { execFileSync } from 'node:child_process';
import type { Entry } from 'ldapts';
import { afterAll, beforeAll } from 'vitest';
import { slapdSkipReason, startSlapd, type SlapdServer, type StartSlapdOptions } from './slapd-server.js';

/** The reason to skip, for `describe.skipIf`; undefined when slapd is there. */
export const slapdSkip = slapdSkipReason();

/** Starts one server for the file; read `current()` inside tests. */
export function useSlapd(options: StartSlapdOptions = {}): { current(): SlapdServer } {
  let server: SlapdServer | undefined;
  beforeAll(async () => {
    if (slapdSkip === undefined) server = await startSlapd(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    current() {
      if (server === undefined) throw new Error('slapd is not running');
      return server;
    },
  };
}

/** The entry at `dn` as the server holds it, with operational attributes, read as the admin. */
export async function rawEntry(server: SlapdServer, dn: string): Promise<Entry | undefined> {
  const client = await server.admin();
  try {
    const result = await client.search(dn, { scope: 'base', attributes: ['*', '+'] });
    return result.searchEntries[0];
  } catch (error) {
    if ((error as { code?: number }).code === 32) return undefined;
    throw error;
  } finally {
    await client.unbind();
  }
}

/** Entries below `base` matching `filter`, read as the admin. */
export async function rawSearch(
  server: SlapdServer,
  base: string,
  filter: string,
  attributes = ['*'],
): Promise<Entry[]> {
  const client = await server.admin();
  try {
    return (await client.search(base, { scope: 'sub', filter, attributes })).searchEntries;
  } finally {
    await client.unbind();
  }
}

/** `ldapsearch` (from ldap-utils) as the admin: LDIF text of what the server holds. */
export function ldapsearch(
  server: SlapdServer,
  base: string,
  filter: string,
  ...attributes: string[]
): string {
  return execFileSync(
    'ldapsearch',
    [
      '-x',
      '-LLL',
      '-o',
      'ldif-wrap=no',
      '-H',
      server.url,
      '-D',
      server.adminDn,
      '-w',
      server.adminPassword,
      '-b',
      base,
      filter,
      ...attributes,
    ],
    { encoding: 'utf8' },
  );
}

/** A suite title that says why it is skipped, when it is. */
export function slapdTitle(title: string): string {
  return slapdSkip === undefined ? title : `${title} (skipped: ${slapdSkip})`;
}
