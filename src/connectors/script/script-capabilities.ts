/**
 * The script connector's capabilities from the operations each object type implements. A flag
 * is granted when some type has the operation (its method exists); a type that lacks it is
 * narrowed in `byType`, so the engine plans that type without it (no `find`: matched through its
 * links only). `disable` is per type through `disableCapability`; membership is native when the
 * Group type lists `members`.
 */
import {
  combineTypeCapabilities,
  disableCapability,
  type ConnectorCapabilities,
  type ObjectType,
  type TypeCapabilities,
} from '../spi/index.js';
import type { ScriptOperation } from './script-operations.js';

/** What one set of operations grants, in the capability shapes. */
function grantedBy(operations: ReadonlySet<ScriptOperation>): Required<TypeCapabilities> {
  return {
    read: operations.has('get'),
    find: operations.has('find') ? { attributes: 'any' } : false,
    list: operations.has('list') ? { paging: true } : false,
    update: operations.has('update') ? { mode: 'partial' } : false,
    delete: operations.has('delete'),
  };
}

export function scriptCapabilities(
  byTypeOperations: ReadonlyMap<ObjectType, ReadonlySet<ScriptOperation>>,
): ConnectorCapabilities {
  const types = [...byTypeOperations.keys()];
  return {
    objectTypes: types,
    ...combineTypeCapabilities(
      new Map([...byTypeOperations].map(([type, operations]) => [type, grantedBy(operations)])),
    ),
    disable: disableCapability(
      types,
      types.filter((type) => byTypeOperations.get(type)!.has('setEnabled')),
    ),
    rename: false,
    batchCreate: false,
    membership: byTypeOperations.get('Group')?.has('members') ? { kind: 'native' } : { kind: 'none' },
  };
}
