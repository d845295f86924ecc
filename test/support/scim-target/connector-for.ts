/** Builds a SCIM connector for a test target from settings as an app file would give them. */
import {
  createScimConnector,
  scimCredentialsSchema,
  scimSettingsSchema,
} from '../../../src/connectors/scim/index.js';
import type { ScimConnector } from '../../../src/connectors/scim/index.js';

export function scimConnectorFor(
  baseUrl: string,
  settings: Record<string, unknown> = {},
  credentials: unknown = { token: 'target-token' },
): ScimConnector {
  return createScimConnector(
    scimSettingsSchema.parse({ baseUrl, ...settings }),
    scimCredentialsSchema.parse(credentials),
  );
}

/** A signal for one test operation. */
export const testSignal = () => AbortSignal.timeout(10_000);
