/**
 * Test connection as Entra does it (a filter on a random value must answer an empty ListResponse),
 * and each way it fails in words: unreachable, TLS, 401/403, not SCIM, filter unsupported. TLS is
 * tested with a private CA, a client certificate and an untrusted self-signed certificate.
 */
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { ConnectorError } from '../../src/connectors/spi/index.js';
import { ConnectorRegistry } from '../../src/connectors/spi/index.js';
import { scimConnector } from '../../src/connectors/scim/index.js';
import {
  makeTestCertificates,
  scimConnectorFor,
  testSignal as signal,
} from '../support/scim-target/index.js';
import { scimTargetsForFile } from '../support/scim-target/targets-for-file.js';
import { join } from 'node:path';

const target = scimTargetsForFile();

async function failure(settings: Record<string, unknown>, url: string, credentials?: unknown) {
  const c = scimConnectorFor(url, settings, credentials ?? { token: 'target-token' });
  try {
    const error = await c.testConnection(signal()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  } finally {
    await c.close!();
  }
}

describe('test connection', () => {
  it('sends a filter on a random userName and accepts the empty ListResponse', async () => {
    const t = await target();
    const c = scimConnectorFor(t.url);
    await c.testConnection(signal());
    await c.testConnection(signal());
    const filters = t.requests('GET', '/Users').map((r) => r.query.filter!);
    expect(filters).toHaveLength(2);
    expect(filters[0]).toMatch(/^userName eq "provisio-test-[0-9a-f-]{36}"$/u);
    expect(filters[0]).not.toBe(filters[1]);
    await c.close!();
  });

  it('works through the registry as an app file opens it', async () => {
    const t = await target();
    const registry = new ConnectorRegistry().register(scimConnector);
    const c = await registry.open(
      { kind: 'scim', settings: { baseUrl: t.url } },
      { credentials: { token: 'target-token' } },
    );
    await c.testConnection(signal());
    await c.close!();
  });

  it('unreachable: says it cannot reach the target', async () => {
    const port = await freePort();
    const error = await failure({}, `http://127.0.0.1:${port}/scim/v2`);
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(
      /^Cannot reach the SCIM target at http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/Users/u,
    );
  });

  it('401: says the credentials were refused; 403: says they may not read', async () => {
    const t = await target();
    const refused = await failure({}, t.url, { token: 'not-the-token' });
    expect(refused.code).toBe('invalid_credentials');
    expect(refused.message).toMatch(/refused the credentials \(HTTP 401\)/u);
    expect(refused.message).not.toContain('not-the-token');
    t.faults.add({ kind: 'respond', rate: 1, status: 403, body: '' });
    const forbidden = await failure({}, t.url);
    expect(forbidden.code).toBe('permission_denied');
    expect(forbidden.message).toMatch(/may not read .* \(HTTP 403\)/u);
  });

  it('not SCIM: an HTML page, a 404, or JSON that is no ListResponse', async () => {
    const t = await target();
    t.faults.add({
      kind: 'respond',
      rate: 1,
      status: 200,
      body: '<html>Sign in</html>',
      contentType: 'text/html',
    });
    const html = await failure({}, t.url);
    expect(html.code).toBe('invalid_response');
    expect(html.message).toMatch(/does not answer like a SCIM service/u);
    t.faults.clear();
    t.faults.add({ kind: 'respond', rate: 1, status: 200, body: '{"users":[]}' });
    expect((await failure({}, t.url)).message).toMatch(/does not answer like a SCIM service.*ListResponse/u);
    t.faults.clear();
    const wrongPath = await failure({ usersPath: '/Accounts' }, t.url);
    expect(wrongPath.code).toBe('not_found');
    expect(wrongPath.message).toMatch(/not a SCIM Users endpoint. Check baseUrl and usersPath/u);
  });

  it('filter unsupported: a refused filter, and a filter that is ignored', async () => {
    const t = await target({ profile: { filterAttributes: ['externalid'] } });
    const refused = await failure({}, t.url);
    expect(refused.code).toBe('schema_violation');
    expect(refused.message).toMatch(/does not support filtering by userName/u);
    expect(refused.detail).toMatch(/invalidFilter/u);
    const ignoring = await target();
    ignoring.faults.add({
      kind: 'respond',
      rate: 1,
      status: 200,
      body: JSON.stringify({ totalResults: 1, Resources: [{ id: 'u1', userName: 'someone' }] }),
    });
    const ignored = await failure({}, ignoring.url);
    expect(ignored.code).toBe('schema_violation');
    expect(ignored.message).toMatch(/ignores filters on userName/u);
  });
});

const certs = makeTestCertificates();
describe.skipIf(certs === undefined)('TLS (skipped without the openssl command)', () => {
  it('an untrusted certificate: says the TLS handshake failed and how to trust it', async () => {
    const t = await target({ tls: { key: certs!.selfSignedKey, cert: certs!.selfSignedCert } });
    const error = await failure({}, t.url);
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(
      /^The TLS handshake with https:\/\/127\.0\.0\.1:\d+\/scim\/v2\/Users failed \(DEPTH_ZERO_SELF_SIGNED_CERT\).*tls\.ca/u,
    );
    const c = scimConnectorFor(t.url, { tls: { rejectUnauthorized: false } });
    await c.testConnection(signal());
    await c.close!();
  });

  it('a private CA given as PEM text or as a file path relative to the app file', async () => {
    const t = await target({ tls: { key: certs!.serverKey, cert: certs!.serverCert } });
    const byText = scimConnectorFor(t.url, { tls: { ca: certs!.caCert } });
    await byText.testConnection(signal());
    await byText.close!();
    const registry = new ConnectorRegistry().register(scimConnector);
    const byFile = await registry.open(
      { kind: 'scim', settings: { baseUrl: t.url, tls: { ca: './ca.pem' } } },
      { appFile: join(certs!.dir, 'app.yaml'), credentials: { token: 'target-token' } },
    );
    await byFile.testConnection(signal());
    await byFile.close!();
  });

  it('a client certificate for a target that requires one', async () => {
    const t = await target({
      tls: { key: certs!.serverKey, cert: certs!.serverCert, ca: certs!.caCert, requestCert: true },
    });
    const without = await failure({ tls: { ca: certs!.caCert } }, t.url);
    expect(without.code).toBe('unavailable');
    const c = scimConnectorFor(t.url, {
      tls: { ca: certs!.caCert, cert: certs!.clientCert, key: certs!.clientKey },
    });
    await c.testConnection(signal());
    await c.create({ objectType: 'User', attributes: { userName: 'mtls@example.com' } }, signal());
    expect(t.resources('User')).toHaveLength(1);
    await c.close!();
  });
});
