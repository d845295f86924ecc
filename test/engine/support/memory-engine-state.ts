/**
 * An in-memory EngineStateStore, only for running the engine's tests where the SQL store is not
 * available yet; the harness prefers the SQL store (openProvisioDatabase) whenever it exists.
 */
import type { JsonObject } from '../../../src/shared/json.js';
import type {
  AuditEntry,
  CycleRecord,
  CycleStatus,
  DeletionHold,
  EngineStateStore,
  Escrow,
  LeaseResult,
  Link,
  LinkInput,
  LogQuery,
  PendingReference,
  ProvisioningLogEntry,
  PutAppInput,
  Quarantine,
  StateObjectType,
  StoredAppWithSecrets,
} from '../../../src/engine/state/engine-state.js';

const k = (...parts: string[]) => parts.join('\u0000');

export class MemoryEngineState implements EngineStateStore {
  links = new Map<string, Link>();
  watermarks = new Map<string, number>();
  escrows = new Map<string, Escrow>();
  quarantines = new Map<string, Quarantine>();
  holds = new Map<string, DeletionHold>();
  pending = new Map<string, PendingReference>();
  cycles = new Map<string, CycleRecord>();
  leases = new Map<string, { holder: string; expires: Date }>();
  logs: ProvisioningLogEntry[] = [];
  audit: AuditEntry[] = [];
  apps = new Map<string, StoredAppWithSecrets>();

