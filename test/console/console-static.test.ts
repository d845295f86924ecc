/** Serving the built console at `/`: client routes, hashed assets, headers, and the API paths left alone. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServer, type RunningServer } from '../../src/main.js';

describe('the console at /', () => {
  let server: RunningServer;
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'provisio-console-static-'));
    const dir = join(root, 'console');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Provisio</title><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-AbC123.js'), 'console.log(1);');
    server = await runServer({ port: 0, dataDir: join(root, 'data'), consoleDir: dir, feedRetentionMs: 0 });
  });
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it.each(['/', '/sign-in', '/apps', '/apps/crm', '/apps/crm/logs', '/directory', '/audit'])(
    'answers the client route %s with index.html, never cached, under a strict CSP',
    async (path) => {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(await response.text()).toContain('<div id="root">');
    },
  );

  it('serves hashed assets as immutable', async () => {
    const response = await fetch(`${server.url}/assets/index-AbC123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 404 for an asset that is not there or not a plain file name', async () => {
    expect((await fetch(`${server.url}/assets/missing-1.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/assets/..%2Findex.html`)).status).toBe(404);
    expect((await fetch(`${server.url}/assets/index.html`)).status).toBe(404);
  });

  it('leaves /scim/v2 and unknown paths to the server: no index.html for them', async () => {
    const scim = await fetch(`${server.url}/scim/v2/Users`);
    expect(scim.status).toBe(401);
    expect(await scim.text()).not.toContain('<div id="root">');
    const unknown = await fetch(`${server.url}/admin/v1/nothing-here`);
    expect(unknown.status).not.toBe(200);
    expect(await unknown.text()).not.toContain('<div id="root">');
    expect((await fetch(`${server.url}/apps/a/b/c`)).status).not.toBe(200);
  });
});
