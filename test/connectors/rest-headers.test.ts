/**
 * Header values are templates: the app's headers and an operation's own (which win by name) take
 * the operation's values and the mapped attributes, a header without a value is left out, and a
 * value that would break out of its header (CR, LF, another control character) or is not US-ASCII
 * fails the operation before anything is sent. Constant header text is checked when the settings
 * are read.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { restConnector } from '../../src/connectors/rest/index.js';
import { ConnectorError, ConnectorLoadError, ConnectorRegistry } from '../../src/connectors/spi/index.js';
import { startRestApi, type RestApi } from '../support/rest-api/rest-api.js';
import { restSettingsFor } from '../support/rest-api/rest-app-settings.js';

const registry = new ConnectorRegistry().register(restConnector);
const api: RestApi = await startRestApi();
afterAll(() => api.close());
const signal = () => AbortSignal.timeout(10_000);

type Settings = { objects: { User: { operations: Record<string, Record<string, unknown>> } } };

async function open(edit: (settings: Settings) => void, extra: Record<string, unknown> = {}) {
  const settings = restSettingsFor(api.url, { groups: false }) as unknown as Settings;
  edit(settings);
  return registry.open(
    { kind: 'rest', settings: { ...settings, ...extra } },
    { credentials: { token: api.token } },
  );
}

let n = 0;

describe('header templates', () => {
  it("fill from the operation's values and mapped attributes; an absent one is left out; operation headers win", async () => {
    const c = await open(
      (s) => {
        s.objects.User.operations.create!.headers = {
          'X-Actor': 'provisio for {department}',
          'X-Tenant': 'own-{userName}',
        };
        s.objects.User.operations.update!.headers = { 'If-Match': '"{id}"', 'X-Labels': '{labels}' };
      },
      { headers: { 'x-tenant': 'acme', 'X-Static': 'yes {{literal}}' } },
    );
    try {
      api.headerLog = [];
      const userName = `h${++n}@example.com`;
      const created = await c.create(
        { objectType: 'User', attributes: { userName, department: 'Sales' } },
        signal(),
      );
      const [sent] = api.headerLog.splice(0);
      expect(sent!['x-actor']).toBe('provisio for Sales');
      expect(sent!['x-tenant']).toBe(`own-${userName}`);
      expect(sent!['x-static']).toBe('yes {literal}');
      await c.update!(
        {
          objectType: 'User',
          ref: { id: created.id },
          changes: [{ attribute: 'labels', oldValue: null, newValue: ['a', 'b'] }],
        },
        signal(),
      );
      const [updated] = api.headerLog.splice(0);
      expect(updated!['if-match']).toBe(`"${created.id}"`);
      expect(updated!['x-labels']).toBe('a, b');
      expect(updated!['x-tenant']).toBe('acme');
      // No department: the header that needs it is not sent at all.
      await c.create({ objectType: 'User', attributes: { userName: `h${++n}@example.com` } }, signal());
      const [bare] = api.headerLog.splice(0);
      expect(bare!['x-actor']).toBeUndefined();
    } finally {
      api.headerLog = undefined;
      await c.close?.();
    }
  });

  it('a value with CR, LF, another control character or non-ASCII text fails the operation and sends nothing', async () => {
    const c = await open((s) => {
      s.objects.User.operations.create!.headers = { 'X-Note': 'note: {note}' };
    });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.string(),
          fc.constantFrom('\r', '\n', '\r\n', '\u0000', '\u001b', '\u007f', 'é', '\u2028', '😀'),
          fc.string(),
          async (before, bad, after) => {
            api.requests.clear();
            const error = await c
              .create(
                {
                  objectType: 'User',
                  attributes: { userName: `h${++n}@example.com`, note: `${before}${bad}${after}` },
                },
                signal(),
              )
              .catch((e: unknown) => e);
            expect(error).toBeInstanceOf(ConnectorError);
            expect((error as ConnectorError).code).toBe('schema_violation');
            expect((error as ConnectorError).message).toContain('X-Note');
            expect(api.requests.get('POST') ?? 0).toBe(0);
          },
        ),
        { numRuns: 40 },
      );
      // Printable ASCII and tabs go through as they are.
      api.headerLog = [];
      await c.create(
        { objectType: 'User', attributes: { userName: `h${++n}@example.com`, note: 'a\tb ~!' } },
        signal(),
      );
      expect(api.headerLog[0]!['x-note']).toBe('note: a\tb ~!');
    } finally {
      api.headerLog = undefined;
      await c.close?.();
    }
  });

  it('constant header text with a line break, and a malformed template, are refused when the settings are read', async () => {
    const message = async (headers: Record<string, string>) => {
      const error = await open(() => {}, { headers }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorLoadError);
      return (error as Error).message;
    };
    expect(await message({ 'X-Bad': 'a\r\nX-Injected: 1' })).toMatch(
      /connector\.settings\.headers\.X-Bad: holds a line break/u,
    );
    expect(await message({ 'X-Open': 'value {id' })).toMatch(
      /connector\.settings\.headers\.X-Open: is not a template: '\{' at offset 6 is not closed/u,
    );
  });
});
