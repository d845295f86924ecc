/**
 * The LDAP connector's connections against a real slapd with TLS: ldaps:// and StartTLS with a CA
 * generated for the test, refusal of an untrusted certificate, operation timeouts, reconnecting
 * after the connection is dropped, and listing more entries than one server page holds.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LdapSettings } from '../../src/connectors/ldap/index.js';
import type { Connector } from '../../src/connectors/spi/index.js';
import { signal, slapdSettings, withLdapConnector } from '../support/slapd/ldap-test-connector.js';
import { makeTestCertificates } from '../support/slapd/test-certificates.js';
import { startTcpProxy, type TcpProxy } from '../support/slapd/tcp-proxy.js';
import { slapdSkip, slapdTitle, useSlapd } from '../support/slapd/slapd-suite.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const slapd = useSlapd({ tls: true });

function withConnector<T>(settings: LdapSettings, run: (c: Connector) => Promise<T>): Promise<T> {
  return withLdapConnector(slapd.current(), settings, run);
}

const person = (uid: string) => ({ objectType: 'User' as const, attributes: { uid, cn: uid, sn: 'Conn' } });

describe.skipIf(slapdSkip !== undefined)(slapdTitle('LDAP connections (real slapd with TLS)'), () => {
  it('works over ldaps:// trusting the generated CA given as text', async () => {
    const server = slapd.current();
    await withConnector(
      slapdSettings(server, { url: server.ldapsUrl!, tls: { ca: server.certificates!.caPem } }),
      async (c) => {
        await c.testConnection(signal());
        const created = await c.create(person('tls-user'), signal());
        expect((await c.get!({ objectType: 'User', ref: created }, signal())).attributes.uid).toBe(
          'tls-user',
        );
      },
    );
  });

  it('works over ldap:// upgraded with StartTLS, the CA read from a file', async () => {
    const server = slapd.current();
    await withConnector(
      slapdSettings(server, {
        url: server.url,
        startTls: true,
        tls: { caFile: server.certificates!.caFile },
      }),
      async (c) => {
        await c.testConnection(signal());
        const created = await c.create(person('starttls-user'), signal());
        const [found] = await c.find!(
          { objectType: 'User', attribute: 'uid', value: 'starttls-user' },
          signal(),
        );
        expect(found?.id).toBe(created.id);
      },
    );
  });

  it('refuses a certificate from a CA it does not trust, over ldaps:// and StartTLS', async () => {
    const server = slapd.current();
    const stranger = makeTestCertificates(mkdtempSync(join(tmpdir(), 'provisio-other-ca-')));
    for (const settings of [
      slapdSettings(server, { url: server.ldapsUrl!, tls: { ca: stranger.caPem } }),
      slapdSettings(server, { url: server.url, startTls: true, tls: { ca: stranger.caPem } }),
      slapdSettings(server, { url: server.ldapsUrl! }),
    ]) {
      await withConnector(settings, async (c) => {
        const error = await c.testConnection(signal()).catch((e: unknown) => e);
        expect(error, settings.url).toMatchObject({ code: 'unavailable' });
      });
    }
  });

  it('refuses a certificate that does not name the host, unless tls.serverName says which name to expect', async () => {
    const server = slapd.current();
    // The certificate names 127.0.0.1 and localhost; asking for another name must fail.
    await withConnector(
      slapdSettings(server, {
        url: server.ldapsUrl!,
        tls: { ca: server.certificates!.caPem, serverName: 'ldap.example.test' },
      }),
      async (c) => {
        await expect(c.testConnection(signal())).rejects.toMatchObject({ code: 'unavailable' });
      },
    );
    await withConnector(
      slapdSettings(server, {
        url: server.ldapsUrl!,
        tls: { ca: server.certificates!.caPem, serverName: 'localhost' },
      }),
      (c) => c.testConnection(signal()),
    );
  });

  describe('through a relay that can drop connections', () => {
    let proxy: TcpProxy;
    beforeAll(async () => {
      proxy = await startTcpProxy(slapd.current().port);
    });
    afterAll(() => proxy.close());

    it('reconnects (and binds again) after the server side drops every connection', async () => {
      const server = slapd.current();
      await withConnector(
        slapdSettings(server, { url: `ldap://127.0.0.1:${proxy.port}`, poolSize: 1 }),
        async (c) => {
          const created = await c.create(person('reconnect-user'), signal());
          const before = proxy.accepted();
          proxy.dropAll();
          await new Promise((resolve) => setTimeout(resolve, 50));
          // Reads and writes after the drop run on a fresh, bound connection.
          expect((await c.get!({ objectType: 'User', ref: created }, signal())).id).toBe(created.id);
          await c.update!(
            {
              objectType: 'User',
              ref: created,
              changes: [{ attribute: 'title', oldValue: null, newValue: 'Back' }],
            },
            signal(),
          );
          expect((await c.get!({ objectType: 'User', ref: created }, signal())).attributes.title).toBe(
            'Back',
          );
          expect(proxy.accepted()).toBe(before + 1);
          // Without TLS the bind is in the clear: what the StartTLS case below must never show.
          expect(proxy.sent().includes(Buffer.from(server.adminPassword))).toBe(true);
        },
      );
    });

    it('reconnects a StartTLS connection with StartTLS again, never in the clear', async () => {
      const server = slapd.current();
      const from = proxy.sent().length;
      const sent = () => proxy.sent().subarray(from);
      await withConnector(
        slapdSettings(server, {
          url: `ldap://127.0.0.1:${proxy.port}`,
          startTls: true,
          tls: { ca: server.certificates!.caPem },
          poolSize: 1,
        }),
        async (c) => {
          const created = await c.create(person('reconnect-tls-user'), signal());
          proxy.dropAll();
          await new Promise((resolve) => setTimeout(resolve, 50));
          expect((await c.get!({ objectType: 'User', ref: created }, signal())).attributes.uid).toBe(
            'reconnect-tls-user',
          );
          // Both binds, the first and the one after the drop, went inside TLS.
          expect(proxy.accepted()).toBeGreaterThanOrEqual(2);
          expect(sent().includes(Buffer.from(server.adminPassword))).toBe(false);
          expect(sent().includes(Buffer.from('reconnect-tls-user'))).toBe(false);
        },
      );
    });
  });

  it('gives up on a server that does not answer within the operation timeout', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const server = slapd.current();
      await withConnector(
        slapdSettings(server, { url: `ldap://127.0.0.1:${port}`, timeouts: { operationMs: 300 } }),
        async (c) => {
          const started = Date.now();
          await expect(c.testConnection(signal())).rejects.toMatchObject({ code: 'timeout' });
          expect(Date.now() - started).toBeLessThan(5000);
        },
      );
    } finally {
      silent.close();
    }
  });

  it('reports a refused connection as unavailable', async () => {
    const server = slapd.current();
    await withConnector(slapdSettings(server, { url: 'ldap://127.0.0.1:1' }), async (c) => {
      await expect(c.testConnection(signal())).rejects.toMatchObject({
        code: 'unavailable',
        retryable: true,
      });
    });
  });

  it('lists more entries than a server page holds, each exactly once, also when the walk resumes elsewhere', async () => {
    const server = slapd.current();
    const container = `ou=paging,${server.baseDn}`;
    const admin = await server.admin();
    await admin.add(container, { objectClass: 'organizationalUnit', ou: 'paging' });
    const expected: string[] = [];
    for (let i = 0; i < 130; i++) {
      await admin.add(`uid=page${i},${container}`, {
        objectClass: 'inetOrgPerson',
        uid: `page${i}`,
        cn: `p${i}`,
        sn: 'P',
      });
      expected.push(`page${i}`);
    }
    await admin.unbind();
    const settings = slapdSettings(server, { maxPageSize: 50, users: { container, searchBase: container } });
    const seen: string[] = [];
    let cursor: string | undefined;
    await withConnector(settings, async (c) => {
      for (let page = 0; page < 2; page++) {
        const result = await c.list!(
          { objectType: 'User', pageSize: 40, ...(cursor ? { cursor } : {}) },
          signal(),
        );
        expect(result.objects.length).toBeLessThanOrEqual(40);
        seen.push(...result.objects.map((o) => String(o.attributes.uid)));
        cursor = result.nextCursor;
      }
    });
    // A new connector (the paged search's connection is gone) continues from the cursor.
    await withConnector(settings, async (c) => {
      while (cursor !== undefined) {
        const result = await c.list!({ objectType: 'User', pageSize: 40, cursor }, signal());
        expect(result.objects.length).toBeLessThanOrEqual(40);
        seen.push(...result.objects.map((o) => String(o.attributes.uid)));
        cursor = result.nextCursor;
      }
      const big = await c.list!({ objectType: 'User', pageSize: 1000 }, signal());
      expect(big.objects.length).toBe(50);
    });
    expect(seen.sort()).toEqual(expected.sort());
  });
});
