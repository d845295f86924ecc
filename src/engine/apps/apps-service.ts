/**
 * Applications as the CLI (and later the admin API) manage them: apply a file, list, export,
 * delete, assign users and groups in app roles, and the audit trail of every change. An apply is
 * all or nothing: the file is validated completely first, and the app and its audit entry are
 * written in one state transaction. Credentials are sealed (secret-box.ts) before they reach the
 * store and opened only to build the connector; audit entries hold the exported form, in which
 * credentials are `${VAR}` or `<secret>`.
 */
import type { Connector, ConnectorRegistry } from '../../connectors/spi/index.js';
import type {
  AppAssignment,
  DirectoryStore,
  ResourceKind,
  StoredResource,
} from '../../directory/directory-store.js';
import { parseFilter } from '../../scim/filter/filter-parser.js';
import { isScimError } from '../../scim/scim-error.js';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import type { AuditEntry, EngineStateStore, StoredAppWithSecrets } from '../state/engine-state.js';
import type { ProvisioDatabase } from '../state/open-engine-state.js';
import type { AppDefinition, StoredApp } from './app-definition.js';
import type { CompiledApp } from './compile-app.js';
import { redact, secretTexts } from './check-connector.js';
import { compileApp } from './compile-app.js';
import { canonicalJson, compareDefinitions } from './definition-changes.js';
import { appDocument, exportAppYaml } from './export-app.js';
import { AppFileError, loadAppFile, loadAppText } from './load-app-file.js';
import type { LoadAppOptions, LoadAppResult } from './load-app-file.js';
import type { SecretBox } from './secret-box.js';
import { SecretBoxError } from './secret-box.js';

export type AppsErrorCode =
  'app_not_found' | 'principal_not_found' | 'unknown_role' | 'not_compilable' | 'connector_failed';

/** A request the service refuses: the message says what and why, and holds no secret. */
export class AppsError extends Error {
  readonly code: AppsErrorCode;
  constructor(code: AppsErrorCode, message: string) {
    super(message);
    this.name = 'AppsError';
    this.code = code;
  }
}

export interface AppsServiceOptions {
  /** The directory and the engine's state, with one transaction over both (openProvisioDatabase). */
  readonly database: Pick<ProvisioDatabase, 'directory' | 'engineState' | 'transaction'>;
  /** The connector kinds apps may name (src/connectors/builtin-kinds.ts). */
  readonly registry: ConnectorRegistry;
  readonly secrets: SecretBox;
  /** Where `${NAME}` in app files is read from; the process environment by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What an apply did. */
export interface ApplyResult {
  readonly status: 'created' | 'updated' | 'unchanged';
  readonly app: StoredApp;
  /** The sections that changed (`settings`, `objects.User`, `connector.credentials`, ...). */
  readonly changed: readonly string[];
  /** Whether the next cycle re-evaluates every object (set by this apply or still pending). */
  readonly fullSyncRequired: boolean;
  /**
   * Whether this apply marked the full re-evaluation: a new app, or a change of mappings, scope
   * or the object types provisioned (`fullSyncRequired` may also be true from an earlier apply).
   */
  readonly fullSyncMarked: boolean;
}

/** A user or group named on the command line: by id, or by userName / displayName. */
export interface PrincipalRef {
  readonly type: ResourceKind;
  readonly ref: string;
}

/** An assignment with the principal's name, for listing. */
export interface NamedAssignment extends AppAssignment {
  /** userName or displayName; absent if the principal could not be read. */
  readonly principalName?: string;
}

export class AppsService {
  readonly #database: AppsServiceOptions['database'];
  readonly #state: EngineStateStore;
  readonly #directory: DirectoryStore;
  readonly #registry: ConnectorRegistry;
  readonly #secrets: SecretBox;
  readonly #env: Readonly<Record<string, string | undefined>> | undefined;

  constructor(options: AppsServiceOptions) {
    this.#database = options.database;
    this.#state = options.database.engineState;
    this.#directory = options.database.directory;
    this.#registry = options.registry;
    this.#secrets = options.secrets;
    this.#env = options.env;
  }

  /** Validates the file and stores it; throws AppFileError with every problem, storing nothing. */
  async apply(file: string, actor: string): Promise<ApplyResult> {
    return this.#apply(actor, (options) => loadAppFile(file, options));
  }