  async transaction<T>(work: (state: EngineStateStore) => Promise<T>): Promise<T> {
    return work(this);
  }
  async putApp(input: PutAppInput): Promise<StoredAppWithSecrets> {
    const now = new Date();
    const existing = this.apps.get(input.definition.name);
    const app: StoredAppWithSecrets = {
      id: existing?.id ?? `app-${this.apps.size + 1}`,
      definition: input.definition,
      version: (existing?.version ?? 0) + 1,
      fullSyncRequired: input.fullSyncRequired,
      created: existing?.created ?? now,
      updated: now,
      sealedCredentials: input.sealedCredentials,
    };
    this.apps.set(app.definition.name, app);
    return app;
  }
  async getApp(name: string) {
    return this.apps.get(name);
  }
  async getAppById(id: string) {
    return [...this.apps.values()].find((a) => a.id === id);
  }
  async listApps() {
    return [...this.apps.values()];
  }
  async deleteApp(name: string) {
    return this.apps.delete(name);
  }
  async setFullSyncRequired(appId: string, required: boolean) {
    for (const [name, app] of this.apps) if (app.id === appId) this.apps.set(name, { ...app, fullSyncRequired: required });
  }
  async appendAudit(entry: Omit<AuditEntry, 'id'>) {
    const stored = { ...entry, id: this.audit.length + 1 };
    this.audit.push(stored);
    return stored;
  }
  async listAudit() {
    return this.audit;
  }
  async getLink(appId: string, t: StateObjectType, id: string) {
    return this.links.get(k(appId, t, id));
  }
  async getLinks(appId: string, t: StateObjectType, ids: readonly string[]) {
    const out = new Map<string, Link>();
    for (const id of ids) {
      const link = this.links.get(k(appId, t, id));
      if (link) out.set(id, link);
    }
    return out;
  }
  async findLinkByTarget(appId: string, t: StateObjectType, targetId: string) {
    return [...this.links.values()].find((l) => l.appId === appId && l.objectType === t && l.targetId === targetId);
  }
  async putLink(link: LinkInput) {
    const existing = this.links.get(k(link.appId, link.objectType, link.sourceId));
    const now = new Date();
    const stored: Link = structuredClone({ ...link, created: existing?.created ?? now, updated: now });
    this.links.set(k(link.appId, link.objectType, link.sourceId), stored);
    return stored;
  }
  async putLinks(links: readonly LinkInput[]) {
    for (const link of links) await this.putLink(link);
  }
  async deleteLink(appId: string, t: StateObjectType, id: string) {
    return this.links.delete(k(appId, t, id));
  }
  async deleteLinksBySource(appId: string, t: StateObjectType, ids: readonly string[]) {
    let n = 0;
    for (const id of ids) if (this.links.delete(k(appId, t, id))) n++;
    return n;
  }
  async listLinks(appId: string, t: StateObjectType, page: { after?: string; limit: number }) {
    return [...this.links.values()]
      .filter((l) => l.appId === appId && l.objectType === t && (page.after === undefined || l.sourceId > page.after))
      .sort((a, b) => (a.sourceId < b.sourceId ? -1 : 1))
      .slice(0, page.limit);
  }
  async countLinks(appId: string, t?: StateObjectType) {
    return [...this.links.values()].filter((l) => l.appId === appId && (t === undefined || l.objectType === t)).length;
  }
  async deleteLinks(appId: string) {
    let n = 0;
    for (const [key, l] of this.links) if (l.appId === appId && this.links.delete(key)) n++;
    return n;
  }
  async getWatermark(appId: string) {
    return this.watermarks.get(appId);
  }
  async setWatermark(appId: string, seq: number) {
    this.watermarks.set(appId, seq);
  }
  async clearWatermark(appId: string) {
    this.watermarks.delete(appId);
  }
  async putEscrow(escrow: Escrow) {
    this.escrows.set(k(escrow.appId, escrow.objectType, escrow.sourceId), escrow);
  }
  async getEscrow(appId: string, t: StateObjectType, id: string) {
    return this.escrows.get(k(appId, t, id));
  }
  async deleteEscrow(appId: string, t: StateObjectType, id: string) {
    return this.escrows.delete(k(appId, t, id));
  }
  async dueEscrows(appId: string, now: Date, limit: number) {
    return [...this.escrows.values()].filter((e) => e.appId === appId && e.nextAttempt <= now).slice(0, limit);
  }
  async listEscrows(appId: string) {
    return [...this.escrows.values()].filter((e) => e.appId === appId);
  }
  async clearEscrows(appId: string) {
    let n = 0;
    for (const [key, e] of this.escrows) if (e.appId === appId && this.escrows.delete(key)) n++;
    return n;
  }
  async getQuarantine(appId: string) {
    return this.quarantines.get(appId);
  }
  async setQuarantine(q: Quarantine) {
    this.quarantines.set(q.appId, q);
  }
  async clearQuarantine(appId: string) {
    return this.quarantines.delete(appId);
  }
  async getDeletionHold(appId: string) {
    return this.holds.get(appId);
  }
  async setDeletionHold(hold: DeletionHold) {
    this.holds.set(hold.appId, hold);
  }
  async clearDeletionHold(appId: string) {
    return this.holds.delete(appId);
  }
  async putPendingReference(r: PendingReference) {
    this.pending.set(k(r.appId, r.objectType, r.sourceId, r.referencedType, r.referencedId), r);
  }
  async waitingOn(appId: string, t: StateObjectType, id: string) {
    return [...this.pending.values()].filter((r) => r.appId === appId && r.referencedType === t && r.referencedId === id);
  }
  async deletePendingReferences(appId: string, t: StateObjectType, id: string) {
    for (const [key, r] of this.pending) if (r.appId === appId && r.objectType === t && r.sourceId === id) this.pending.delete(key);
  }
  async clearPendingReferences(appId: string) {
    let n = 0;
    for (const [key, r] of this.pending) if (r.appId === appId && this.pending.delete(key)) n++;
    return n;
  }
  async startCycle(record: Omit<CycleRecord, 'status' | 'finished'>) {
    const stored: CycleRecord = { ...record, status: 'running' };
    this.cycles.set(record.id, stored);
    return stored;
  }
  async finishCycle(id: string, status: CycleStatus, summary: JsonObject, toSeq?: number) {
    const c = this.cycles.get(id);
    if (c) this.cycles.set(id, { ...c, status, summary, finished: new Date(), ...(toSeq !== undefined ? { toSeq } : {}) });
  }
  async listCycles(appId: string, limit: number) {
    return [...this.cycles.values()].filter((c) => c.appId === appId).reverse().slice(0, limit);
  }
  async acquireLease(appId: string, holder: string, ttlMs: number, now = new Date()): Promise<LeaseResult> {
    const current = this.leases.get(appId);
    if (current && current.holder !== holder && current.expires > now) return { acquired: false, holder: current.holder, expires: current.expires };
    const expires = new Date(now.getTime() + ttlMs);
    this.leases.set(appId, { holder, expires });
    return { acquired: true, expires };
  }
  async releaseLease(appId: string, holder: string) {
    if (this.leases.get(appId)?.holder === holder) this.leases.delete(appId);
  }
  async appendLog(entries: readonly ProvisioningLogEntry[]) {
    for (const e of entries) this.logs.push({ ...e, id: this.logs.length + 1 });
  }
  async queryLog(query: LogQuery) {
    return this.logs
      .filter((e) => e.appId === query.appId)
      .filter((e) => query.status === undefined || e.status === query.status)
      .filter((e) => query.action === undefined || e.action === query.action)
      .filter((e) => query.cycleId === undefined || e.cycleId === query.cycleId)
      .filter((e) => query.object === undefined || e.sourceId === query.object || e.sourceName === query.object)
      .reverse()
      .slice(0, query.limit ?? 100);
  }
  async pruneLog() {
    return 0;
  }
}
