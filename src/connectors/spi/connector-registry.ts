/**
 * Connector kinds by name, and the one way an app's `connector:` block becomes a working connector:
 * pick the kind (registered, or a user's module by path), validate settings and credentials with the
 * kind's schemas, build it, check its capabilities and methods, and guard it. The engine only ever
 * receives connectors that came through here.
 */
import { z } from 'zod';
import { checkCapabilityMethods, validateCapabilities } from './capabilities.js';
import type { Connector } from './connector.js';
import type { ConnectorDefinition, SettingsSchema } from './connector-definition.js';
import { ConnectorLoadError } from './connector-load-error.js';
import { baseDirectoryOf, loadConnectorModule, resolveModulePath } from './connector-module-loader.js';
import { guardConnector } from './guarded-connector.js';

/** The `connector:` block of an app file: a registered kind or a module path, and its settings. */
export const connectorConfigSchema = z.union([
  z.strictObject({ kind: z.string().min(1), settings: z.unknown().optional() }),
  z.strictObject({ module: z.string().min(1), settings: z.unknown().optional() }),
]);
export type ConnectorConfig = z.infer<typeof connectorConfigSchema>;

/** Where the configuration came from and the secrets that go with it. */
export interface OpenConnectorOptions {
  /** The app file the `connector:` block was read from; module paths are relative to it. */
  appFile?: string;
  /** The app's credentials (resolved from the secret store or environment by the caller). */
  credentials?: unknown;
}

/** The kinds Provisio knows, plus module connectors loaded on demand. */
export class ConnectorRegistry {
  readonly #kinds = new Map<string, ConnectorDefinition>();

  /** Adds a kind; registering the same name twice is an error, not a silent replacement. */
  register<S, C>(definition: ConnectorDefinition<S, C> & { kind: string }): this {
    if (this.#kinds.has(definition.kind)) {
      throw new ConnectorLoadError(
        'duplicate_kind',
        `connector kind '${definition.kind}' is already registered`,
      );
    }
    this.#kinds.set(definition.kind, definition as ConnectorDefinition);
    return this;
  }

  /** The registered kind names, sorted. */
  kinds(): string[] {
    return [...this.#kinds.keys()].sort();
  }

  /** The definition for a configuration: a registered kind, or the module it names. */
  async resolve(config: unknown, options: OpenConnectorOptions = {}): Promise<ConnectorDefinition> {
    const parsed = parseConfig(config, options.appFile);
    if ('kind' in parsed) {
      const definition = this.#kinds.get(parsed.kind);
      if (definition === undefined) {
        const known = this.kinds();
        throw new ConnectorLoadError(
          'unknown_kind',
          `${where(options.appFile)}connector kind '${parsed.kind}' is not registered` +
            ` (known kinds: ${known.length > 0 ? known.join(', ') : 'none'}; use connector.module for your own)`,
          fileOption(options.appFile),
        );
      }
      return definition;
    }
    return loadConnectorModule(parsed.module, baseDirectoryOf(options.appFile));
  }

  /**
   * Builds the connector an app's `connector:` block describes, checked and guarded: settings and
   * credentials validated, capabilities validated and frozen, flags and methods in agreement.
   */
  async open(config: unknown, options: OpenConnectorOptions = {}): Promise<Connector> {
    const parsed = parseConfig(config, options.appFile);
    const definition = await this.resolve(parsed, options);
    const baseDirectory = baseDirectoryOf(options.appFile);
    const source =
      'module' in parsed
        ? resolveModulePath(parsed.module, baseDirectory)
        : `connector kind '${parsed.kind}'`;
    const settings = await validateWith(
      definition.settings,
      parsed.settings,
      'connector.settings',
      options.appFile,
    );
    const credentials = await validateWith(
      definition.credentials,
      options.credentials,
      'credentials',
      options.appFile,
    );

    let connector: Connector;
    try {
      connector = await definition.create({ settings, credentials, baseDirectory });
    } catch (error) {
      if (error instanceof ConnectorLoadError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConnectorLoadError('invalid_connector', `${source}: create() threw: ${reason}`, {
        ...fileOption('module' in parsed ? source : options.appFile),
        cause: error,
      });
    }
    return checkConnector(connector, source, 'module' in parsed ? source : undefined);
  }
}

/** Checks a built connector against the contract's static part and wraps it in the guard. */
export function checkConnector(connector: unknown, source: string, file?: string): Connector {
  const issues: string[] = [];
  if (typeof connector !== 'object' || connector === null) {
    throw new ConnectorLoadError(
      'invalid_connector',
      `${source}: create() did not return a connector object`,
      {
        ...fileOption(file),
      },
    );
  }
  const candidate = connector as Connector;
  for (const required of ['testConnection', 'create'] as const) {
    if (typeof candidate[required] !== 'function') issues.push(`the connector has no ${required}() method`);
  }
  const capabilities = validateCapabilities(candidate.capabilities);
  if (!capabilities.ok) issues.push(...capabilities.issues);
  else issues.push(...checkCapabilityMethods(candidate, capabilities.capabilities).map((m) => m.message));
  if (issues.length > 0 || !capabilities.ok) {
    throw new ConnectorLoadError('invalid_connector', `${source}: the connector breaks the contract`, {
      ...fileOption(file),
      issues,
    });
  }
  const guarded = guardConnector(candidate);
  return { ...guarded, capabilities: capabilities.capabilities };
}

function parseConfig(config: unknown, appFile: string | undefined): ConnectorConfig {
  const parsed = connectorConfigSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  throw new ConnectorLoadError(
    'invalid_config',
    `${where(appFile)}connector must be { kind: <name>, settings? } or { module: <path>, settings? }`,
    fileOption(appFile),
  );
}

async function validateWith(
  schema: SettingsSchema | undefined,
  value: unknown,
  label: string,
  appFile: string | undefined,
): Promise<unknown> {
  if (schema === undefined) {
    const empty =
      value === undefined ||
      (typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length === 0);
    if (empty) return {};
    throw new ConnectorLoadError(
      'invalid_settings',
      `${where(appFile)}${label} given, but this connector takes none`,
      {
        ...fileOption(appFile),
      },
    );
  }
  const result = await schema['~standard'].validate(value ?? {});
  if (result.issues === undefined) return result.value;
  throw new ConnectorLoadError('invalid_settings', `${where(appFile)}${label} are not valid`, {
    ...fileOption(appFile),
    issues: result.issues.map((issue) => {
      const path = (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part));
      return `${[label, ...path].join('.')}: ${issue.message}`;
    }),
  });
}

function where(appFile: string | undefined): string {
  return appFile === undefined ? '' : `${appFile}: `;
}

function fileOption(file: string | undefined): { file?: string } {
  return file === undefined ? {} : { file };
}