  /**
   * The same for app text sent over the admin API (YAML, or JSON, which is YAML too): `source`
   * names it in issues; `expectedName` must be the app's name; credentials it leaves out keep
   * their stored values (they are write-only there).
   */
  async applyText(
    text: string,
    source: { readonly name: string; readonly expectedName?: string },
    actor: string,
  ): Promise<ApplyResult> {
    return this.#apply(actor, (options) => loadAppText(text, source.name, options), source.expectedName);
  }

  async #apply(
    actor: string,
    load: (options: LoadAppOptions) => Promise<LoadAppResult>,
    expectedName?: string,
  ): Promise<ApplyResult> {
    const existingByName = new Map<string, StoredAppWithSecrets | undefined>();
    const existing = async (name: string) => {
      if (!existingByName.has(name)) existingByName.set(name, await this.#state.getApp(name));
      return existingByName.get(name);
    };
    const loaded = await load({
      registry: this.#registry,
      ...(this.#env !== undefined ? { env: this.#env } : {}),
      keptCredential: async (name, key) => {
        const app = await existing(name);
        if (app === undefined || app.definition.connector.credentials[key] === undefined) return undefined;
        return (await this.#openCredentials(app))[key];
      },
      ...(expectedName !== undefined
        ? {
            keepOmittedCredentials: async (name: string) =>
              name === expectedName
                ? Object.keys((await existing(name))?.definition.connector.credentials ?? {})
                : [],
          }
        : {}),
    });
    if (!loaded.ok) throw new AppFileError(loaded.issues);
    if (expectedName !== undefined && loaded.app.definition.name !== expectedName) {
      throw new AppFileError([
        {
          file: loaded.app.file,
          path: 'name',
          message: `the app's name is '${loaded.app.definition.name}', but the request is for '${expectedName}'`,
        },
      ]);
    }
    const { definition, credentials } = loaded.app;
    const previous = await existing(definition.name);

    let changed: readonly string[] = ['new'];
    let fullSyncRequired = true;
    let fullSyncMarked = true;
    if (previous !== undefined) {
      const credentialsChanged = await this.#credentialsDiffer(previous, credentials);
      const comparison = compareDefinitions(previous.definition, definition, credentialsChanged);
      if (comparison.sections.length === 0) {
        return {
          status: 'unchanged',
          app: withoutSecrets(previous),
          changed: [],
          fullSyncRequired: previous.fullSyncRequired,
          fullSyncMarked: false,
        };
      }
      changed = comparison.sections;
      fullSyncRequired = comparison.fullSyncRequired || previous.fullSyncRequired;
      fullSyncMarked = comparison.fullSyncRequired;
    }
    const sealedCredentials =
      Object.keys(credentials).length === 0 ? null : await this.#secrets.seal(credentials, definition.name);
    const stored = await this.#state.transaction(async (state) => {
      const app = await state.putApp({ definition, sealedCredentials, fullSyncRequired });
      await state.appendAudit({
        at: new Date(),
        actor,
        action: 'apply',
        app: definition.name,
        ...(previous !== undefined ? { before: appDocument(previous.definition) } : {}),
        after: appDocument(definition),
      });
      return app;
    });
    return {
      status: previous === undefined ? 'created' : 'updated',
      app: withoutSecrets(stored),
      changed,
      fullSyncRequired: stored.fullSyncRequired,
      fullSyncMarked,
    };
  }

  /** Every app, by name. */
  async list(): Promise<readonly StoredApp[]> {
    const apps = await this.#state.listApps();
    return apps.map(withoutSecrets).sort((a, b) => (a.definition.name < b.definition.name ? -1 : 1));
  }

  /** One app; AppsError when there is none of that name. */
  async get(name: string): Promise<StoredApp> {
    return withoutSecrets(await this.#require(name));
  }

  /** The app as YAML that `apply` takes back unchanged; credentials as `${VAR}` or `<secret>`. */
  async export(name: string): Promise<string> {
    return exportAppYaml((await this.#require(name)).definition);
  }

  /** Deletes the app, its engine state and its assignments; returns how many assignments went. */
  async delete(name: string, actor: string): Promise<{ readonly assignmentsRemoved: number }> {
    const app = await this.#require(name);
    // One transaction over both stores: the app, its state, its assignments and the audit entry.
    const assignments = await this.#database.transaction(async ({ directory, engineState: state }) => {
      const assignments = await directory.listAssignments(app.id);
      for (const a of assignments) await directory.unassign(app.id, a.principalType, a.principalId, a.role);
      await state.deleteApp(name);
      await state.appendAudit({
        at: new Date(),
        actor,
        action: 'delete',
        app: name,
        before: appDocument(app.definition),
        after: { assignmentsRemoved: assignments.length },
      });
      return assignments;
    });
    return { assignmentsRemoved: assignments.length };
  }

  /** Builds the app's connector: credentials opened, settings and credentials validated, guarded. */
  async openConnector(app: StoredAppWithSecrets): Promise<Connector> {
    const { connector } = app.definition;
    const credentials = await this.#openCredentials(app);
    const config =
      connector.kind !== undefined
        ? { kind: connector.kind, settings: connector.settings }
        : { module: connector.module, settings: connector.settings };
    try {
      return await this.#registry.open(config, {
        ...(connector.appFile !== undefined ? { appFile: connector.appFile } : {}),
        credentials,
      });
    } catch (error) {
      // A kind's schema or factory may quote a value it refused: never let a credential through.
      if (!(error instanceof Error)) throw error;
      const secrets = secretTexts(credentials);
      const message = redact(error.message, secrets);
      if (message === error.message) throw error;
      throw new AppsError('connector_failed', message);
    }
  }

