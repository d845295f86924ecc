/** The flat-file connector passes the contract kit, in both modes and formats, users and groups. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeConnectorContract } from '../../src/connectors/spi/contract-kit.js';
import { FileConnector, fileSettingsSchema } from '../../src/connectors/file/index.js';

function connector(settings: Record<string, unknown>) {
  const directory = mkdtempSync(join(tmpdir(), 'provisio-file-contract-'));
  return () =>
    new FileConnector({
      settings: fileSettingsSchema.parse({ directory, flushDelayMs: 0, ...settings }),
      baseDirectory: directory,
    });
}

describeConnectorContract('file (full CSV, users and groups)', connector({ objectTypes: ['User', 'Group'] }));
describeConnectorContract(
  'file (changes as JSON Lines, users)',
  connector({ mode: 'changes', format: 'jsonl' }),
);
