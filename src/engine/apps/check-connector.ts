/**
 * The apply-time check of an app's `connector:` block: the kind is registered (or the module loads
 * and exports a connector definition), and its settings and credentials pass the kind's own
 * schemas. Nothing is built and the target is not contacted; problems come back at their paths
 * (`connector.kind`, `connector.settings.baseUrl`). Credential values never appear in a message.
 */
import type { ConnectorDefinition, ConnectorRegistry, SettingsSchema } from '../../connectors/spi/index.js';
import { ConnectorLoadError } from '../../connectors/spi/index.js';
import { didYouMean } from '../../shared/did-you-mean.js';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import type { ConfigIssue } from '../source/config-issue.js';

export interface ConnectorBlock {
  readonly kind?: string;
  readonly module?: string;
  readonly settings: JsonObject;
  readonly credentials: JsonObject;
}

/** Every problem with the block; empty when the connector would open. */
export async function checkConnectorBlock(
  registry: ConnectorRegistry,
  block: ConnectorBlock,
  appFile: string,
): Promise<ConfigIssue[]> {
  let definition: ConnectorDefinition;
  try {
    const config = block.kind !== undefined ? { kind: block.kind } : { module: block.module };
    definition = await registry.resolve(config, { appFile });
  } catch (error) {
    return [connectorLoadIssue(registry, block, error)];
  }
  const secrets = secretTexts(block.credentials);
  return [
    ...(await schemaIssues(definition.settings, block.settings, 'connector.settings', 'settings')),
    ...(
      await schemaIssues(definition.credentials, block.credentials, 'connector.credentials', 'credentials')
    ).map((issue) => ({ ...issue, message: redact(issue.message, secrets) })),
  ];
}

function connectorLoadIssue(registry: ConnectorRegistry, block: ConnectorBlock, error: unknown): ConfigIssue {
  if (block.kind !== undefined) {
    const known = registry.kinds();
    const suggestion = didYouMean(block.kind, known);
    return {
      path: 'connector.kind',
      message:
        `unknown connector kind '${block.kind}'` +
        (suggestion !== undefined ? `, did you mean '${suggestion}'?` : '') +
        ` (known kinds: ${known.length > 0 ? known.join(', ') : 'none'}; use connector.module for your own)`,
    };
  }
  const message =
    error instanceof ConnectorLoadError || error instanceof Error ? error.message : String(error);
  return { path: 'connector.module', message };
}

async function schemaIssues(
  schema: SettingsSchema | undefined,
  value: JsonObject,
  path: string,
  label: string,
): Promise<ConfigIssue[]> {
  if (schema === undefined) {
    return Object.keys(value).length === 0 ? [] : [{ path, message: `this connector takes no ${label}` }];
  }
  let result: Awaited<ReturnType<SettingsSchema['~standard']['validate']>>;
  try {
    result = await schema['~standard'].validate(value);
  } catch (error) {
    return [
      {
        path,
        message: `the connector's ${label} schema threw: ${error instanceof Error ? error.message : String(error)}`,
      },
    ];
  }
  if (result.issues === undefined) return [];
  return result.issues.map((issue) => {
    const parts = (issue.path ?? []).map((part) => (typeof part === 'object' ? part.key : part));
    let text = path;
    for (const part of parts) text += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
    return { path: text, message: issue.message };
  });
}

/** Every string inside the credentials, longest first, for redaction. */
export function secretTexts(value: JsonValue): string[] {
  const found: string[] = [];
  const walk = (node: JsonValue): void => {
    if (typeof node === 'string') {
      if (node.length >= 3) found.push(node);
    } else if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(value);
  return found.sort((a, b) => b.length - a.length);
}

/** A schema's message may quote the value it refused: never let a secret through. */
export function redact(message: string, secrets: readonly string[]): string {
  let text = message;
  for (const secret of secrets) text = text.split(secret).join('<secret>');
  return text;
}
