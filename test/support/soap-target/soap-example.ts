/**
 * examples/soap/app.yaml for tests: the file as it is, its `${VAR}` references filled from the
 * given values (as `apps apply` fills them from the environment), and a connector opened from its
 * connector block through the registry, as the engine opens it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { soapConnectorDefinition } from '../../../src/connectors/soap/index.js';
import { ConnectorRegistry, type Connector } from '../../../src/connectors/spi/index.js';

export const SOAP_EXAMPLE = fileURLToPath(new URL('../../../examples/soap/app.yaml', import.meta.url));

/** The credentials the example names, as the tests' service requires them. */
export const EXAMPLE_CREDENTIALS = { username: 'provisio', password: 'Tr0ub4dor&3-soap' };

export function exampleEnv(wsdlUrl: string): Record<string, string> {
  return {
    SOAP_WSDL_URL: wsdlUrl,
    SOAP_USERNAME: EXAMPLE_CREDENTIALS.username,
    SOAP_PASSWORD: EXAMPLE_CREDENTIALS.password,
  };
}

/** The example app file parsed, with `${VAR}` filled from `env`. */
export function exampleApp(env: Record<string, string>): {
  connector: { kind: string; settings: Record<string, unknown>; credentials: Record<string, unknown> };
  [key: string]: unknown;
} {
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string')
      return value.replace(/\$\{([A-Z_]+)\}/gu, (_, name: string) => env[name] ?? '');
    if (Array.isArray(value)) return value.map(fill);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item)]));
    }
    return value;
  };
  return fill(parse(readFileSync(SOAP_EXAMPLE, 'utf8'))) as ReturnType<typeof exampleApp>;
}

/** A connector from the example's connector block; `edit` may change its settings first. */
export async function openExampleConnector(
  env: Record<string, string>,
  edit: (settings: Record<string, unknown>) => Record<string, unknown> = (s) => s,
): Promise<Connector> {
  const { connector } = exampleApp(env);
  return new ConnectorRegistry()
    .register(soapConnectorDefinition)
    .open(
      { kind: connector.kind, settings: edit(structuredClone(connector.settings)) },
      { appFile: SOAP_EXAMPLE, credentials: connector.credentials },
    );
}

/**
 * The example's settings for the same service spoken rpc/encoded: a list travels as an array
 * accessor holding its items, so the lists answered are one step deeper (`user.user`) and the
 * member ids go inside one (`memberId: { memberId: [...] }`).
 */
export function rpcSettings(settings: Record<string, unknown>): Record<string, unknown> {
  const objects = settings.objects as Record<string, Record<string, Record<string, unknown>>>;
  for (const [type, item] of [
    ['User', 'user'],
    ['Group', 'group'],
  ] as const) {
    objects[type]!.find!.result = `${item}.${item}`;
    objects[type]!.list!.result = `${item}.${item}`;
  }
  for (const operation of ['addMembers', 'removeMembers']) {
    objects.Group![operation]!.arguments = { groupId: '{{id}}', memberId: { memberId: '{{members}}' } };
  }
  return settings;
}
