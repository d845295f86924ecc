/**
 * The SOAP connector end to end: examples/soap/app.yaml applied as it is (`apps apply`, its
 * `${SOAP_*}` variables from the environment), users and groups in the directory, `provisio sync`
 * into the tests' SOAP directory service, and the service's store read back: creates with every
 * mapped field, group members as the service's user ids, an update, a disable, a delete, an
 * account the service already held matched instead of created, and a Server fault retried; over
 * SOAP 1.1 and SOAP 1.2 document/literal, rpc/encoded and rpc/literal. Without the groups'
 * setEnabled, users are still disabled and a group is deleted.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import { runCli } from '../support/run-cli.js';
import { withProvisio } from '../support/with-provisio.js';
import { parse, stringify } from 'yaml';
import {
  EXAMPLE_CREDENTIALS,
  exampleEnv,
  rpcSettings,
  SOAP_EXAMPLE,
} from '../support/soap-target/soap-example.js';
import { startSoapTarget, type SoapProtocol, type SoapTarget } from '../support/soap-target/soap-target.js';

let dataDir: string;
let target: SoapTarget;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'provisio-soap-e2e-'));
});
afterEach(async () => {
  for (const name of Object.keys(exampleEnv(''))) delete process.env[name];
  await target.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startTarget(protocol: SoapProtocol = 'soap11') {
  target = await startSoapTarget({ wsSecurity: EXAMPLE_CREDENTIALS, protocol });
  Object.assign(process.env, exampleEnv(target.wsdlUrl));
}

/**
 * The app file for a protocol: the example as it is for SOAP 1.1 and 1.2 (the version is read
 * from the WSDL), and for rpc/encoded the example with rpc's answer paths and member arguments.
 */
function exampleFor(protocol: SoapProtocol): string {
  if (protocol !== 'rpc' && protocol !== 'rpc12' && protocol !== 'rpcLiteral') return SOAP_EXAMPLE;
  const app = parse(readFileSync(SOAP_EXAMPLE, 'utf8')) as {
    connector: { settings: Record<string, unknown> };
  };
  rpcSettings(app.connector.settings);
  const file = join(dataDir, 'rpc.yaml');
  writeFileSync(file, stringify(app));
  return file;
}

const withDirectory = <T>(work: (d: ProvisioDatabase) => Promise<T>) => withProvisio({ dataDir }, work);

async function apply(file: string) {
  const applied = await runCli('apps', 'apply', '-f', file, '--data-dir', dataDir);
  expect(applied.code, applied.stderr).toBe(0);
  return applied;
}

async function sync(app: string) {
  const r = await runCli('sync', app, '--json', '--data-dir', dataDir);
  expect(r.stderr).toBe('');
  return { code: r.code, report: JSON.parse(r.stdout) as { summary: Record<string, number> } };
}

function userNamed(userName: string) {
  return [...target.users.values()].find((user) => user.userName === userName);
}

