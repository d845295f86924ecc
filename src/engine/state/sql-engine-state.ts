import type { JsonObject } from '../../shared/json.js';
import type {
  AppPause,
  AuditEntry,
  AuditQuery,
  CycleKey,
  CycleProgressCounts,
  CycleRecord,
  CycleStatus,
  DeletionHold,
  EngineStateStore,
  Escrow,
  Link,
  LinkInput,
  LinkPage,
  LeaseClaim,
  LeaseResult,
  LogQuery,
  PendingReference,
  PreparedLogEntry,
  ProvisioningLogEntry,
  PutAppInput,
  Quarantine,
  StateObjectType,
  StoredAppWithSecrets,
} from './engine-state.js';
import * as apps from './app-rows.js';
import * as cycles from './cycle-rows.js';
import * as escrows from './escrow-rows.js';
import * as guards from './guard-rows.js';
import * as links from './link-rows.js';
import * as log from './log-rows.js';
import * as pauses from './pause-rows.js';
import * as references from './reference-rows.js';
import * as watermarks from './watermark-rows.js';
import type { StateDb, StateScope, StateShared } from './state-scope.js';
import { reader, stateDb, underSavepoint, writeAtomically, writeStatement } from './state-scope.js';
import { checkDate, checkObjectType } from './state-checks.js';

/** Tries of acquireLease when the lease is released between its upsert and its read. */
const LEASE_TRIES = 5;

/**
 * EngineStateStore over kysely, on the directory's own database (SQLite or PostgreSQL; the few
 * differences are the directory's dialect adapter). An instance is the root store or, inside
 * `transaction(work)`, a view bound to the open transaction; calls on one view run one at a time
 * (await each), as on the directory's.
 *
 * Writes outside a transaction: on PostgreSQL a one-statement write runs alone (autocommit), a
 * write of several statements in a transaction; on SQLite every write joins the directory's
 * group commit (shared-database.ts). Inside a transaction every write runs under a savepoint, so
 * a failed one leaves no trace and the transaction goes on.
 */
export class SqlEngineState implements EngineStateStore {
  readonly #scope: StateScope;

  constructor(shared: StateShared, trx?: StateDb) {
    this.#scope = { shared, trx };
  }

