/**
 * What a run feeds the planner, phase by phase:
 * - a full pass (initial cycles, resyncs, `fullSyncRequired`): every directory user, then every
 *   group, page by page, then every linked object the pass did not see (deleted from the
 *   directory, checked once more by id before it counts as deleted);
 * - an incremental pass: the change feed from the watermark, coalesced per object and widened to
 *   the objects a change affects (the members of a group that was assigned or unassigned), plus
 *   escrowed objects that are due;
 * - follow-ups: objects waiting on a reference that now resolves, and groups whose members'
 *   accounts came or went, or got a new name the groups list them by;
 * then the accidental-deletion guard over the deprovisions the phases deferred.
 */
import { isJsonObject } from '../../shared/json.js';
import type { ChangeEntry, DirectoryStore, StoredResource } from '../../directory/directory-store.js';
import type { StateObjectType } from '../state/engine-state.js';
import type { CycleRun, WorkItem } from './cycle-run.js';
import { key, parseKey } from './cycle-run.js';

/** Objects per directory page and per planner batch. */
export const PAGE_SIZE = 500;
/** Most change-feed entries one incremental cycle takes on (the rest wait for the next cycle). */
export const MAX_CHANGES_PER_CYCLE = 50_000;
const FEED_PAGE = 5_000;
const FOLLOW_UP_ROUNDS = 4;

/** Walks every directory object of a type, then the links nobody saw. */
export async function fullPass(
  run: CycleRun,
  type: StateObjectType,
  directory: DirectoryStore,
): Promise<{ seen: number }> {
  if (!run.scopes[type]) return { seen: 0 };
  // The ids seen are kept only when links from before the run are to be checked against them;
  // otherwise a count does (a set of every id stayed in memory for the whole pass).
  const seen = run.storedLinks ? new Set<string>() : undefined;
  let seenCount = 0;
  const includeGroups = type === 'User' && run.assignments.mode === 'assigned';
  let startIndex = 1;
  for (;;) {
    const page = await directory.list(type, {
      startIndex,
      count: PAGE_SIZE,
      includeGroups,
      includeMembers: type === 'Group',
    });
    if (startIndex === 1 && run.total === undefined) run.total = page.totalResults;
    if (page.resources.length === 0) break;
    const work: WorkItem[] = page.resources.map((resource) => ({ id: resource.id, resource }));
    if (seen) for (const item of work) seen.add(item.id);
    else seenCount += work.length;
    await run.processBatch(type, work);
    if (run.halted) return { seen: seen?.size ?? seenCount };
    startIndex += page.resources.length;
    if (page.resources.length < PAGE_SIZE) break;
  }
  // Linked objects the walk did not see: deleted, unless a second look by id finds them. Without
  // links from before the run every link is of an object this walk saw (the pass wrote it).
  if (!seen) return { seen: seenCount };
  let after: string | undefined;
  for (;;) {
    const links = await run.deps.state.listLinks(run.appId, type, {
      ...(after !== undefined ? { after } : {}),
      limit: PAGE_SIZE,
    });
    if (links.length === 0) break;
    after = links[links.length - 1]!.sourceId;
    const unseen = links.filter((link) => !seen.has(link.sourceId));
    const work: WorkItem[] = [];
    for (const link of unseen) {
      work.push({ id: link.sourceId, resource: await readOne(directory, type, link.sourceId) });
    }
    await run.processBatch(type, work);
    if (run.halted || links.length < PAGE_SIZE) break;
  }
  return { seen: seen.size };
}

async function readOne(
  directory: DirectoryStore,
  type: StateObjectType,
  id: string,
): Promise<StoredResource | undefined> {
  return directory.get(type, id, type === 'User' ? { includeGroups: true } : { includeMembers: true });
}

/** The objects one stretch of the change feed touches. */
export interface DirtySet {
  readonly users: Map<string, number | undefined>;
  readonly groups: Map<string, number | undefined>;
  /** A group whose members are needed is gone: re-evaluate every user. */
  rescanUsers: boolean;
  readonly lastSeq: number;
  readonly count: number;
}