  /**
   * Opens the app's connector and asks it to test its connection: `ok`, or the connector's own
   * error (code and message, credentials redacted by the guard). The connector is closed after.
   */
  async testConnection(
    name: string,
    timeoutMs = 30_000,
  ): Promise<
    { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string }
  > {
    const app = await this.#require(name);
    let connector: Connector;
    try {
      connector = await this.openConnector(app);
    } catch (error) {
      return { ok: false, code: errorCode(error) ?? 'connector_failed', message: errorMessage(error) };
    }
    try {
      await connector.testConnection(AbortSignal.timeout(timeoutMs));
      return { ok: true };
    } catch (error) {
      return { ok: false, code: errorCode(error) ?? 'unknown', message: errorMessage(error) };
    } finally {
      await connector.close?.().catch(() => undefined);
    }
  }

  /** The stored app and its compiled mappings and scopes, for the engine. */
  async loadCompiledApp(
    name: string,
  ): Promise<{ readonly stored: StoredAppWithSecrets; readonly compiled: CompiledApp }> {
    const stored = await this.#require(name);
    const compiled = compileApp(stored.definition);
    if (!compiled.ok) {
      throw new AppsError(
        'not_compilable',
        `app '${name}' no longer compiles (apply it again after fixing):\n` +
          compiled.issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n'),
      );
    }
    return { stored, compiled: compiled.app };
  }

