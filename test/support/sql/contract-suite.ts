/** The connector contract kit on one backend: table mode (two shapes) and statement mode. */
import { afterAll, beforeAll, describe } from 'vitest';
import { sqlConnector } from '../../../src/connectors/sql/index.js';
import { ConnectorRegistry } from '../../../src/connectors/spi/index.js';
import { describeConnectorContract } from '../../../src/connectors/spi/contract-kit.js';
import {
  createContractTables,
  mappedAnchorSettings,
  statementSettings,
  tableSettings,
} from './contract-tables.js';
import type { Backend, TestDatabase } from './test-databases.js';

export const registry = new ConnectorRegistry().register(sqlConnector);

/** Opens a `sql` connector through the registry, as an app file would. */
export const openSql = (settings: Record<string, unknown>) => registry.open({ kind: 'sql', settings });

export function sqlContractSuite(backend: Backend): void {
  if (backend.skip !== undefined) {
    console.info(`SQL connector contract on ${backend.label} skipped: ${backend.skip}.`);
    describe.skip(`SQL connector contract on ${backend.label} (${backend.skip})`, () => {});
    return;
  }
  describe(`SQL connector contract on ${backend.label}`, () => {
    let db: TestDatabase | undefined;
    beforeAll(async () => {
      db = await backend.open();
      await createContractTables(db, 'k_');
    });
    afterAll(async () => {
      await db?.dispose();
    });
    const kit = {
      user: (n: number) => ({
        userName: `kit-user-${n}-${Date.now()}@example.test`,
        displayName: `Kit User ${n}`,
      }),
    };
    describeConnectorContract(
      `${backend.label}, table mode`,
      () => openSql(tableSettings(backend.connection, 'k_')),
      {
        ...kit,
        updatableAttribute: { User: 'displayName', Group: 'description' },
      },
    );
    describeConnectorContract(
      `${backend.label}, table mode with a mapped anchor and a status column`,
      () => openSql(mappedAnchorSettings(backend.connection, 'k_')),
      kit,
    );
    describeConnectorContract(
      `${backend.label}, statement mode`,
      () => openSql(statementSettings({ backend: backend.name }, backend.connection, 'k_')),
      kit,
    );
  });
}
