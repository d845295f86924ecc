/**
 * Access logging: with a logger, every request writes fastify's two info lines by default;
 * `requestLogging: false` drops them and keeps the rejected-request lines.
 */
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from '../../src/scim/schema/schema-registry.js';
import { issueToken } from '../../src/server/api-token.js';
import { buildServer } from '../../src/server/build-server.js';
import { openTestStore, send } from './server-harness.js';

async function logsOf(requestLogging: boolean | undefined): Promise<{ msg: string; level: number }[]> {
  const { store, cleanup } = await openTestStore('sqlite');
  const lines: { msg: string; level: number }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      callback();
    },
  });
  const app = buildServer({
    store,
    registry: SchemaRegistry.withCoreSchemas(),
    options: {
      logger: { level: 'info', stream },
      ...(requestLogging === undefined ? {} : { requestLogging }),
    },
  });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/scim/v2`;
    const { token } = await issueToken(store, 'logged', 'read-write');
    const headers = { authorization: `Bearer ${token}` };
    expect((await send(`${base}/Users`, { headers })).status).toBe(200);
    expect((await send(`${base}/Users/nope`, { headers })).status).toBe(404);
    return lines;
  } finally {
    await app.close();
    await cleanup();
  }
}

describe('request logging', () => {
  it('logs every request at info by default', async () => {
    const lines = await logsOf(undefined);
    expect(lines.filter((l) => l.msg === 'incoming request')).toHaveLength(2);
    expect(lines.filter((l) => l.msg === 'request completed')).toHaveLength(2);
  });

  it('requestLogging: false drops the access lines but keeps rejections', async () => {
    const lines = await logsOf(false);
    expect(lines.some((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toBe(false);
    expect(lines.some((l) => l.msg === 'request rejected' && l.level === 30)).toBe(true);
  });
});
