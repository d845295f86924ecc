/**
 * Fills a real directory in bulk for the engine benchmarks: users and groups through `createMany`
 * in batches (so a million users do not hold one transaction), and app assignments in
 * transactions of a thousand. Each caller says what its users and groups look like.
 */
import type { DirectoryStore } from '../../src/directory/directory-store.js';
import type { JsonObject } from '../../src/shared/json.js';
import { ENTERPRISE } from './provisioning-app.js';

const USER_BATCH = 1_000;
const GROUP_BATCH = 200;
const ASSIGN_BATCH = 1_000;

/** Creates users 0..count-1 as `user(i)` describes them; their ids, in order. */
export async function seedUsers(
  directory: DirectoryStore,
  count: number,
  user: (i: number) => JsonObject,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += USER_BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + USER_BATCH); j++) batch.push(user(j));
    for (const created of await directory.createMany('User', batch)) ids.push(created.id);
  }
  return ids;
}

/** Creates groups 0..count-1 as `group(k)` describes them; their ids, in order. */
export async function seedGroups(
  directory: DirectoryStore,
  count: number,
  group: (k: number) => JsonObject,
): Promise<string[]> {
  const ids: string[] = [];
  for (let g = 0; g < count; g += GROUP_BATCH) {
    const batch: JsonObject[] = [];
    for (let k = g; k < Math.min(count, g + GROUP_BATCH); k++) batch.push(group(k));
    for (const created of await directory.createMany('Group', batch)) ids.push(created.id);
  }
  return ids;
}

/** Assigns every given user and group to the app. */
export async function assignAll(
  directory: DirectoryStore,
  appId: string,
  userIds: readonly string[],
  groupIds: readonly string[],
): Promise<void> {
  const principals = [
    ...userIds.map((id) => ['User', id] as const),
    ...groupIds.map((id) => ['Group', id] as const),
  ];
  for (let i = 0; i < principals.length; i += ASSIGN_BATCH) {
    await directory.transaction(async (trx) => {
      for (const [kind, id] of principals.slice(i, i + ASSIGN_BATCH)) await trx.assign(appId, kind, id);
    });
  }
}

/** The user the memory and SCIM benchmarks provision: a quarter in Sales, a third engineers. */
export function contosoUser(i: number): JsonObject {
  return {
    userName: `user${i}@contoso.com`,
    displayName: `User ${i}`,
    name: { givenName: `Given${i % 97}`, familyName: `Family${i % 89}` },
    title: i % 3 === 0 ? 'Engineer' : 'Analyst',
    active: true,
    emails: [{ type: 'work', value: `user${i}@contoso.com`, primary: true }],
    [ENTERPRISE]: { department: i % 4 === 0 ? 'Sales' : 'Engineering' },
  };
}

/** Member references from user ids, as a group resource carries them. */
export function memberRefs(ids: readonly string[]): { value: string; type: string }[] {
  return ids.map((value) => ({ value, type: 'User' }));
}
