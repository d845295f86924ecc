/**
 * The `soap` kind for the registry: `connector: { kind: soap, settings: { wsdlUrl, objects, ... } }`
 * in an app file, with a WS-Security username token and / or basic auth in the app's credentials.
 */
import { defineConnector, type ConnectorDefinition } from '../spi/index.js';
import { createSoapConnector } from './soap-connector.js';
import {
  soapCredentialsSchema,
  soapSettingsSchema,
  type SoapCredentials,
  type SoapSettings,
} from './soap-settings.js';

export { createSoapConnector, soapCapabilities } from './soap-connector.js';
export {
  soapCredentialsSchema,
  soapSettingsSchema,
  type SoapCredentials,
  type SoapSettings,
} from './soap-settings.js';

export const soapConnectorDefinition: ConnectorDefinition<SoapSettings, SoapCredentials> & { kind: string } =
  {
    ...defineConnector<SoapSettings, SoapCredentials>({
      kind: 'soap',
      settings: soapSettingsSchema,
      credentials: soapCredentialsSchema,
      create: ({ settings, credentials }) => createSoapConnector(settings, credentials),
    }),
    kind: 'soap',
  };
