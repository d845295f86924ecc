/**
 * Orders bulk operations so that every POST whose `bulkId` is referenced runs before the operations
 * that reference it (RFC 7644 §3.7.2: references may point forward in the request), keeping the
 * request order otherwise, and finds what cannot run:
 * - a reference to a bulkId no POST in the request defines: 400 invalidValue;
 * - circular references (RFC 7644 §3.7.1: "A" member of "B" and "B" member of "A"): 409 for every
 *   operation on the cycle, naming it, and for operations that depend on one. The RFC allows
 *   stopping here with 409 instead of the create-then-patch dance; this server does so.
 */
import { ScimError } from '../scim-error.js';
import type { BulkOperation } from './bulk-request.js';

/** The execution plan of a bulk request. */
export interface BulkPlan {
  /** Operations that may run, in execution order. */
  readonly order: readonly BulkOperation[];
  /** Operations that must not run, by index, with the error to report for each. */
  readonly rejected: ReadonlyMap<number, ScimError>;
}

const UNVISITED = 0;
const VISITING = 1;
const DONE = 2;

/** Plans the operations of a parsed bulk request. Never throws. */
export function planBulkOperations(operations: readonly BulkOperation[]): BulkPlan {
  const creatorOf = new Map<string, BulkOperation>();
  for (const op of operations)
    if (op.method === 'POST' && op.bulkId !== undefined) creatorOf.set(op.bulkId, op);

  const rejected = new Map<number, ScimError>();
  const deps = new Map<number, BulkOperation[]>();
  for (const op of operations) {
    const list: BulkOperation[] = [];
    for (const ref of op.references) {
      const creator = creatorOf.get(ref);
      if (!creator) {
        rejected.set(
          op.index,
          ScimError.invalidValue(
            `Operations[${op.index}]: bulkId:${ref} does not refer to a POST operation of this request`,
          ),
        );
      } else {
        list.push(creator);
      }
    }
    deps.set(op.index, list);
  }

  // Iterative depth-first search in request order: dependencies are emitted before dependants,
  // and a dependency found on the current path is a cycle.
  const state = new Map<number, number>();
  const order: BulkOperation[] = [];
  const onCycle = new Map<number, string>();
  for (const root of operations) {
    if (state.get(root.index) === DONE) continue;
    const path: BulkOperation[] = [root];
    const next: number[] = [0];
    state.set(root.index, VISITING);
    while (path.length > 0) {
      const top = path[path.length - 1]!;
      const topDeps = deps.get(top.index)!;
      const i = next[next.length - 1]!;
      if (i < topDeps.length) {
        next[next.length - 1] = i + 1;
        const dep = topDeps[i]!;
        const depState = state.get(dep.index) ?? UNVISITED;
        if (depState === UNVISITED) {
          state.set(dep.index, VISITING);
          path.push(dep);
          next.push(0);
        } else if (depState === VISITING) {
          const start = path.indexOf(dep);
          const cycle = path.slice(start);
          const text = [...cycle, dep]
            .map((o) => `bulkId:${o.bulkId ?? '?'} (Operations[${o.index}])`)
            .join(' -> ');
          for (const member of cycle) if (!onCycle.has(member.index)) onCycle.set(member.index, text);
        }
        continue;
      }
      state.set(top.index, DONE);
      order.push(top);
      path.pop();
      next.pop();
    }
  }

  // Cycle members get the cycle; anything depending (transitively) on a rejected operation is
  // rejected too, since `order` lists dependencies first a single pass suffices.
  for (const [index, text] of onCycle) {
    rejected.set(index, ScimError.conflict(`Operations[${index}]: circular bulkId references: ${text}`));
  }
  const runnable: BulkOperation[] = [];
  for (const op of order) {
    if (rejected.has(op.index)) continue;
    const blocker = deps.get(op.index)!.find((d) => rejected.has(d.index));
    if (blocker) {
      rejected.set(
        op.index,
        ScimError.conflict(
          `Operations[${op.index}]: depends on bulkId:${blocker.bulkId ?? '?'} (Operations[${blocker.index}]), which cannot be created`,
        ),
      );
      continue;
    }
    runnable.push(op);
  }
  return { order: runnable, rejected };
}
