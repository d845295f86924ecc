/**
 * Which optional operations the script implements, per object type. `operations` is either one
 * list for every type or a map `{ User: [...], Group: [...] }`; both are checked here, each issue
 * naming its path, and `operationsByType` turns either into one set per type.
 */
import type { z } from 'zod';
import { ObjectType } from '../spi/index.js';

/** `members`: addMembers and removeMembers, for groups (and group answers carrying `members`). */
export const SCRIPT_OPERATIONS = [
  'get',
  'find',
  'list',
  'update',
  'delete',
  'setEnabled',
  'members',
] as const;
export type ScriptOperation = (typeof SCRIPT_OPERATIONS)[number];

/** The `operations` setting as written: one list for all types, or a list per type. */
export type ScriptOperations =
  readonly ScriptOperation[] | Partial<Record<ObjectType, readonly ScriptOperation[]>>;

const OBJECT_TYPES: readonly ObjectType[] = Object.values(ObjectType);

/** Adds an issue for every unknown type, unknown or repeated operation, and type the map lacks or has too many. */
export function checkScriptOperations(
  operations: ScriptOperations,
  objectTypes: readonly ObjectType[],
  ctx: z.core.$RefinementCtx,
): void {
  const checkList = (list: readonly string[], path: (string | number)[], types: readonly ObjectType[]) => {
    list.forEach((operation, index) => {
      if (!(SCRIPT_OPERATIONS as readonly string[]).includes(operation)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, index],
          message: `'${operation}' is not an operation; the operations are ${SCRIPT_OPERATIONS.join(', ')} (create and test are always sent)`,
        });
      } else if (list.indexOf(operation) !== index) {
        ctx.addIssue({ code: 'custom', path: [...path, index], message: `repeats '${operation}'` });
      }
    });
    const members = list.indexOf('members');
    if (members < 0) return;
    if (!types.includes('Group')) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, members],
        message:
          types.includes('User') && types.length === 1 && !Array.isArray(operations)
            ? 'members belong to groups: list members under Group'
            : 'members belong to groups: objectTypes has no Group',
      });
    } else if (!list.includes('update')) {
      // The engine sends a member change as part of an update of the group.
      ctx.addIssue({
        code: 'custom',
        path: [...path, members],
        message: 'needs update: member changes after the create are part of an update of the group',
      });
    }
  };
  if (Array.isArray(operations)) {
    checkList(operations, ['operations'], objectTypes);
    return;
  }
  const map = operations as Record<string, readonly string[]>;
  for (const [type, list] of Object.entries(map)) {
    if (!(OBJECT_TYPES as readonly string[]).includes(type)) {
      ctx.addIssue({
        code: 'custom',
        path: ['operations', type],
        message: `'${type}' is not an object type; the types are User and Group`,
      });
      continue;
    }
    if (!objectTypes.includes(type as ObjectType)) {
      ctx.addIssue({
        code: 'custom',
        path: ['operations', type],
        message: `${type} is not in objectTypes (${objectTypes.join(', ')})`,
      });
      continue;
    }
    checkList(list, ['operations', type], [type as ObjectType]);
  }
  for (const type of objectTypes) {
    if (map[type] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['operations', type],
        message: `is missing: with operations per type, list those of every type in objectTypes ([] for none)`,
      });
    }
  }
}

/** The operations of each type the script holds, from either form of the setting. */
export function operationsByType(
  operations: ScriptOperations,
  objectTypes: readonly ObjectType[],
): Map<ObjectType, ReadonlySet<ScriptOperation>> {
  const byType = new Map<ObjectType, ReadonlySet<ScriptOperation>>();
  for (const type of objectTypes) {
    const list = Array.isArray(operations)
      ? (operations as readonly ScriptOperation[]).filter((op) => op !== 'members' || type === 'Group')
      : ((operations as Partial<Record<ObjectType, readonly ScriptOperation[]>>)[type] ?? []);
    byType.set(type, new Set(list));
  }
  return byType;
}
