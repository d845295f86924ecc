/**
 * A real directory (SQLite in memory), the engine's state, a memory target opened through the
 * connector registry, and an app definition with Entra-like defaults: what every engine test
 * starts from.
 */
import type { JsonObject } from '../../../src/shared/json.js';
import type { DirectoryStore } from '../../../src/directory/directory-store.js';
import type {
  AppDefinition,
  AppSettings,
  ObjectMappingDefinition,
} from '../../../src/engine/apps/app-definition.js';
import { compileApp } from '../../../src/engine/apps/compile-app.js';
import type { EngineStateStore } from '../../../src/engine/state/engine-state.js';
import type { EngineServiceOptions, LoadedApp } from '../../../src/engine/cycle/create-engine-service.js';
import { createEngineService } from '../../../src/engine/cycle/create-engine-service.js';
import type { EngineEvent, EngineService } from '../../../src/engine/cycle/engine-service.js';
import type { Clock } from '../../../src/engine/cycle/engine-clock.js';
import { ConnectorRegistry } from '../../../src/connectors/spi/connector-registry.js';
import type { ConnectorCapabilities } from '../../../src/connectors/spi/capabilities.js';
import type { MemoryTarget } from '../../../src/connectors/memory/memory-connector.js';
import { createMemoryDefinition } from '../../../src/connectors/memory/memory-definition.js';
import type { SeedObject } from '../../../src/connectors/memory/memory-store.js';
import { openTestState } from './open-test-state.js';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export const USER_MAPPINGS: ObjectMappingDefinition['mappings'] = [
  { target: 'userName', source: 'userPrincipalName', matchingPrecedence: 1 },
  { target: 'displayName', source: 'displayName' },
  { target: 'emails[type eq "work"].value', source: 'mail' },
  { target: 'title', source: 'jobTitle' },
  { target: `${ENTERPRISE}:department`, source: 'department' },
  { target: `${ENTERPRISE}:manager`, source: 'manager' },
];

export const GROUP_MAPPINGS: ObjectMappingDefinition['mappings'] = [
  { target: 'displayName', source: 'displayName', matchingPrecedence: 1 },
  { target: 'members', source: 'members' },
];

export interface AppOptions {
  readonly name?: string;
  readonly settings?: Partial<AppSettings>;
  readonly user?: Partial<ObjectMappingDefinition>;
  readonly group?: Partial<ObjectMappingDefinition>;
  readonly capabilities?: Partial<ConnectorCapabilities>;
  readonly seed?: { User?: SeedObject[]; Group?: SeedObject[] };
  readonly appRoles?: AppDefinition['appRoles'];
}

export function appDefinition(options: AppOptions = {}): AppDefinition {
  return {
    name: options.name ?? 'target',
    enabled: true,
    connector: { kind: 'memory', settings: {}, credentials: {} },
    appRoles: options.appRoles ?? [{ value: 'User', displayName: 'User', default: true }],
    objects: {
      User: {
        enabled: true,
        actions: ['create', 'update', 'delete'],
        mappings: USER_MAPPINGS,
        ...options.user,
      },
      Group: {
        enabled: true,
        actions: ['create', 'update', 'delete'],
        mappings: GROUP_MAPPINGS,
        ...options.group,
      },
    },
    settings: {
      scope: 'assigned',
      nestedGroupMembers: false,
      deprovisionAction: 'disable',
      skipOutOfScopeDeletions: false,
      deletionThreshold: { count: 500 },
      concurrency: 4,
      cycleIntervalMs: 40 * 60_000,
      nearRealTime: true,
      ...options.settings,
    },
  };
}