/** Reads the feed after `watermark` (up to the cycle's cap); undefined asks for a resync. */
export async function readDirty(
  run: CycleRun,
  directory: DirectoryStore,
  watermark: number,
): Promise<DirtySet | { resync: number }> {
  const entries: ChangeEntry[] = [];
  let seq = watermark;
  while (entries.length < MAX_CHANGES_PER_CYCLE) {
    const page = await directory.readChanges(seq, FEED_PAGE);
    if (page.status === 'resyncRequired') return { resync: page.resumeFrom };
    entries.push(...page.entries);
    seq = page.lastSeq;
    if (page.entries.length < FEED_PAGE) break;
  }
  const dirty: DirtySet = {
    users: new Map(),
    groups: new Map(),
    rescanUsers: false,
    lastSeq: seq,
    count: entries.length,
  };
  const nested = run.app.definition.settings.nestedGroupMembers;
  const expand: string[] = [];
  for (const entry of entries) {
    const forOtherApp =
      (entry.kind === 'assigned' || entry.kind === 'unassigned') && entry.detail?.appId !== run.appId;
    if (forOtherApp) continue;
    if (entry.resourceType === 'User') {
      dirty.users.set(entry.resourceId, entry.seq);
      continue;
    }
    dirty.groups.set(entry.resourceId, entry.seq);
    // With scope `all` everyone is in scope, but a group's assignment still gives its members a
    // role: its assignments and memberships move their users' roles either way.
    if (entry.kind === 'assigned' || entry.kind === 'unassigned') expand.push(entry.resourceId);
    if (entry.kind === 'memberAdded' || entry.kind === 'memberRemoved') {
      const memberId = entry.detail?.memberId;
      if (typeof memberId !== 'string') continue;
      if (entry.detail?.memberType === 'Group') {
        if (nested) expand.push(memberId);
      } else dirty.users.set(memberId, entry.seq);
    }
  }
  // The users whose entitlement an assignment or a nested membership moved.
  const visited = new Set<string>();
  for (const groupId of expand) {
    if (!(await collectUsersBelow(directory, groupId, nested, dirty, visited))) dirty.rescanUsers = true;
  }
  for (const escrow of await run.deps.state.dueEscrows(run.appId, run.deps.clock.now(), 1_000)) {
    const map = escrow.objectType === 'User' ? dirty.users : dirty.groups;
    if (!map.has(escrow.sourceId)) map.set(escrow.sourceId, undefined);
  }
  return dirty;
}

async function collectUsersBelow(
  directory: DirectoryStore,
  groupId: string,
  nested: boolean,
  dirty: DirtySet,
  visited: Set<string>,
): Promise<boolean> {
  if (visited.has(groupId)) return true;
  visited.add(groupId);
  const group = await directory.get('Group', groupId, { includeMembers: true });
  if (!group) return false;
  const members = Array.isArray(group.attributes.members) ? group.attributes.members : [];
  let complete = true;
  for (const member of members) {
    if (!isJsonObject(member) || typeof member.value !== 'string') continue;
    const isGroup = typeof member.type === 'string' && member.type.toLowerCase() === 'group';
    if (!isGroup) {
      if (!dirty.users.has(member.value)) dirty.users.set(member.value, undefined);
    } else if (nested) {
      complete = (await collectUsersBelow(directory, member.value, nested, dirty, visited)) && complete;
    }
  }
  return complete;
}

/** Plans the objects of a dirty set: users first, then groups. */
export async function processDirty(run: CycleRun, directory: DirectoryStore, dirty: DirtySet): Promise<void> {
  if (dirty.rescanUsers) {
    await fullPass(run, 'User', directory);
  } else {
    await processIds(run, directory, 'User', dirty.users);
  }
  if (!run.halted) await processIds(run, directory, 'Group', dirty.groups);
}

/** Reads each object by id and plans it, a batch at a time. */
export async function processIds(
  run: CycleRun,
  directory: DirectoryStore,
  type: StateObjectType,
  ids: ReadonlyMap<string, number | undefined>,
): Promise<void> {
  if (!run.scopes[type]) return;
  const list = [...ids];
  for (let i = 0; i < list.length && !run.halted; i += PAGE_SIZE) {
    const work: WorkItem[] = [];
    for (const [id, seq] of list.slice(i, i + PAGE_SIZE)) {
      work.push({
        id,
        resource: await readOne(directory, type, id),
        ...(seq !== undefined ? { changeSeq: seq } : {}),
      });
    }
    await run.processBatch(type, work);
  }
}

/** Looks again at objects whose references or memberships moved during the run. */
export async function processFollowUps(run: CycleRun, directory: DirectoryStore): Promise<void> {
  for (let round = 0; round < FOLLOW_UP_ROUNDS && run.followUps.size > 0 && !run.halted; round++) {
    const keys = [...run.followUps];
    run.followUps.clear();
    const byType: Record<StateObjectType, Map<string, number | undefined>> = {
      User: new Map(),
      Group: new Map(),
    };
    for (const k of keys) {
      const { type, id } = parseKey(k);
      byType[type].set(id, undefined);
    }
    await processIds(run, directory, 'User', byType.User);
    await processIds(run, directory, 'Group', byType.Group);
  }
}

/** Keys of a dirty set, for marking them scheduled. */
export function dirtyKeys(dirty: DirtySet): string[] {
  return [
    ...[...dirty.users.keys()].map((id) => key('User', id)),
    ...[...dirty.groups.keys()].map((id) => key('Group', id)),
  ];
}
