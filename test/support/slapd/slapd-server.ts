/**
 * A real OpenLDAP slapd for tests: started on free loopback ports with a throw-away mdb database
 * in a temp directory (schemas core, cosine, inetorgperson, nis and the ppolicy overlay), seeded
 * with `ou=people`, `ou=groups`, a default password policy and a read-only account, and stopped
 * afterwards. The binary comes from PROVISIO_TEST_SLAPD (set by .ci/run); without it the LDAP tests
 * skip and say why. One server per test file keeps start-up to well under a second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { freePort } from '../free-port.js';
import { makeTestCertificates, type TestCertificates } from './test-certificates.js';

/** The slapd binary the tests may start, or undefined when they must skip. */
export function slapdBinary(): string | undefined {
  const binary = process.env.PROVISIO_TEST_SLAPD;
  return binary !== undefined && binary !== '' && existsSync(binary) ? binary : undefined;
}

/** Why the LDAP tests skip on this machine, or undefined when they run. */
export function slapdSkipReason(): string | undefined {
  const binary = process.env.PROVISIO_TEST_SLAPD;
  if (binary === undefined || binary === '')
    return 'PROVISIO_TEST_SLAPD is not set (point it at /usr/sbin/slapd; .ci/run does)';
  if (!existsSync(binary)) return `PROVISIO_TEST_SLAPD names ${binary}, which does not exist`;
  return undefined;
}

/** A running test server. */
export interface SlapdServer {
  /** `ldap://127.0.0.1:<port>`; StartTLS works on it when started with `tls`. */
  url: string;
  /** `ldaps://127.0.0.1:<port>` when started with `tls`. */
  ldapsUrl?: string;
  /** The generated CA, when started with `tls`. */
  certificates?: TestCertificates;
  port: number;
  baseDn: string;
  peopleDn: string;
  groupsDn: string;
  /** The rootdn and its password: full write access. */
  adminDn: string;
  adminPassword: string;
  /** An account that may read everything and write nothing. */
  readerDn: string;
  readerPassword: string;
  /** A client bound as the admin, for tests that check entries directly. */
  admin(): Promise<Client>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

export interface StartSlapdOptions {
  /** Also listen on ldaps:// and offer StartTLS, with a CA generated for this server. */
  tls?: boolean;
  /** The suffix; default `dc=example,dc=test`. */
  baseDn?: string;
}

const SCHEMAS = ['core', 'cosine', 'inetorgperson', 'nis'];

/** Starts a slapd; the caller must have checked `slapdBinary()`. */
export async function startSlapd(options: StartSlapdOptions = {}): Promise<SlapdServer> {
  const binary = slapdBinary();
  if (binary === undefined) throw new Error(slapdSkipReason());
  const directory = mkdtempSync(join(tmpdir(), 'provisio-slapd-'));
  const baseDn = options.baseDn ?? 'dc=example,dc=test';
  const adminDn = `cn=admin,${baseDn}`;
  const adminPassword = 'admin-secret';
  const readerDn = `cn=reader,${baseDn}`;
  const readerPassword = 'reader-secret';
  mkdirSync(join(directory, 'db'));
  const certificates = options.tls ? makeTestCertificates(directory) : undefined;

  const config = [
    ...SCHEMAS.map((name) => `include /etc/ldap/schema/${name}.schema`),
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    // OpenLDAP 2.5 builds the ppolicy schema into the overlay module: there is no ppolicy.schema.
    'moduleload ppolicy',
    `pidfile ${join(directory, 'slapd.pid')}`,
    `argsfile ${join(directory, 'slapd.args')}`,
    ...(certificates
      ? [
          `TLSCACertificateFile ${certificates.caFile}`,
          `TLSCertificateFile ${certificates.certFile}`,
          `TLSCertificateKeyFile ${certificates.keyFile}`,
        ]
      : []),
    'database mdb',
    'maxsize 1073741824',
    // A throw-away database: no fsync per write, so tests and benchmarks measure LDAP, not the disk.
    'dbnosync',
    `suffix "${baseDn}"`,
    `rootdn "${adminDn}"`,
    `rootpw ${adminPassword}`,
    `directory ${join(directory, 'db')}`,
    'index objectClass,entryUUID,uid,cn,mail,memberUid eq',
    'index member,uniqueMember eq',
    'overlay ppolicy',
    `ppolicy_default "cn=default,ou=policies,${baseDn}"`,
    'access to attrs=userPassword by self write by anonymous auth by * none',
    'access to * by * read',
    '',
  ].join('\n');
  const configFile = join(directory, 'slapd.conf');
  writeFileSync(configFile, config);

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const tlsPort = certificates ? await freePort() : undefined;
    const urls = [`ldap://127.0.0.1:${port}/`, ...(tlsPort ? [`ldaps://127.0.0.1:${tlsPort}/`] : [])];
    // -d 0 keeps slapd in the foreground (so it dies with the test run) without debug output.
    const child = spawn(binary, ['-f', configFile, '-h', urls.join(' '), '-d', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = `ldap://127.0.0.1:${port}`;
    const up = await waitUntilAnswering(url, child);
    if (!up) {
      child.kill('SIGKILL');
      if (attempt < 3 && /bind|address already in use/i.test(stderr)) continue;
      rmSync(directory, { recursive: true, force: true });
      throw new Error(`slapd did not start:\n${stderr}`);
    }
    const server: SlapdServer = {
      url,
      port,
      baseDn,
      peopleDn: `ou=people,${baseDn}`,
      groupsDn: `ou=groups,${baseDn}`,
      adminDn,
      adminPassword,
      readerDn,
      readerPassword,
      async admin() {
        const client = new Client({ url, timeout: 10_000 });
        await client.bind(adminDn, adminPassword);
        return client;
      },
      async stop() {
        await stopChild(child);
        rmSync(directory, { recursive: true, force: true });
      },
    };
    if (tlsPort !== undefined) server.ldapsUrl = `ldaps://127.0.0.1:${tlsPort}`;
    if (certificates) server.certificates = certificates;
    await seed(server);
    return server;
  }
}

async function seed(server: SlapdServer) {
  const client = await server.admin();
  try {
    const dc = /^dc=([^,]+)/.exec(server.baseDn)?.[1] ?? 'example';
    await client.add(server.baseDn, { objectClass: ['dcObject', 'organization'], dc, o: 'Provisio tests' });
    for (const ou of ['people', 'groups', 'policies']) {
      await client.add(`ou=${ou},${server.baseDn}`, { objectClass: 'organizationalUnit', ou });
    }
    await client.add(`cn=default,ou=policies,${server.baseDn}`, {
      objectClass: ['organizationalRole', 'pwdPolicy'],
      cn: 'default',
      pwdAttribute: 'userPassword',
      // Locking (pwdAccountLockedTime) is enforced at bind only when the policy has lockout on.
      pwdLockout: 'TRUE',
    });
    await client.add(server.readerDn, {
      objectClass: ['organizationalRole', 'simpleSecurityObject'],
      cn: 'reader',
      userPassword: server.readerPassword,
    });
  } finally {
    await client.unbind();
  }
}

async function waitUntilAnswering(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const client = new Client({ url, connectTimeout: 500, timeout: 1000 });
    try {
      await client.search('', { scope: 'base', attributes: ['namingContexts'] });
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
  return false;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
