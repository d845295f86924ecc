/**
 * Reconciliation (Entra has none): the target's accounts, read through `list`, against what the
 * mappings give. Drift is a linked account whose values differ from the mapping's (someone edited
 * it in the target); an orphan is an account no link or matching attribute claims; a missing one is
 * an in-scope object without an account. The planner decides each, with the target's actual values
 * standing in for the link's record of the last export, so `--fix` writes exactly the drift back and
 * creates (or adopts) what is missing through the ordinary pipeline.
 */
import type { JsonObject } from '../../shared/json.js';
import type { DirectoryStore } from '../../directory/directory-store.js';
import type { TargetObject } from '../../connectors/spi/connector.js';
import type { Link, StateObjectType } from '../state/engine-state.js';
import type { CycleRun, WorkItem } from './cycle-run.js';
import { PAGE_SIZE } from './cycle-phases.js';
import type { PlannedItem, ReconcileReport } from './engine-service.js';
import { executeDecision } from './executor.js';
import { actionStepJson, logActionOf, plannedChanges } from './log-steps.js';
import { decideAction, evaluateObject, exportedAfter, MEMBERS_KEY } from './planner.js';

export async function reconcileApp(
  run: CycleRun,
  directory: DirectoryStore,
  options: { fix: boolean; name: string },
): Promise<ReconcileReport> {
  const drift: (PlannedItem & { targetId: string })[] = [];
  const orphans: ReconcileReport['orphans'][number][] = [];
  const missing: PlannedItem[] = [];
  const connector = run.calls.connector;
  for (const type of ['User', 'Group'] as const) {
    const scope = run.scopes[type];
    if (!scope || connector.list === undefined || scope.capabilities.list === false) continue;
    const targets = await listAll(run, type);
    const byMatch = matchIndex(targets, scope.type.mapping.targets);
    const claimed = new Set<string>();
    const toCreate: WorkItem[] = [];
    let startIndex = 1;
    for (;;) {
      const page = await directory.list(type, {
        startIndex,
        count: PAGE_SIZE,
        includeGroups: type === 'User' && run.assignments.mode === 'assigned',
        includeMembers: type === 'Group',
      });
      if (page.resources.length === 0) break;
      await run.loadLinks(
        type,
        page.resources.map((r) => r.id),
      );
      await run.prefetchReferences(
        type,
        page.resources.map((resource) => ({ id: resource.id, resource })),
      );
      for (const resource of page.resources) {
        const link = run.linkKnown(type, resource.id) ?? undefined;
        const attributes =
          resource.attributes.id === resource.id
            ? resource.attributes
            : { ...resource.attributes, id: resource.id };
        const entitlement =
          type === 'User' ? run.assignments.user(attributes) : run.assignments.group(resource.id);
        const lookup = (ref: { resourceType: 'User' | 'Group'; id: string }) => {
          const found = run.resolveReference(ref);
          return found
            ? { targetId: found.targetId, ...(found.targetName ? { targetName: found.targetName } : {}) }
            : undefined;
        };
        const evaluation = await evaluateObject(scope, {
          sourceId: resource.id,
          resource: attributes,
          entitlement,
          lookup,
          forCreate: true,
        });
        const account = link ? targets.get(link.targetId) : undefined;
        if (account) claimed.add(account.id);
        if (!evaluation.provisioned || evaluation.ignored) continue;
        if (link && account) {
          const actual: Link = {
            ...link,
            exported: {
              ...account.attributes,
              ...(account.members ? { [MEMBERS_KEY]: account.members } : {}),
            } as JsonObject,
            exportedHash: '',
            state: account.enabled === false ? 'disabled' : 'active',
          };
          const decision = decideAction(scope, evaluation, actual);
          if (decision.kind !== 'update') continue;
          const changes = plannedChanges(evaluation, decision);
          drift.push({
            objectType: type,
            sourceId: resource.id,
            ...(evaluation.sourceName !== undefined ? { sourceName: evaluation.sourceName } : {}),
            action: logActionOf(decision),
            targetId: link.targetId,
            changes,
            reason: 'Drift',
            steps: [evaluation.importStep, evaluation.scopeStep, actionStepJson(decision, changes)],
          });
          if (options.fix) {
            const outcome = await executeDecision(run.calls, type, decision, []);
            if (outcome.ok === true) {
              const exported = exportedAfter(evaluation, account.attributes);
              if (evaluation.members !== undefined) exported[MEMBERS_KEY] = [...(outcome.members ?? [])];
              await run.deps.state.putLink({
                ...link,
                exported,
                exportedHash: evaluation.hash,
                state: 'active',
              });
            }
          }
          continue;
        }
        const matched = evaluation.matching
          .map((m) =>
            typeof m.value === 'string'
              ? byMatch.get(`${m.attribute}\u0000${m.value.toLowerCase()}`)
              : undefined,
          )
          .find((ids) => ids !== undefined && ids.length > 0);
        if (matched) {
          for (const id of matched) claimed.add(id);
        } else {
          missing.push({
            objectType: type,
            sourceId: resource.id,
            ...(evaluation.sourceName !== undefined ? { sourceName: evaluation.sourceName } : {}),
            action: 'create',
            changes: Object.entries(evaluation.createAttributes).map(([attribute, value]) => ({
              attribute,
              old: null,
              new: evaluation.redacted.has(attribute) ? '[Redact]' : value,
            })),
            reason: link ? 'LinkedAccountMissing' : 'NoAccount',
            steps: [evaluation.importStep, evaluation.scopeStep],
          });
        }
        if (options.fix) {
          if (link) {
            await run.deps.state.deleteLink(run.appId, type, resource.id);
            run.forgetLink(type, resource.id);
          }
          toCreate.push({ id: resource.id, resource });
        }
      }
      startIndex += page.resources.length;
      if (page.resources.length < PAGE_SIZE) break;
    }
    for (const account of targets.values()) {
      if (claimed.has(account.id)) continue;
      const linked = await run.deps.state.findLinkByTarget(run.appId, type, account.id);
      if (linked) continue;
      orphans.push({
        objectType: type,
        targetId: account.id,
        ...(account.name !== undefined ? { name: account.name } : {}),
        attributes: account.attributes as JsonObject,
      });
    }
    if (options.fix && toCreate.length > 0) {
      // Planned afresh through the ordinary pipeline: match (adopt), else create.
      await run.processBatch(type, toCreate);
    }
  }
  await run.flush();
  const summary = { ...run.summaryJson() };
  if (!options.fix) {
    summary.update = drift.length;
    summary.create = missing.length;
  }
  return { app: options.name, fixed: options.fix, drift, orphans, missing, summary };
}

async function listAll(run: CycleRun, type: StateObjectType): Promise<Map<string, TargetObject>> {
  const list = run.calls.connector.list!;
  const all = new Map<string, TargetObject>();
  let cursor: string | undefined;
  for (;;) {
    const request = { objectType: type, pageSize: PAGE_SIZE, ...(cursor !== undefined ? { cursor } : {}) };
    const { value: page } = await run.calls.call(() => list(request, run.calls.abortSignal));
    for (const object of page.objects) all.set(object.id, object);
    if (page.nextCursor === undefined) break;
    cursor = page.nextCursor;
  }
  return all;
}

function matchIndex(
  targets: ReadonlyMap<string, TargetObject>,
  paths: readonly string[],
): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const object of targets.values()) {
    for (const path of paths) {
      const value = object.attributes[path];
      if (typeof value !== 'string') continue;
      const k = `${path}\u0000${value.toLowerCase()}`;
      const ids = index.get(k) ?? [];
      ids.push(object.id);
      index.set(k, ids);
    }
  }
  return index;
}
