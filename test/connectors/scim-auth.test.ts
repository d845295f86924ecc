/**
 * Authentication over real HTTP: a bearer token, basic, and OAuth 2.0 client credentials against
 * a local token endpoint (cached, renewed before expiry, renewed once after a 401), and no secret
 * in any error, even when the target echoes it back.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectorError } from '../../src/connectors/spi/index.js';
import {
  scimConnectorFor,
  startScimTarget,
  startTokenEndpoint,
  testSignal as signal,
  type ScimTarget,
  type TokenEndpoint,
} from '../support/scim-target/index.js';

const CLIENT_SECRET = 'client-secret-value-9f2c';
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

let n = 0;
const user = () => ({ objectType: 'User' as const, attributes: { userName: `auth-${++n}@example.com` } });

async function oauthSetup(
  lifetimeSeconds: number,
  accept = true,
): Promise<{ target: ScimTarget; tokens: TokenEndpoint }> {
  const target = await startScimTarget({ tokens: [] });
  const tokens = await startTokenEndpoint({
    clientId: 'provisio',
    clientSecret: CLIENT_SECRET,
    lifetimeSeconds,
    onIssue: (token) => {
      if (accept) target.tokens.add(token);
    },
  });
  closers.push(
    () => target.close(),
    () => tokens.close(),
  );
  return { target, tokens };
}

const oauth = (tokens: TokenEndpoint, extra: Record<string, unknown> = {}) => ({
  oauth: {
    tokenUrl: tokens.url,
    clientId: 'provisio',
    clientSecret: CLIENT_SECRET,
    scope: 'scim.write',
    ...extra,
  },
});

describe('OAuth client credentials', () => {
  it('fetches one token for concurrent requests and reuses it, sending the scope with basic client auth', async () => {
    const { target, tokens } = await oauthSetup(3600);
    const c = scimConnectorFor(target.url, {}, oauth(tokens));
    await Promise.all(Array.from({ length: 8 }, () => c.create(user(), signal())));
    await c.create(user(), signal());
    expect(tokens.issued).toHaveLength(1);
    expect(tokens.requests[0]!.scope).toBe('scim.write');
    expect(tokens.requests[0]!.authorization).toBe(
      `Basic ${Buffer.from(`provisio:${CLIENT_SECRET}`).toString('base64')}`,
    );
    expect(new Set(target.log.map((r) => r.authorization))).toEqual(new Set([`Bearer ${tokens.issued[0]}`]));
    await c.close!();
  });

  it('sends the client in the body when clientAuth is body', async () => {
    const { target, tokens } = await oauthSetup(3600);
    const c = scimConnectorFor(target.url, {}, oauth(tokens, { clientAuth: 'body' }));
    await c.create(user(), signal());
    expect(tokens.requests[0]!.authorization).toBeUndefined();
    expect(tokens.issued).toHaveLength(1);
    await c.close!();
  });

  it('renews the token shortly before it expires', async () => {
    const { target, tokens } = await oauthSetup(1);
    const c = scimConnectorFor(target.url, {}, oauth(tokens));
    await c.create(user(), signal());
    await c.create(user(), signal());
    expect(tokens.issued).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 950));
    await c.create(user(), signal());
    expect(tokens.issued).toHaveLength(2);
    expect(target.log.at(-1)!.authorization).toBe(`Bearer ${tokens.issued[1]}`);
    await c.close!();
  });

  it('renews once when the target refuses the token with 401, and retries the request', async () => {
    const { target, tokens } = await oauthSetup(3600);
    const c = scimConnectorFor(target.url, {}, oauth(tokens));
    await c.create(user(), signal());
    target.tokens.delete(tokens.issued[0]!); // revoked at the target before its expiry
    const created = await c.create(user(), signal());
    expect(created.id).toBeTruthy();
    expect(tokens.issued).toHaveLength(2);
    expect(target.log.slice(-2).map((r) => r.status)).toEqual([401, 201]);
    await c.close!();
  });

  it('renews only once: a target that refuses every token is invalid_credentials', async () => {
    const { target, tokens } = await oauthSetup(3600, false);
    const c = scimConnectorFor(target.url, {}, oauth(tokens));
    await expect(c.create(user(), signal())).rejects.toMatchObject({
      code: 'invalid_credentials',
      targetCode: 401,
    });
    expect(tokens.issued).toHaveLength(2);
    expect(target.log).toHaveLength(2);
    await c.close!();
  });

  it('a token endpoint that refuses the client is invalid_credentials, in its words, without the secret', async () => {
    const { target, tokens } = await oauthSetup(3600);
    const c = scimConnectorFor(target.url, {}, oauth(tokens, { clientSecret: 'wrong-secret-xyz' }));
    const error = (await c.create(user(), signal()).catch((e: unknown) => e)) as ConnectorError;
    expect(error).toMatchObject({ code: 'invalid_credentials', detail: 'invalid_client: unknown client' });
    expect(JSON.stringify(error.toJSON()) + error.message).not.toContain('wrong-secret-xyz');
    expect(target.log).toHaveLength(0);
    await c.close!();
  });
});

describe('bearer and basic', () => {
  it('sends the bearer token', async () => {
    const target = await startScimTarget({ tokens: ['static-token-1234'] });
    closers.push(() => target.close());
    const c = scimConnectorFor(target.url, {}, { token: 'static-token-1234' });
    await c.create(user(), signal());
    expect(target.log[0]!.authorization).toBe('Bearer static-token-1234');
    await c.close!();
  });

  it('sends basic credentials', async () => {
    const target = await startScimTarget({ tokens: [], basic: { username: 'svc', password: 'p@ss:word' } });
    closers.push(() => target.close());
    const c = scimConnectorFor(target.url, {}, { basic: { username: 'svc', password: 'p@ss:word' } });
    await c.create(user(), signal());
    expect(target.log[0]!.status).toBe(201);
    const wrong = scimConnectorFor(target.url, {}, { basic: { username: 'svc', password: 'nope' } });
    await expect(wrong.create(user(), signal())).rejects.toMatchObject({ code: 'invalid_credentials' });
    await c.close!();
    await wrong.close!();
  });
});

describe('secrets never reach errors', () => {
  const everything = (error: ConnectorError) =>
    [error.message, error.detail ?? '', JSON.stringify(error.toJSON()), String(error.stack)].join('\n');

  it('a target echoing the bearer token, the basic header or an OAuth token gets them redacted', async () => {
    const target = await startScimTarget({
      tokens: ['echoed-secret-token'],
      basic: { username: 'svc', password: 'basic-pw-123' },
    });
    closers.push(() => target.close());
    const basicHeader = Buffer.from('svc:basic-pw-123').toString('base64');
    target.faults.add({
      kind: 'respond',
      rate: 1,
      status: 400,
      body: JSON.stringify({
        scimType: 'invalidValue',
        detail: `bad auth echoed-secret-token / Basic ${basicHeader} / basic-pw-123`,
      }),
    });
    // Each connector redacts the secrets it holds.
    const cases: [unknown, string[]][] = [
      [{ token: 'echoed-secret-token' }, ['echoed-secret-token']],
      [{ basic: { username: 'svc', password: 'basic-pw-123' } }, ['basic-pw-123', basicHeader]],
    ];
    for (const [credentials, secrets] of cases) {
      const c = scimConnectorFor(target.url, {}, credentials);
      const error = (await c.create(user(), signal()).catch((e: unknown) => e)) as ConnectorError;
      expect(error.code).toBe('schema_violation');
      const text = everything(error);
      expect(text).toContain('[redacted]');
      for (const secret of secrets) expect(text).not.toContain(secret);
      await c.close!();
    }
  });

  it('an OAuth access token and client secret echoed by the target are redacted', async () => {
    const { target, tokens } = await oauthSetup(3600);
    const c = scimConnectorFor(target.url, {}, oauth(tokens));
    await c.create(user(), signal());
    target.faults.add({
      kind: 'respond',
      rate: 1,
      status: 500,
      body: `token ${tokens.issued[0]} secret ${CLIENT_SECRET}`,
    });
    const error = (await c.create(user(), signal()).catch((e: unknown) => e)) as ConnectorError;
    expect(error.code).toBe('unavailable');
    const text = everything(error);
    expect(text).not.toContain(tokens.issued[0]!);
    expect(text).not.toContain(CLIENT_SECRET);
    await c.close!();
  });
});