  get #dialect() {
    return this.#scope.shared.dialect;
  }

  get #read(): StateDb {
    return reader(this.#scope);
  }

  /**
   * Joins an open transaction under a savepoint (a failure rolls back only `work`, then
   * propagates); otherwise opens one. On SQLite it runs in the directory's group commit: `work`
   * must use only the view it is given, since the root stores wait for the one connection.
   */
  async transaction<T>(work: (state: EngineStateStore) => Promise<T>): Promise<T> {
    const { shared, trx } = this.#scope;
    if (trx) return underSavepoint(trx, () => work(this));
    return shared.database.write((opened) => work(new SqlEngineState(shared, stateDb(opened))));
  }

  // ---------------------------------------------------------------- apps and audit

  async putApp(input: PutAppInput): Promise<StoredAppWithSecrets> {
    return writeStatement(this.#scope, (db) => apps.putApp(db, this.#dialect, input));
  }

  async getApp(name: string): Promise<StoredAppWithSecrets | undefined> {
    return apps.getApp(this.#read, this.#dialect, { name });
  }

  async getAppById(id: string): Promise<StoredAppWithSecrets | undefined> {
    return apps.getApp(this.#read, this.#dialect, { id });
  }

  async listApps(): Promise<readonly StoredAppWithSecrets[]> {
    return apps.listApps(this.#read, this.#dialect);
  }

  async deleteApp(name: string): Promise<boolean> {
    return writeAtomically(this.#scope, (trx) => apps.deleteApp(trx, name));
  }

  async setFullSyncRequired(appId: string, required: boolean): Promise<void> {
    return writeStatement(this.#scope, (db) => apps.setFullSyncRequired(db, appId, required));
  }

  async appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    checkDate('appendAudit', 'at', entry.at);
    return writeStatement(this.#scope, (db) => apps.appendAudit(db, this.#dialect, entry));
  }

  async listAudit(query: AuditQuery): Promise<readonly AuditEntry[]> {
    return apps.listAudit(this.#read, this.#dialect, query);
  }

  // ---------------------------------------------------------------- links

  async getLink(appId: string, objectType: StateObjectType, sourceId: string): Promise<Link | undefined> {
    return links.getLink(this.#read, this.#dialect, appId, objectType, sourceId);
  }

  async getLinks(
    appId: string,
    objectType: StateObjectType,
    sourceIds: readonly string[],
  ): Promise<ReadonlyMap<string, Link>> {
    return links.getLinks(this.#read, this.#dialect, appId, objectType, sourceIds);
  }

  async findLinkByTarget(
    appId: string,
    objectType: StateObjectType,
    targetId: string,
  ): Promise<Link | undefined> {
    return links.findLinkByTarget(this.#read, this.#dialect, appId, objectType, targetId);
  }

  async putLink(link: LinkInput): Promise<Link> {
    return writeStatement(this.#scope, (db) => links.putLink(db, this.#dialect, link));
  }

  async putLinks(batch: readonly LinkInput[]): Promise<void> {
    if (batch.length === 0) return;
    if (batch.length <= links.linkInsertChunk(this.#dialect)) {
      await writeStatement(this.#scope, (db) => links.putLinks(db, this.#dialect, batch));
      return;
    }
    await writeAtomically(this.#scope, (trx) => links.putLinks(trx, this.#dialect, batch));
  }

  async deleteLink(appId: string, objectType: StateObjectType, sourceId: string): Promise<boolean> {
    return writeStatement(this.#scope, (db) => links.deleteLink(db, appId, objectType, sourceId));
  }

  async deleteLinksBySource(
    appId: string,
    objectType: StateObjectType,
    sourceIds: readonly string[],
  ): Promise<number> {
    checkObjectType('deleteLinksBySource', objectType);
    if (sourceIds.length === 0) return 0;
    const write = sourceIds.length <= links.LINK_ID_CHUNK ? writeStatement : writeAtomically;
    return write(this.#scope, (db) =>
      links.deleteLinksBySource(db, this.#dialect, appId, objectType, sourceIds),
    );
  }

  async listLinks(appId: string, objectType: StateObjectType, page: LinkPage): Promise<readonly Link[]> {
    return links.listLinks(this.#read, this.#dialect, appId, objectType, page);
  }

  async countLinks(appId: string, objectType?: StateObjectType): Promise<number> {
    return links.countLinks(this.#read, this.#dialect, appId, objectType);
  }

  async deleteLinks(appId: string): Promise<number> {
    return writeStatement(this.#scope, (db) => links.deleteLinks(db, appId));
  }

  // ---------------------------------------------------------------- watermark

  async getWatermark(appId: string): Promise<number | undefined> {
    return watermarks.getWatermark(this.#read, this.#dialect, appId);
  }

  async setWatermark(appId: string, seq: number): Promise<void> {
    return writeStatement(this.#scope, (db) => watermarks.setWatermark(db, this.#dialect, appId, seq));
  }

  async clearWatermark(appId: string): Promise<void> {
    return writeStatement(this.#scope, (db) => watermarks.clearWatermark(db, appId));
  }

  // ---------------------------------------------------------------- escrows

  async putEscrow(escrow: Escrow): Promise<void> {
    return writeStatement(this.#scope, (db) => escrows.putEscrow(db, this.#dialect, escrow));
  }

  async getEscrow(appId: string, objectType: StateObjectType, sourceId: string): Promise<Escrow | undefined> {
    return escrows.getEscrow(this.#read, this.#dialect, appId, objectType, sourceId);
  }

  async deleteEscrow(appId: string, objectType: StateObjectType, sourceId: string): Promise<boolean> {
    return writeStatement(this.#scope, (db) => escrows.deleteEscrow(db, appId, objectType, sourceId));
  }

  async dueEscrows(appId: string, now: Date, limit: number): Promise<readonly Escrow[]> {
    return escrows.dueEscrows(this.#read, this.#dialect, appId, now, limit);
  }

  async listEscrows(appId: string): Promise<readonly Escrow[]> {
    return escrows.listEscrows(this.#read, this.#dialect, appId);
  }

  async clearEscrows(appId: string): Promise<number> {
    return writeStatement(this.#scope, (db) => escrows.clearEscrows(db, appId));
  }

  // ---------------------------------------------------------------- quarantine and holds

  async getQuarantine(appId: string): Promise<Quarantine | undefined> {
    return guards.getQuarantine(this.#read, this.#dialect, appId);
  }

  async setQuarantine(quarantine: Quarantine): Promise<void> {
    return writeStatement(this.#scope, (db) => guards.setQuarantine(db, this.#dialect, quarantine));
  }

  async clearQuarantine(appId: string): Promise<boolean> {
    return writeStatement(this.#scope, (db) => guards.clearQuarantine(db, appId));
  }

  async getDeletionHold(appId: string): Promise<DeletionHold | undefined> {
    return guards.getDeletionHold(this.#read, this.#dialect, appId);
  }

  async setDeletionHold(hold: DeletionHold): Promise<void> {
    return writeStatement(this.#scope, (db) => guards.setDeletionHold(db, this.#dialect, hold));
  }

  async clearDeletionHold(appId: string): Promise<boolean> {
    return writeStatement(this.#scope, (db) => guards.clearDeletionHold(db, appId));
  }

  // ---------------------------------------------------------------- pauses

  async setPause(pause: AppPause): Promise<AppPause> {
    return writeAtomically(this.#scope, (db) => pauses.setPause(db, this.#dialect, pause));
  }

  async getPause(appId: string): Promise<AppPause | undefined> {
    return pauses.getPause(this.#read, this.#dialect, appId);
  }

  async listPauses(): Promise<readonly AppPause[]> {
    return pauses.listPauses(this.#read, this.#dialect);
  }

  async clearPause(appId: string): Promise<boolean> {
    return writeStatement(this.#scope, (db) => pauses.clearPause(db, appId));
  }

  // ---------------------------------------------------------------- pending references

  async putPendingReference(reference: PendingReference): Promise<void> {
    return writeStatement(this.#scope, (db) => references.putPendingReference(db, reference));
  }

  async waitingOn(
    appId: string,
    referencedType: StateObjectType,
    referencedId: string,
  ): Promise<readonly PendingReference[]> {
    return references.waitingOn(this.#read, appId, referencedType, referencedId);
  }

  async deletePendingReferences(appId: string, objectType: StateObjectType, sourceId: string): Promise<void> {
    return writeStatement(this.#scope, (db) =>
      references.deletePendingReferences(db, appId, objectType, sourceId),
    );
  }

  async clearPendingReferences(appId: string): Promise<number> {
    return writeStatement(this.#scope, (db) => references.clearPendingReferences(db, appId));
  }

  // ---------------------------------------------------------------- cycles and leases

  async startCycle(record: Omit<CycleRecord, 'status' | 'finished'>): Promise<CycleRecord> {
    return writeStatement(this.#scope, (db) => cycles.startCycle(db, this.#dialect, record));
  }

  async finishCycle(id: string, status: CycleStatus, summary: JsonObject, toSeq?: number): Promise<void> {
    return writeStatement(this.#scope, (db) =>
      cycles.finishCycle(db, this.#dialect, id, status, summary, toSeq),
    );
  }

  async recordCycleProgress(id: string, progress: CycleProgressCounts): Promise<boolean> {
    return writeStatement(this.#scope, (db) => cycles.recordCycleProgress(db, id, progress));
  }

  async listCycles(appId: string, limit: number, before?: CycleKey): Promise<readonly CycleRecord[]> {
    return cycles.listCycles(this.#read, this.#dialect, appId, limit, before);
  }

  async acquireLease(
    appId: string,
    holder: string,
    ttlMs: number,
    now: Date = new Date(),
    claim?: LeaseClaim,
  ): Promise<LeaseResult> {
    // PostgreSQL: the upsert decides alone, so it runs on its own; SQLite: the upsert and the
    // read of the holder in one IMMEDIATE transaction (the group commit's).
    const attempt = (db: StateDb) => cycles.acquireLease(db, this.#dialect, appId, holder, ttlMs, now, claim);
    for (let tries = 1; ; tries += 1) {
      const result =
        this.#dialect.name === 'postgres' && !this.#scope.trx
          ? await attempt(this.#scope.shared.root)
          : await writeAtomically(this.#scope, attempt);
      if (result) return result;
      if (tries >= LEASE_TRIES)
        throw new Error(`acquireLease: the lease of app ${appId} kept changing hands`);
    }
  }

  async releaseLease(appId: string, holder: string): Promise<void> {
    return writeStatement(this.#scope, (db) => cycles.releaseLease(db, appId, holder));
  }

  // ---------------------------------------------------------------- provisioning log

  async appendLog(entries: readonly (ProvisioningLogEntry | PreparedLogEntry)[]): Promise<void> {
    if (entries.length === 0) return;
    // Every entry is checked before the first row is written.
    const parts = log.logRowChunks(entries, this.#dialect);
    if (parts.length === 1) {
      await writeStatement(this.#scope, (db) => log.insertLogRows(db, this.#dialect, parts[0]!));
      return;
    }
    await writeAtomically(this.#scope, async (trx) => {
      for (const part of parts) await log.insertLogRows(trx, this.#dialect, part);
    });
  }

  async queryLog(query: LogQuery): Promise<readonly ProvisioningLogEntry[]> {
    return log.queryLog(this.#read, this.#dialect, query);
  }

  /** Deletes in chunks, each its own write, so a large prune never holds the lock for long. */
  async pruneLog(olderThan: Date): Promise<number> {
    checkDate('pruneLog', 'olderThan', olderThan);
    let total = 0;
    for (;;) {
      const deleted = await writeStatement(this.#scope, (db) =>
        log.pruneLogChunk(db, this.#dialect, olderThan),
      );
      total += deleted;
      if (deleted < log.LOG_PRUNE_CHUNK) return total;
    }
  }
}