  /** Assigns a user or group in a role (the app's default role when none is given). */
  async assign(
    name: string,
    principal: PrincipalRef,
    role: string | undefined,
    actor: string,
  ): Promise<NamedAssignment> {
    const app = await this.#require(name);
    const roleValue = checkRole(app.definition, role);
    const resource = await this.#findPrincipal(principal);
    const assignment = await this.#database.transaction(async ({ directory, engineState: state }) => {
      const made = await directory.assign(app.id, principal.type, resource.id, roleValue);
      await state.appendAudit({
        at: new Date(),
        actor,
        action: 'assign',
        app: name,
        after: assignmentRecord(principal.type, resource, roleValue),
      });
      return made;
    });
    return { ...assignment, principalName: principalName(resource) };
  }

  /** Removes an assignment in one role, or in every role when none is given; false when there was none. */
  async unassign(
    name: string,
    principal: PrincipalRef,
    role: string | undefined,
    actor: string,
  ): Promise<boolean> {
    const app = await this.#require(name);
    const resource = await this.#findPrincipal(principal);
    return this.#database.transaction(async ({ directory, engineState: state }) => {
      const removed = await directory.unassign(app.id, principal.type, resource.id, role);
      if (removed) {
        await state.appendAudit({
          at: new Date(),
          actor,
          action: 'unassign',
          app: name,
          before: assignmentRecord(principal.type, resource, role ?? null),
        });
      }
      return removed;
    });
  }

  /** The app's assignments with the names of their users and groups. */
  async listAssignments(name: string): Promise<readonly NamedAssignment[]> {
    const app = await this.#require(name);
    const assignments = await this.#directory.listAssignments(app.id);
    const names = new Map<string, string | undefined>();
    for (const a of assignments) {
      if (names.has(a.principalId)) continue;
      const resource = await this.#directory.get(a.principalType, a.principalId, {
        includeMembers: false,
        includeGroups: false,
      });
      names.set(a.principalId, resource === undefined ? undefined : principalName(resource));
    }
    return assignments.map((a) => {
      const principalName = names.get(a.principalId);
      return principalName === undefined ? a : { ...a, principalName };
    });
  }

  /** Configuration changes, newest first. */
  async audit(query: { app?: string; limit?: number } = {}): Promise<readonly AuditEntry[]> {
    return this.#state.listAudit(query);
  }

  async #require(name: string): Promise<StoredAppWithSecrets> {
    const app = await this.#state.getApp(name);
    if (app === undefined) {
      const known = (await this.#state.listApps()).map((a) => a.definition.name);
      throw new AppsError(
        'app_not_found',
        `no app named '${name}'` +
          (known.length > 0 ? ` (apps: ${known.sort().join(', ')})` : ' (there are no apps yet)'),
      );
    }
    return app;
  }

  async #openCredentials(app: StoredAppWithSecrets): Promise<JsonObject> {
    if (app.sealedCredentials === null) return {};
    const opened = await this.#secrets.open(app.sealedCredentials, app.definition.name);
    return isJsonObject(opened) ? opened : {};
  }

  /** Whether the new clear credentials differ from the stored ones; unreadable stored ones differ. */
  async #credentialsDiffer(previous: StoredAppWithSecrets, next: JsonObject): Promise<boolean> {
    let before: JsonValue;
    try {
      before = await this.#openCredentials(previous);
    } catch (error) {
      // Sealed with another key, or damaged: they cannot be opened, and this apply seals them anew.
      if (error instanceof SecretBoxError && error.code !== 'key_unavailable') return true;
      throw error;
    }
    return canonicalJson(before) !== canonicalJson(next);
  }

  async #findPrincipal(principal: PrincipalRef): Promise<StoredResource> {
    const options = { includeMembers: false, includeGroups: false };
    const byId = await this.#directory.get(principal.type, principal.ref, options);
    if (byId !== undefined) return byId;
    const attribute = principal.type === 'User' ? 'userName' : 'displayName';
    let found: readonly StoredResource[] = [];
    try {
      const filter = parseFilter(`${attribute} eq ${JSON.stringify(principal.ref)}`);
      found = (await this.#directory.list(principal.type, { filter, startIndex: 1, count: 2, ...options }))
        .resources;
    } catch (error) {
      if (!isScimError(error)) throw error;
    }
    if (found.length === 1) return found[0]!;
    const what = principal.type === 'User' ? 'user' : 'group';
    if (found.length > 1) {
      throw new AppsError(
        'principal_not_found',
        `more than one ${what} has ${attribute} '${principal.ref}': give its id`,
      );
    }
    throw new AppsError('principal_not_found', `no ${what} with id or ${attribute} '${principal.ref}'`);
  }
}

/** The role to store: the one asked for, which the app must declare, or the app's default. */
function checkRole(definition: AppDefinition, role: string | undefined): string {
  const roles = definition.appRoles;
  if (role === undefined) return (roles.find((r) => r.default === true) ?? roles[0])?.value ?? 'User';
  if (roles.some((r) => r.value === role)) return role;
  throw new AppsError(
    'unknown_role',
    `app '${definition.name}' has no role '${role}' (roles: ${roles.map((r) => r.value).join(', ')})`,
  );
}

function principalName(resource: StoredResource): string | undefined {
  const value =
    resource.resourceType === 'User' ? resource.attributes.userName : resource.attributes.displayName;
  return typeof value === 'string' ? value : undefined;
}

function assignmentRecord(type: ResourceKind, resource: StoredResource, role: string | null): JsonObject {
  const name = principalName(resource);
  return {
    principalType: type,
    principalId: resource.id,
    ...(name !== undefined ? { principalName: name } : {}),
    role,
  };
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withoutSecrets(app: StoredAppWithSecrets): StoredApp {
  const { sealedCredentials: _sealed, ...stored } = app;
  return stored;
}
