/**
 * The SOAP connector against the tests' SOAP directory service, on what the contract kit does not
 * cover: test connection naming a missing operation, faults onto the taxonomy (Server, Client with
 * a code, the app's own list, WS-Security refusals), an answer that never comes, one that is not
 * SOAP, basic auth, the concurrency limit, and credentials kept out of every error.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { soapConnectorDefinition } from '../../src/connectors/soap/index.js';
import {
  ConnectorRegistry,
  capabilitiesFor,
  type Connector,
  type ConnectorError,
} from '../../src/connectors/spi/index.js';
import {
  EXAMPLE_CREDENTIALS,
  exampleApp,
  exampleEnv,
  openExampleConnector,
  rpcSettings,
  SOAP_EXAMPLE,
} from '../support/soap-target/soap-example.js';
import { startSoapTarget } from '../support/soap-target/soap-target.js';

const target = await startSoapTarget({ wsSecurity: EXAMPLE_CREDENTIALS });
const env = exampleEnv(target.wsdlUrl);
afterAll(() => target.close());

const signal = () => AbortSignal.timeout(10_000);
type Settings = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function failure(work: Promise<unknown>): Promise<ConnectorError> {
  const outcome = await work.then(
    () => undefined,
    (error: unknown) => error as ConnectorError,
  );
  if (outcome === undefined) throw new Error('expected the operation to fail');
  return outcome;
}

async function withConnector<T>(work: (c: Connector) => Promise<T>, edit?: (s: Settings) => Settings) {
  const connector = await openExampleConnector(env, edit);
  try {
    return await work(connector);
  } finally {
    await connector.close?.();
  }
}

function open(settings: Settings, credentials: unknown) {
  return new ConnectorRegistry()
    .register(soapConnectorDefinition)
    .open({ kind: 'soap', settings }, { appFile: SOAP_EXAMPLE, credentials });
}

describe('test connection', () => {
  it('reads the WSDL and names an operation it does not have, with the setting and the nearest name', async () => {
    await withConnector(
      async (c) => {
        const error = await failure(c.testConnection(signal()));
        expect(error.code).toBe('invalid_response');
        expect(error.message).toContain(
          'has no operation FindUser (settings.objects.User.find.operation); did you mean FindUsers?',
        );
        expect(error.message).toContain('It has: AddMembers, CreateGroup, CreateUser');
      },
      (s) => ({
        ...s,
        objects: {
          ...s.objects,
          User: { ...s.objects.User, find: { ...s.objects.User.find, operation: 'FindUser' } },
        },
      }),
    );
  });

  it('passes with the example as it is, and reports a refused WS-Security token as invalid credentials', async () => {
    await withConnector((c) => c.testConnection(signal()));
    const { connector } = exampleApp(env);
    const wrong = await open(connector.settings, {
      wsSecurity: { username: 'provisio', password: 'not-the-password' },
    });
    const error = await failure(wrong.testConnection(signal()));
    expect(error.code).toBe('invalid_credentials');
    expect(error.message).toContain('wsse:FailedAuthentication');
    expect(JSON.stringify(error.toJSON())).not.toContain('not-the-password');
  });

  it('sends the WS-Security password as a digest when settings.wsSecurity says so, never as text', async () => {
    await withConnector(
      async (c) => {
        await c.testConnection(signal());
        const created = await c.create(
          { objectType: 'User', attributes: { userName: 'digest@example.com' } },
          signal(),
        );
        expect(target.users.get(created.id)?.userName).toBe('digest@example.com');
        expect(target.requests.at(-1)).toContain('#PasswordDigest');
        expect(target.requests.at(-1)).not.toContain(EXAMPLE_CREDENTIALS.password);
      },
      (s) => ({ ...s, wsSecurity: { passwordType: 'PasswordDigest', timestamp: false } }),
    );
  });

  it('reports a WSDL that cannot be reached as unavailable', async () => {
    const { connector } = exampleApp(exampleEnv('http://127.0.0.1:9/directory?wsdl'));
    const c = await open(connector.settings, connector.credentials);
    expect((await failure(c.testConnection(signal()))).code).toBe('unavailable');
  });
});

describe('faults onto the taxonomy', () => {
  it('a Server fault is unavailable (retryable); Client faults by the app list, the standard codes and the message', async () => {
    await withConnector(async (c) => {
      target.failNext('GetUser', { kind: 'server', message: 'database down' });
      const server = await failure(c.get!({ objectType: 'User', ref: { id: 'U-1' } }, signal()));
      expect(server).toMatchObject({ code: 'unavailable', retryable: true, targetCode: 'soap:Server' });
      expect(server.message).toContain('database down');

      // UserExists is in the example's list as already_exists.
      await c.create({ objectType: 'User', attributes: { userName: 'dup@example.com' } }, signal());
      const dup = await failure(
        c.create({ objectType: 'User', attributes: { userName: 'DUP@example.com' } }, signal()),
      );
      expect(dup).toMatchObject({ code: 'already_exists', retryable: false, targetCode: 'tns:UserExists' });

      // Busy is mapped to throttled; a code no rule names is the service refusing the request.
      target.failNext('GetUser', { kind: 'client', code: 'Busy' });
      expect((await failure(c.get!({ objectType: 'User', ref: { id: 'x' } }, signal()))).code).toBe(
        'throttled',
      );
      target.failNext('GetUser', { kind: 'client', code: 'Unheard' });
      expect((await failure(c.get!({ objectType: 'User', ref: { id: 'x' } }, signal()))).code).toBe(
        'schema_violation',
      );
      // A missing object: the fault (NoSuchObject -> not_found) or an empty answer.
      expect((await failure(c.delete!({ objectType: 'User', ref: { id: 'U-404' } }, signal()))).code).toBe(
        'not_found',
      );
      expect((await failure(c.get!({ objectType: 'User', ref: { id: 'U-404' } }, signal()))).code).toBe(
        'not_found',
      );
    });
  });

  it('a rule may require words in the fault string', async () => {
    await withConnector(
      async (c) => {
        target.failNext('GetUser', { kind: 'client', code: 'Refused', message: 'Quota exceeded for today' });
        expect((await failure(c.get!({ objectType: 'User', ref: { id: 'x' } }, signal()))).code).toBe(
          'throttled',
        );
        target.failNext('GetUser', { kind: 'client', code: 'Refused', message: 'Not allowed' });
        expect((await failure(c.get!({ objectType: 'User', ref: { id: 'x' } }, signal()))).code).toBe(
          'permission_denied',
        );
      },
      (s) => ({
        ...s,
        faults: [
          { code: 'tns:Refused', messageContains: 'quota', error: 'throttled' },
          { code: 'Refused', error: 'permission_denied' },
        ],
      }),
    );
  });

  it('an answer that never comes is a timeout after timeouts.requestMs; one that is not SOAP is invalid_response', async () => {
    await withConnector(
      async (c) => {
        target.failNext('GetUser', { kind: 'hang' });
        const started = performance.now();
        const hung = await failure(c.get!({ objectType: 'User', ref: { id: 'x' } }, signal()));
        expect(hung).toMatchObject({ code: 'timeout', retryable: true });
        expect(hung.message).toContain('timeouts.requestMs');
        expect(performance.now() - started).toBeLessThan(3_000);

        target.failNext('ListUsers', { kind: 'malformed' });
        const broken = await failure(c.list!({ objectType: 'User', pageSize: 10 }, signal()));
        expect(broken).toMatchObject({ code: 'invalid_response', retryable: false });
      },
      (s) => ({ ...s, timeouts: { requestMs: 400, wsdlMs: 5_000 } }),
    );
  });

  it('never puts the password in an error, even when the service echoes it', async () => {
    await withConnector(async (c) => {
      target.failNext('GetUser', {
        kind: 'client',
        code: 'Odd',
        message: `token ${EXAMPLE_CREDENTIALS.password} refused`,
      });
      const error = await failure(c.get!({ objectType: 'User', ref: { id: 'x' } }, signal()));
      const everything = `${error.message} ${JSON.stringify(error.toJSON())} ${String(error.cause ?? '')}`;
      expect(everything).not.toContain(EXAMPLE_CREDENTIALS.password);
      expect(error.message).toContain('[redacted]');
    });
  });
});

describe('transport', () => {
  it('sends basic auth with the WSDL read and every call; a wrong password is invalid credentials', async () => {
    const basic = await startSoapTarget({ basic: { username: 'svc', password: 'basic-secret-9' } });
    try {
      const { connector } = exampleApp(exampleEnv(basic.wsdlUrl));
      const good = await open(connector.settings, { basic: { username: 'svc', password: 'basic-secret-9' } });
      await good.testConnection(signal());
      const created = await good.create(
        { objectType: 'User', attributes: { userName: 'b@example.com' } },
        signal(),
      );
      expect(basic.users.get(created.id)?.userName).toBe('b@example.com');
      const bad = await open(connector.settings, { basic: { username: 'svc', password: 'wrong-password' } });
      const error = await failure(bad.testConnection(signal()));
      expect(error).toMatchObject({ code: 'invalid_credentials', targetCode: 401 });
      expect(JSON.stringify(error.toJSON())).not.toContain(
        Buffer.from('svc:wrong-password').toString('base64'),
      );
    } finally {
      await basic.close();
    }
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    const busy = await startSoapTarget({ wsSecurity: EXAMPLE_CREDENTIALS });
    try {
      const c = await openExampleConnector(exampleEnv(busy.wsdlUrl), (s) => ({ ...s, concurrency: 2 }));
      await c.testConnection(signal());
      busy.failNext('GetUser', { kind: 'delay', ms: 150 }, 6);
      const gets = Array.from({ length: 6 }, () =>
        failure(c.get!({ objectType: 'User', ref: { id: 'none' } }, signal())),
      );
      expect((await Promise.all(gets)).map((e) => e.code)).toEqual(Array(6).fill('not_found'));
      expect(busy.maxInFlight()).toBe(2);
      await c.close?.();
    } finally {
      await busy.close();
    }
  });

  it('pages a list by the answer’s cursor', async () => {
    const paged = await startSoapTarget({ wsSecurity: EXAMPLE_CREDENTIALS, maxPageSize: 2 });
    try {
      const c = await openExampleConnector(exampleEnv(paged.wsdlUrl));
      for (const n of [1, 2, 3, 4, 5]) {
        await c.create({ objectType: 'User', attributes: { userName: `p${n}@example.com` } }, signal());
      }
      const names: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await c.list!(
          { objectType: 'User', pageSize: 50, ...(cursor ? { cursor } : {}) },
          signal(),
        );
        names.push(...page.objects.map((o) => String(o.attributes.userName)));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== undefined);
      expect(pages).toBe(3);
      expect(names).toEqual([1, 2, 3, 4, 5].map((n) => `p${n}@example.com`));
      await c.close?.();
    } finally {
      await paged.close();
    }
  });
});

describe('rpc/encoded bodies', () => {
  it('type every argument value as the WSDL declares it: string, int and boolean, list items too', async () => {
    const rpc = await startSoapTarget({ wsSecurity: EXAMPLE_CREDENTIALS, protocol: 'rpc' });
    const connector = await openExampleConnector(exampleEnv(rpc.wsdlUrl), rpcSettings);
    try {
      const user = await connector.create(
        { objectType: 'User', attributes: { userName: 'typed@example.com', active: true } },
        signal(),
      );
      const group = await connector.create(
        { objectType: 'Group', attributes: { displayName: 'Typed' } },
        signal(),
      );
      await connector.addMembers!({ group: { id: group.id }, members: [{ id: user.id }] }, signal());
      await connector.list!({ objectType: 'User', pageSize: 7 }, signal());
      const bodies = rpc.requests.join('\n');
      expect(bodies).toContain('<userName xsi:type="xsd:string">typed@example.com</userName>');
      expect(bodies).toContain('<active xsi:type="xsd:boolean">true</active>');
      expect(bodies).toContain(`<groupId xsi:type="xsd:string">${group.id}</groupId>`);
      expect(bodies).toContain(`<tns:memberId xsi:type="xsd:string">${user.id}</tns:memberId>`);
      expect(bodies).toContain('<pageSize xsi:type="xsd:int">7</pageSize>');
      // The prefix the types use is declared in the envelope.
      expect(
        rpc.requests.every((body) => body.includes('xmlns:xsd="http://www.w3.org/2001/XMLSchema"')),
      ).toBe(true);
      // The service read them as their types (it refuses an untyped value).
      expect(rpc.groups.get(group.id)?.memberIds).toEqual([user.id]);
    } finally {
      await connector.close?.();
      await rpc.close();
    }
  });

  it.each([
    [
      'SOAP 1.1 encoding: xsi:type soapenc:Array and soapenc:arrayType',
      'rpc',
      'http://schemas.xmlsoap.org/soap/encoding/',
      (n: number) => `xsi:type="soapenc:Array" soapenc:arrayType="xsd:string[${n}]"`,
      'xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"',
    ],
    [
      'SOAP 1.2 encoding: enc:itemType and enc:arraySize',
      'rpc12',
      'http://www.w3.org/2003/05/soap-encoding',
      (n: number) => `enc:itemType="xsd:string" enc:arraySize="${n}"`,
      'xmlns:enc="http://www.w3.org/2003/05/soap-encoding"',
    ],
  ] as const)(
    "sends the WSDL's array type with its items' type and count, and a custom simple type's value with its xsi:type (%s)",
    async (_, protocol, encoding, arrayAttributes, encodingNamespace) => {
      const rpc = await startSoapTarget({ wsSecurity: EXAMPLE_CREDENTIALS, protocol });
      const connector = await openExampleConnector(exampleEnv(rpc.wsdlUrl), rpcSettings);
      try {
        const ann = await connector.create(
          { objectType: 'User', attributes: { userName: 'ann@example.com' } },
          signal(),
        );
        const bob = await connector.create(
          { objectType: 'User', attributes: { userName: 'bob@example.com' } },
          signal(),
        );
        const group = await connector.create(
          { objectType: 'Group', attributes: { displayName: 'Arrays' } },
          signal(),
        );
        rpc.requests.length = 0;
        await connector.addMembers!(
          { group: { id: group.id }, members: [{ id: ann.id }, { id: bob.id }] },
          signal(),
        );
        await connector.removeMembers!({ group: { id: group.id }, members: [{ id: bob.id }] }, signal());
        const found = await connector.find!(
          { objectType: 'User', attribute: 'userName', value: 'ann@example.com' },
          signal(),
        );
        const [add, remove, find] = rpc.requests;
        // The member ids part is the WSDL's ArrayOfString: its items' type and how many.
        expect(add).toContain(
          `<memberId ${arrayAttributes(2)}><tns:memberId xsi:type="xsd:string">${ann.id}</tns:memberId><tns:memberId xsi:type="xsd:string">${bob.id}</tns:memberId></memberId>`,
        );
        expect(remove).toContain(
          `<memberId ${arrayAttributes(1)}><tns:memberId xsi:type="xsd:string">${bob.id}</tns:memberId></memberId>`,
        );
        for (const body of [add, remove]) expect(body).toContain(encodingNamespace);
        // The find's attribute is of the WSDL's enumeration AttributeName, its prefix declared.
        expect(find).toContain('<attribute xsi:type="tns:AttributeName">userName</attribute>');
        expect(find).toContain('xmlns:tns="urn:provisio:test:directory"');
        // encodingStyle as the WSDL gives it, on the operation's element (SOAP 1.2 forbids it on
        // the Body).
        for (const body of [add, remove, find]) {
          expect(body).toMatch(new RegExp(`<soap:Body><tns:\\w+ soap:encodingStyle="${encoding}">`, 'u'));
        }
        // The service read the arrays and the enumeration (it refuses an array without its type
        // and size, and a value outside AttributeName).
        expect(rpc.groups.get(group.id)?.memberIds).toEqual([ann.id]);
        expect(found.map((o) => o.id)).toEqual([ann.id]);
      } finally {
        await connector.close?.();
        await rpc.close();
      }
    },
  );
});

describe('settings', () => {
  const settings = () => exampleApp(env).connector.settings as Settings;
  const issues = async (edit: (s: Settings) => void) => {
    const s = settings();
    edit(s);
    const error = await open(s, { wsSecurity: EXAMPLE_CREDENTIALS }).then(
      () => undefined,
      (e: Error) => e,
    );
    return error?.message ?? '';
  };

  it('refuses a placeholder the operation does not offer, with its path', async () => {
    expect(
      await issues((s) => {
        s.objects.User.delete.arguments = { id: '{{id}}', why: '{{attributes.mail}}' };
      }),
    ).toMatch(/objects\.User\.delete\.arguments\.why.*\{\{attributes\.mail\}\}.*offers \{\{id\}\}/su);
    expect(
      await issues((s) => {
        s.objects.User.list.arguments.cursor = '{{curser}}';
      }),
    ).toContain('objects.User.list.arguments.cursor');
  });

  it('refuses member operations without the members path, and setEnabled without the enabled path', async () => {
    expect(
      await issues((s) => {
        delete s.objects.Group.record.members;
      }),
    ).toContain('objects.Group.record.members');
    expect(
      await issues((s) => {
        delete s.objects.User.record.enabled;
      }),
    ).toContain('objects.User.record.enabled');
    expect(
      await issues((s) => {
        s.faults.push({ code: 'X', error: 'nope' });
      }),
    ).toContain('faults.5.error');
  });

  it('declares what the types bind, and under byType where one type binds otherwise', async () => {
    const s = settings();
    delete s.objects.Group.setEnabled;
    delete s.objects.Group.list.nextCursor;
    s.objects.User.update.mode = 'replace';
    const c = await open(s, { wsSecurity: EXAMPLE_CREDENTIALS });
    expect(c.capabilities).toMatchObject({
      objectTypes: ['User', 'Group'],
      read: true,
      find: { attributes: ['userName', 'email', 'displayName'] },
      list: { paging: false, maxPageSize: 100 },
      update: { mode: 'replace' },
      delete: true,
      disable: { objectTypes: ['User'] },
      rename: false,
      batchCreate: false,
      membership: { kind: 'native' },
    });
    // Each type searches by its own attributes; users replace and page, groups send their
    // changes and come in one call.
    expect(c.capabilities.byType).toEqual({
      User: { find: { attributes: ['userName', 'email'] }, list: { paging: true, maxPageSize: 100 } },
      Group: { find: { attributes: ['displayName'] }, update: { mode: 'partial' } },
    });
    expect(c.setEnabled).toBeTypeOf('function');
  });

  it('finds users when groups bind no find, and plans groups without it', async () => {
    const s = settings();
    delete s.objects.Group.find;
    const c = await open(s, { wsSecurity: EXAMPLE_CREDENTIALS });
    expect(c.capabilities.find).toEqual({ attributes: ['userName', 'email'] });
    expect(c.capabilities.byType).toEqual({ Group: { find: false } });
    expect(capabilitiesFor(c.capabilities, 'Group').find).toBe(false);
    expect(c.find).toBeTypeOf('function');
  });
});