describe('soap connector through the engine', () => {
  it.each([
    ['SOAP 1.1 document/literal', 'soap11'],
    ['SOAP 1.2 document/literal', 'soap12'],
    ['rpc/encoded', 'rpc'],
    ['SOAP 1.2 rpc/encoded', 'rpc12'],
    ['rpc/literal', 'rpcLiteral'],
  ] as const)(
    'runs the shipped example over %s: users, groups and memberships, an update, a disable, brownfield matching and a retried fault',
    async (_, protocol) => {
      await startTarget(protocol);
      // The service already holds Ada (created by hand before Provisio): she is matched by userName.
      target.users.set('U-LEGACY', { id: 'U-LEGACY', userName: 'ada@example.com', active: true });
      const applied = await apply(exampleFor(protocol));
      expect(applied.stdout + applied.stderr).not.toContain(EXAMPLE_CREDENTIALS.password);
      const ids = await withDirectory(async (d) => {
        const ada = await d.directory.create('User', {
          userName: 'ada@example.com',
          displayName: 'Ada Lovelace',
          name: { givenName: 'Ada', familyName: 'Lovelace' },
          emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
          active: true,
        });
        const bob = await d.directory.create('User', {
          userName: 'bob@example.com',
          displayName: 'Bob <Builder> & Sons',
          name: { givenName: 'Bob', familyName: 'Builder' },
          active: true,
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D' },
        });
        const group = await d.directory.create('Group', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: 'Engineers',
          members: [
            { value: ada.id, type: 'User' },
            { value: bob.id, type: 'User' },
          ],
        });
        return { ada: ada.id, bob: bob.id, group: group.id };
      });
      // The first CreateUser meets a Server fault: retryable, so the engine sends it again.
      target.failNext('CreateUser', { kind: 'server', message: 'Busy, try again' });

      const first = await sync('soap-directory');
      expect(first.code).toBe(0);
      expect(first.report.summary).toMatchObject({ create: 2, failure: 0 });
      expect(target.calls.get('CreateUser')).toBe(2); // Bob: the faulted call and its retry
      expect(target.users.size).toBe(2);
      expect(userNamed('ada@example.com')!.id).toBe('U-LEGACY');
      const bob = userNamed('bob@example.com')!;
      expect(bob).toMatchObject({
        displayName: 'Bob <Builder> & Sons',
        givenName: 'Bob',
        familyName: 'Builder',
        department: 'R&D',
        active: true,
      });
      const [group] = [...target.groups.values()];
      expect(group).toMatchObject({ displayName: 'Engineers', active: true });
      expect([...group!.memberIds].sort()).toEqual(['U-LEGACY', bob.id].sort());
      // Every request carried the WS-Security token; the password only there, as the service requires.
      expect(target.requests.every((body) => body.includes('wsse:UsernameToken'))).toBe(true);
      // In the protocol's own envelope and style.
      const envelope =
        protocol === 'soap12' || protocol === 'rpc12'
          ? 'http://www.w3.org/2003/05/soap-envelope'
          : 'http://schemas.xmlsoap.org/soap/envelope/';
      expect(target.requests.every((body) => body.includes(envelope))).toBe(true);
      if (protocol === 'rpc' || protocol === 'rpc12') {
        // Encoded as the WSDL says: SOAP 1.1 encoding, or over SOAP 1.2 its own encoding.
        const style =
          protocol === 'rpc'
            ? 'http://schemas.xmlsoap.org/soap/encoding/'
            : 'http://www.w3.org/2003/05/soap-encoding';
        expect(target.requests.every((body) => body.includes(`encodingStyle="${style}"`))).toBe(true);
        // Every value typed as the WSDL declares it (the service refuses an untyped one), the
        // member ids as the WSDL's array type, the matching find's attribute as its enumeration.
        const bodies = target.requests.join('\n');
        expect(bodies).toContain('<userName xsi:type="xsd:string">bob@example.com</userName>');
        expect(bodies).toContain('<active xsi:type="xsd:boolean">true</active>');
        expect(bodies).toContain('<attribute xsi:type="tns:AttributeName">userName</attribute>');
        expect(bodies).toContain(
          protocol === 'rpc'
            ? '<memberId xsi:type="soapenc:Array" soapenc:arrayType="xsd:string[2]">'
            : '<memberId enc:itemType="xsd:string" enc:arraySize="2">',
        );
      } else {
        expect(target.requests.some((body) => body.includes('encodingStyle='))).toBe(false);
        expect(target.requests.some((body) => body.includes('xsi:type='))).toBe(false);
      }

      await withDirectory(async (d) => {
        await d.directory.patch('User', ids.ada, [{ op: 'replace', path: 'displayName', value: 'Ada L.' }]);
        await d.directory.patch('User', ids.bob, [{ op: 'replace', path: 'active', value: false }]);
        await d.directory.patch('Group', ids.group, [
          { op: 'remove', path: `members[value eq "${ids.bob}"]` },
        ]);
      });
      const second = await sync('soap-directory');
      expect(second.code).toBe(0);
      expect(second.report.summary).toMatchObject({ update: 2, disable: 1, failure: 0 });
      expect(target.users.get('U-LEGACY')).toMatchObject({ displayName: 'Ada L.', active: true });
      expect(target.users.get(bob.id)!.active).toBe(false);
      expect(target.groups.get(group!.id)!.memberIds).toEqual(['U-LEGACY']);
      // The credentials are sealed at rest: the password is in no file of the data directory.
      for (const file of readdirSync(dataDir)) {
        expect(readFileSync(join(dataDir, file)).includes(EXAMPLE_CREDENTIALS.password), file).toBe(false);
      }
    },
  );

  it('a service whose groups cannot be disabled: an inactive user is disabled, a deleted group deleted', async () => {
    await startTarget();
    const groupSetEnabled =
      "        setEnabled: { operation: SetGroupActive, arguments: { id: '{{id}}', active: '{{enabled}}' } }\n";
    const example = readFileSync(SOAP_EXAMPLE, 'utf8');
    expect(example).toContain(groupSetEnabled);
    const file = join(dataDir, 'groups-not-disabled.yaml');
    writeFileSync(
      file,
      example.replace('name: soap-directory', 'name: soap-groups').replace(groupSetEnabled, ''),
    );
    await apply(file);
    const ids = await withDirectory(async (d) => {
      const zoe = await d.directory.create('User', { userName: 'zoe@example.com', active: true });
      const group = await d.directory.create('Group', {
        displayName: 'Night shift',
        members: [{ value: zoe.id, type: 'User' }],
      });
      return { zoe: zoe.id, group: group.id };
    });
    expect((await sync('soap-groups')).report.summary).toMatchObject({ create: 2, failure: 0 });
    expect(target.groups.size).toBe(1);

    await withDirectory(async (d) => {
      await d.directory.patch('User', ids.zoe, [{ op: 'replace', path: 'active', value: false }]);
      await d.directory.delete('Group', ids.group);
    });
    const after = await sync('soap-groups');
    expect(after.report.summary).toMatchObject({ disable: 1, delete: 1, failure: 0 });
    expect(userNamed('zoe@example.com')!.active).toBe(false);
    expect(target.groups.size).toBe(0);
  });

  it('deletes accounts when the app deprovisions by deletion', async () => {
    await startTarget();
    const text = readFileSync(SOAP_EXAMPLE, 'utf8')
      .replace('name: soap-directory', 'name: soap-deleting')
      .replace('deprovisionAction: disable', 'deprovisionAction: delete');
    const file = join(dataDir, 'deleting.yaml');
    writeFileSync(file, text);
    await apply(file);
    const zoe = await withDirectory((d) =>
      d.directory.create('User', { userName: 'zoe@example.com', displayName: 'Zoe', active: true }),
    );
    expect((await sync('soap-deleting')).report.summary).toMatchObject({ create: 1, failure: 0 });
    expect(userNamed('zoe@example.com')).toBeDefined();
    await withDirectory((d) => d.directory.delete('User', zoe.id));
    const after = await sync('soap-deleting');
    expect(after.report.summary).toMatchObject({ delete: 1, failure: 0 });
    expect(userNamed('zoe@example.com')).toBeUndefined();
  });
});
