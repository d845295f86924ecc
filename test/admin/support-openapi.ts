/**
 * The admin API's OpenAPI document exactly as `serve` answers `GET /admin/v1/openapi.json`, made
 * on a throwaway data directory: what docs/admin-api.openapi.json holds, so that readers see the
 * whole API without running a server. `npm run docs:openapi` writes it; a test keeps it current.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { ConsoleAccess } from '../../src/admin/access/console-access.js';
import { mountAdminApi } from '../../src/admin/admin-plugin.js';
import { createAdminServices } from '../../src/admin/admin-services.js';
import { createBuiltinRegistry } from '../../src/connectors/builtin-kinds.js';
import { openProvisio } from '../../src/main.js';
import { SchemaRegistry } from '../../src/scim/schema/schema-registry.js';
import { buildServer } from '../../src/server/build-server.js';
import { ROOT } from '../support/spawn-cli.js';

export const OPENAPI_DOCUMENT_PATH = join(ROOT, 'docs', 'admin-api.openapi.json');

/** The document as JSON in the repository's Prettier style, as the docs file stores it. */
export async function adminOpenApiText(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'provisio-openapi-doc-'));
  const database = await openProvisio({ dataDir });
  const services = createAdminServices({ database, registry: createBuiltinRegistry(), dataDir });
  const app = buildServer({ store: database.directory, registry: SchemaRegistry.withCoreSchemas() });
  try {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    mountAdminApi(app, { services, console: await ConsoleAccess.open(database), version });
    await app.ready();
    const answer = await app.inject({ method: 'GET', url: '/admin/v1/openapi.json' });
    if (answer.statusCode !== 200) throw new Error(`openapi.json answered ${answer.statusCode}`);
    const style = await resolveConfig(OPENAPI_DOCUMENT_PATH);
    return await format(answer.body, { ...style, filepath: OPENAPI_DOCUMENT_PATH });
  } finally {
    await app.close();
    await services.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
