/**
 * An application (a target system) as Provisio keeps it: what `provisio apps apply -f app.yaml`
 * validates, defaults and stores, and what `apps export` prints back. This is the validated,
 * defaulted form; `load-app-file.ts` (over the schema in `app-schema.ts`) turns YAML into it and
 * says what is wrong, with path and line, and `export-app.ts` turns it back into YAML.
 *
 * Secrets never live here in clear: a credential written as `${ENV_VAR}` is resolved when the app
 * is applied and stored encrypted (`secret-box.ts`); the definition keeps only where it came from,
 * so `export` can print `${ENV_VAR}` (or `<secret>`) and never the value.
 */
import type { JsonObject, JsonValue } from '../../shared/json.js';
import type { AttributeMappingConfig } from '../mapping/object-mapping.js';
import type { ScopeConfig } from '../scoping/compile-scope.js';

/** The actions an object mapping allows (Entra's "Target Object Actions"). */
export type ObjectAction = 'create' | 'update' | 'delete';

/** The mappings of one object type (User or Group) to the app. */
export interface ObjectMappingDefinition {
  /** Whether objects of this type are provisioned at all. */
  readonly enabled: boolean;
  readonly actions: readonly ObjectAction[];
  readonly mappings: readonly AttributeMappingConfig[];
  /** Scoping filter (clause groups); absent means every object that the scope mode admits. */
  readonly scope?: ScopeConfig;
}

/** An app role the application declares; an assignment carries one of them. */
export interface AppRoleDefinition {
  readonly value: string;
  readonly displayName: string;
  readonly description?: string;
  /** The role an assignment without `--role` gets; exactly one role of an app is the default. */
  readonly default?: boolean;
}

/** What a credential value is: given in the file (stored encrypted) or read from the environment. */
export type SecretSource =
  /** `${NAME}` in the file: the value was read from the environment at apply time. */
  | { readonly kind: 'env'; readonly variable: string }
  /** A literal in the file (allowed, discouraged): export prints `<secret>`. */
  | { readonly kind: 'literal' };

/** The connector block: a registered kind or a user's module, with settings and credentials. */
export interface ConnectorDefinitionConfig {
  readonly kind?: string;
  readonly module?: string;
  /** Plain settings (URLs, base DNs, profiles); shown by export and the admin API. */
  readonly settings: JsonObject;
  /**
   * The credential names and where each value came from. The values themselves are stored
   * encrypted beside the definition and handed to the connector only when it is opened.
   */
  readonly credentials: Readonly<Record<string, SecretSource>>;
  /**
   * The app file it was applied from (absolute): a relative `module` path and relative paths in
   * settings are resolved from its directory when the connector is opened. Not printed by export;
   * re-applying the same content from another file of the same directory changes nothing.
   */
  readonly appFile?: string;
}

/**
 * A string of the file written with `${ENV_VAR}` (or `$${`): the definition holds the value it
 * resolved to, and export prints the template back. `path` names the place in the file's keys
 * (`['connector', 'settings', 'baseUrl']`). Credentials are not listed: they have SecretSource.
 */
export interface StringTemplate {
  readonly path: readonly (string | number)[];
  readonly template: string;
}

/** Which directory objects an app considers (Entra's "Scope" setting). */
export type ScopeMode =
  /** "Sync only assigned users and groups": assigned users, and members of assigned groups. */
  | 'assigned'
  /** "Sync all users and groups". */
  | 'all';

/** The accidental-deletion guard: more disables + deletes than this in one cycle holds the app. */
export interface DeletionThreshold {
  /** Absolute count (Entra's default 500). */
  readonly count: number;
  /** Optional percentage of the app's linked objects; whichever limit is lower applies. */
  readonly percent?: number;
}

/** Settings that are not mappings. */
export interface AppSettings {
  readonly scope: ScopeMode;
  /** Whether members of nested groups of an assigned group are in scope (Entra: no). */
  readonly nestedGroupMembers: boolean;
  /** What happens to an object that leaves scope, is disabled or deleted. */
  readonly deprovisionAction: 'disable' | 'delete';
  /** Entra's "skip out of scope deletions": leaving scope changes nothing in the target. */
  readonly skipOutOfScopeDeletions: boolean;
  readonly deletionThreshold: DeletionThreshold;
  /** Parallel operations toward the target. */
  readonly concurrency: number;
  /** Operations per second toward the target; absent means no limit. */
  readonly rateLimitPerSecond?: number;
  /** Milliseconds between periodic cycles in `serve` (the safety net under near-real-time). */
  readonly cycleIntervalMs: number;
  /** Propagate each committed directory change at once in `serve`. */
  readonly nearRealTime: boolean;
  /** Where quarantine, held deletions and new escrows are reported (JSON POST). */
  readonly notificationWebhookUrl?: string;
}

/** One application, validated and defaulted. */
export interface AppDefinition {
  /** Unique; `[a-z0-9][a-z0-9-_.]*`, used on the command line. */
  readonly name: string;
  readonly description?: string;
  /** A disabled app is kept but `serve` does not run it. */
  readonly enabled: boolean;
  readonly connector: ConnectorDefinitionConfig;
  readonly appRoles: readonly AppRoleDefinition[];
  readonly objects: {
    readonly User: ObjectMappingDefinition;
    readonly Group: ObjectMappingDefinition;
  };
  readonly settings: AppSettings;
  /** Strings written with `${...}`, outside the credentials; absent when there are none. */
  readonly templates?: readonly StringTemplate[];
}

/** An app as stored: the definition plus what the store adds. */
export interface StoredApp {
  /** Stable id (a UUID) given at first apply; assignments and engine state are keyed by it. */
  readonly id: string;
  readonly definition: AppDefinition;
  /** Increments on each apply that changes the definition. */
  readonly version: number;
  /** Set when mappings or scope changed: the next cycle re-evaluates every object (Entra's restart). */
  readonly fullSyncRequired: boolean;
  readonly created: Date;
  readonly updated: Date;
}

/** Values as the YAML holds them; used by export so `apply` takes its output back unchanged. */
export type AppDocument = JsonValue;
