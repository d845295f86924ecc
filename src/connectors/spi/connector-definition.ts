/**
 * What a connector kind provides to the registry: its settings and credentials schemas and a
 * factory. Built-in kinds and a user's module export the same shape, so a module connector needs no
 * change to Provisio.
 */
import type { Connector } from './connector.js';

/**
 * A schema in the Standard Schema v1 form (https://standardschema.dev), which zod, valibot and
 * arktype all implement: a module connector may validate its settings with whichever it depends on.
 */
export interface SettingsSchema<Output = unknown> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => SchemaResult<Output> | Promise<SchemaResult<Output>>;
  };
}

/** A Standard Schema validation result. */
export type SchemaResult<Output> =
  { readonly value: Output; readonly issues?: undefined } | { readonly issues: ReadonlyArray<SchemaIssue> };

/** One Standard Schema issue. */
export interface SchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>;
}

/** What a factory receives: settings and credentials already validated by the kind's schemas. */
export interface ConnectorContext<Settings = unknown, Credentials = unknown> {
  settings: Settings;
  /** Secrets, kept apart from settings so logs and the admin API can show settings and never these. */
  credentials: Credentials;
  /** The directory of the app file, for resolving relative paths in settings (a CSV file, a CA bundle). */
  baseDirectory: string;
}

/** A connector kind: its name, schemas and factory. */
export interface ConnectorDefinition<Settings = unknown, Credentials = unknown> {
  /** The name an app's `connector: { kind }` uses; for a module connector, optional and informative. */
  kind?: string;
  /** Validates `connector.settings` from the app file; without it settings must be absent or an empty object. */
  settings?: SettingsSchema<Settings>;
  /** Validates the app's credentials; without it credentials must be absent or an empty object. */
  credentials?: SettingsSchema<Credentials>;
  /** Builds a connector for one app. Should not contact the target: `testConnection` does that. */
  create(context: ConnectorContext<Settings, Credentials>): Connector | Promise<Connector>;
}

/** Identity function that gives a definition its types; `export default defineConnector({ ... })`. */
export function defineConnector<Settings = unknown, Credentials = unknown>(
  definition: ConnectorDefinition<Settings, Credentials>,
): ConnectorDefinition<Settings, Credentials> {
  return definition;
}