/** A clock tests move by hand; sleeping advances it at once. */
export class TestClock implements Clock {
  constructor(public time = Date.parse('2026-01-01T00:00:00Z')) {}
  now(): Date {
    return new Date(this.time);
  }
  async sleep(ms: number): Promise<void> {
    this.time += ms;
    await Promise.resolve();
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface Harness {
  readonly directory: DirectoryStore;
  readonly state: EngineStateStore;
  readonly engine: EngineService;
  readonly target: MemoryTarget;
  readonly clock: TestClock;
  readonly events: EngineEvent[];
  readonly appId: string;
  readonly app: string;
  /** Changes the definition (as `apps apply` would: marks a full re-evaluation when asked). */
  redefine(change: (definition: AppDefinition) => AppDefinition, fullSync?: boolean): Promise<void>;
  /** Another engine (another worker) on the same database. */
  otherEngine(options?: Partial<EngineServiceOptions>): EngineService;
  close(): Promise<void>;
}

export async function openHarness(
  options: AppOptions = {},
  engineOptions: Partial<EngineServiceOptions> = {},
): Promise<Harness> {
  const opened = await openTestState();
  const directory = opened.directory;
  const state = opened.state;
  const clock = new TestClock();
  const events: EngineEvent[] = [];
  let target: MemoryTarget | undefined;
  const registry = new ConnectorRegistry().register(
    createMemoryDefinition({ onTarget: (t) => (target = t) }),
  );
  const settings: JsonObject = {};
  if (options.capabilities) settings.capabilities = options.capabilities as unknown as JsonObject;
  if (options.seed) settings.objects = options.seed as unknown as JsonObject;
  const connector = await registry.open({ kind: 'memory', settings });
  let definition = appDefinition(options);
  let stored = await state.putApp({ definition, sealedCredentials: null, fullSyncRequired: true });
  const loaded = (): LoadedApp => {
    const compiled = compileApp(definition);
    if (!compiled.ok) throw new Error(compiled.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
    return { stored, compiled: compiled.app, connector };
  };
  const loadApp = async (name: string) => {
    if (name !== definition.name) throw new Error(`No app '${name}'`);
    const current = await state.getApp(name);
    if (current) stored = current;
    return loaded();
  };
  const base: EngineServiceOptions = {
    directory,
    state,
    loadApp,
    clock,
    random: mulberry(7),
    onEvent: (event) => events.push(event),
    retry: { baseDelayMs: 1, maxDelayMs: 1_000, escrowBaseMs: 1_000, escrowMaxMs: 10_000 },
    holder: 'worker-1',
    ...engineOptions,
  };
  const engine = createEngineService(base);
  return {
    directory,
    state,
    engine,
    target: target!,
    clock,
    events,
    appId: stored.id,
    app: definition.name,
    async redefine(change, fullSync = false) {
      definition = change(definition);
      stored = await state.putApp({
        definition,
        sealedCredentials: null,
        fullSyncRequired: fullSync || stored.fullSyncRequired,
      });
    },
    otherEngine: (extra = {}) => createEngineService({ ...base, holder: 'worker-2', ...extra }),
    close: () => opened.close(),
  };
}

/** A small seeded generator for reproducible jitter. */
export function mulberry(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------- directory helpers

export interface UserInput {
  readonly userName: string;
  readonly displayName?: string;
  readonly department?: string;
  readonly active?: boolean;
  readonly title?: string;
  readonly managerId?: string;
}

export function userResource(input: UserInput): JsonObject {
  const enterprise: JsonObject = {};
  if (input.department !== undefined) enterprise.department = input.department;
  if (input.managerId !== undefined) enterprise.manager = { value: input.managerId };
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    userName: input.userName,
    displayName: input.displayName ?? input.userName.split('@')[0]!,
    active: input.active ?? true,
    emails: [{ type: 'work', value: input.userName, primary: true }],
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(Object.keys(enterprise).length > 0 ? { [ENTERPRISE]: enterprise } : {}),
  };
}

export async function createUser(directory: DirectoryStore, input: UserInput): Promise<string> {
  return (await directory.create('User', userResource(input))).id;
}

export async function createGroup(
  directory: DirectoryStore,
  displayName: string,
  members: readonly { id: string; type?: 'User' | 'Group' }[] = [],
): Promise<string> {
  const created = await directory.create('Group', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName,
    members: members.map((m) => ({ value: m.id, type: m.type ?? 'User' })),
  });
  return created.id;
}

export async function addMember(
  directory: DirectoryStore,
  groupId: string,
  memberId: string,
  type: 'User' | 'Group' = 'User',
): Promise<void> {
  await directory.patch('Group', groupId, [
    { op: 'add', path: 'members', value: [{ value: memberId, type }] },
  ]);
}

export async function removeMember(
  directory: DirectoryStore,
  groupId: string,
  memberId: string,
): Promise<void> {
  await directory.patch('Group', groupId, [{ op: 'remove', path: `members[value eq "${memberId}"]` }]);
}

export async function patchUser(
  directory: DirectoryStore,
  id: string,
  operations: { op: string; path?: string; value?: unknown }[],
): Promise<void> {
  await directory.patch('User', id, operations);
}

/** The target's users by userName (lower case). */
export function targetUsers(target: MemoryTarget): Map<string, ReturnType<MemoryTarget['objects']>[number]> {
  return new Map(target.objects('User').map((u) => [String(u.attributes.userName).toLowerCase(), u]));
}
