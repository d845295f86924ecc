/**
 * Capabilities of a connector whose object types each configure their own operations (a REST
 * API without a search on groups, a script that lists users only). The connector-wide flags are
 * what some type can do, so that the method exists; `byType` holds, for a type, each flag where
 * its own differs, so that the engine plans that type from what it really has.
 */
import { isDeepStrictEqual } from 'node:util';
import { PER_TYPE_FLAGS, type ConnectorCapabilities, type TypeCapabilities } from './capabilities.js';
import type { ObjectType } from './connector.js';

type OwnCapabilities = Required<TypeCapabilities>;
type Granted<F extends keyof OwnCapabilities> = Exclude<OwnCapabilities[F], false>;

/** The flags of `PER_TYPE_FLAGS` for the connector, and `byType` where a type's own differ. */
export function combineTypeCapabilities(
  own: ReadonlyMap<ObjectType, OwnCapabilities>,
): OwnCapabilities & Pick<ConnectorCapabilities, 'byType'> {
  const all = [...own.values()];
  const granted = <F extends keyof OwnCapabilities>(flag: F) =>
    all.map((caps) => caps[flag]).filter((value): value is Granted<F> => value !== false);
  const finds = granted('find');
  const lists = granted('list');
  const updates = granted('update');
  const pageSizes = lists.flatMap((list) => (list.maxPageSize !== undefined ? [list.maxPageSize] : []));
  const combined: OwnCapabilities = {
    read: all.some((caps) => caps.read),
    find:
      finds.length === 0
        ? false
        : {
            attributes: finds.some((find) => find.attributes === 'any')
              ? 'any'
              : [...new Set(finds.flatMap((find) => find.attributes as string[]))],
          },
    list:
      lists.length === 0
        ? false
        : {
            paging: lists.every((list) => list.paging),
            ...(pageSizes.length > 0 ? { maxPageSize: Math.min(...pageSizes) } : {}),
          },
    update:
      updates.length === 0
        ? false
        : { mode: updates.some((update) => update.mode === 'replace') ? 'replace' : 'partial' },
    delete: all.some((caps) => caps.delete),
  };
  const byType: Partial<Record<ObjectType, TypeCapabilities>> = {};
  for (const [type, caps] of own) {
    const differs: TypeCapabilities = {};
    for (const flag of PER_TYPE_FLAGS) {
      if (!isDeepStrictEqual(caps[flag], combined[flag])) Object.assign(differs, { [flag]: caps[flag] });
    }
    if (Object.keys(differs).length > 0) byType[type] = differs;
  }
  return { ...combined, ...(Object.keys(byType).length > 0 ? { byType } : {}) };
}
