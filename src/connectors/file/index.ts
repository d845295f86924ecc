/** The `file` kind: accounts written as CSV or JSON Lines files into a directory. */
import { defineConnector, type ConnectorDefinition } from '../spi/index.js';
import { FileConnector } from './file-connector.js';
import { fileSettingsSchema, type FileSettings } from './file-settings.js';

export { FileConnector, timestamp, MEMBERS_ATTRIBUTE } from './file-connector.js';
export { fileSettingsSchema, type FileSettings } from './file-settings.js';

export const fileConnectorDefinition: ConnectorDefinition<FileSettings> & { kind: string } = {
  ...defineConnector({
    kind: 'file',
    settings: fileSettingsSchema,
    create: ({ settings, baseDirectory }) => new FileConnector({ settings, baseDirectory }),
  }),
  kind: 'file',
};
