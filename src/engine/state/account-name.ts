/**
 * The name a managed account shows for its directory object (`provisio accounts`, the console's
 * Accounts page): read from what was last exported, so listing accounts needs no directory read.
 * The accounts search matches it in SQL (link-rows.ts), so both read the same attributes.
 */
import type { JsonObject } from '../../shared/json.js';
import type { StateObjectType } from './engine-state.js';

/** The exported attributes an account's name is read from: the first of them that is a string. */
export const ACCOUNT_NAME_ATTRIBUTES: Readonly<Record<StateObjectType, readonly string[]>> = {
  User: ['userName', 'uid'],
  Group: ['displayName', 'cn'],
};

export function accountSourceName(objectType: StateObjectType, exported: JsonObject): string | undefined {
  for (const attribute of ACCOUNT_NAME_ATTRIBUTES[objectType]) {
    const value = exported[attribute];
    if (typeof value === 'string') return value;
  }
  return undefined;
}
