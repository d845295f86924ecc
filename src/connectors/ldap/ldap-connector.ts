/**
 * The LDAP connector: users and groups as entries of an LDAP directory (OpenLDAP, 389 DS, AD LDS,
 * Active Directory), over ldapts. Objects are named by a server-assigned anchor (entryUUID, AD's
 * objectGUID), so a rename or move (modify DN) never breaks the engine's link; the DN is the
 * object's `name`. Writes by DN carry an assertion on the anchor, so a DN that meanwhile names
 * another entry is never written to: the entry is then looked up by its anchor and the write
 * retried once. Planning lives in `ldap-entry-plan.ts`, reading in `ldap-entry-view.ts`,
 * connections in `ldap-session.ts`, groups following a renamed or deleted member in
 * `ldap-group-references.ts`.
 */
import { randomUUID } from 'node:crypto';
import { EqualityFilter, Change, Attribute, type Client, type Entry, type SearchResult } from 'ldapts';
import {
  ConnectorError,
  withTargetRef,
  type Connector,
  type ConnectorCapabilities,
  type CreateRequest,
  type FindRequest,
  type ListPage,
  type ListRequest,
  type ObjectRequest,
  type ObjectType,
  type RenameRequest,
  type SetEnabledRequest,
  type TargetAttributes,
  type TargetObject,
  type TargetRef,
  type UpdateRequest,
} from '../spi/index.js';
import { AssertionControl, PostReadControl, permissiveModify } from './ldap-controls.js';
import { canonicalDn, dnKey, firstRdn, type DnSyntaxError } from './ldap-dn.js';
import {
  attributeValue,
  containerFor,
  dnBeforeChanges,
  isEnabled,
  moveTo,
  planAdd,
  planModify,
  preciseMemberChanges,
  stateChanges,
  touchesName,
  typeConfig,
  type MemberValue,
} from './ldap-entry-plan.js';
import { attributesToRead, binaryAttributes, viewEntry } from './ldap-entry-view.js';
import { LdapResultCode, ldapError } from './ldap-errors.js';
import { GroupReferences } from './ldap-group-references.js';
import { equalityFilter, objectClassFilter } from './ldap-filter.js';
import { LdapSessionPool } from './ldap-session.js';
import { isEncrypted, type GroupConfig, type LdapConfig, type UserConfig } from './ldap-settings.js';
import { isGuidText, toLdapValues } from './ldap-values.js';

const DN_CACHE_LIMIT = 50_000;
const LEAVES_OWED_LIMIT = 10_000;
const WALK_IDLE_MS = 10 * 60_000;

/** A deleted entry as its groups list it: by DN, and (a user, for posixGroups) by uid. */
interface LeavingEntry {
  dn: string;
  uid: string | undefined;
}

interface ListWalk {
  objectType: ObjectType;
  client: Client;
  pages: AsyncGenerator<SearchResult>;
  buffer: Entry[];
  done: boolean;
  served: number;
  timer: NodeJS.Timeout;
}

/**
 * A value as the loosest common equality rules compare it (case, spaces and hyphens ignored, as
 * caseIgnoreMatch, numericStringMatch and telephoneNumberMatch do), so that an entry a shared
 * search answered is never given to a find the server would not have matched it to.
 */
function looseValue(value: string): string {
  return value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s-]+/g, '');
}

/** At most this many finds share one search (the filter stays short, the answer small). */
const FIND_BATCH_LIMIT = 50;

interface PendingFind {
  value: string;
  signal: AbortSignal;
  resolve(entries: Entry[]): void;
  reject(error: unknown): void;
}

/** Finds of one type and attribute waiting for the end of the event loop's turn. */
interface FindBatch {
  objectType: ObjectType;
  type: UserConfig | GroupConfig;
  attribute: string;
  pending: PendingFind[];
}

/** Builds the connector for resolved settings; `baseDirectory` resolves `tls.caFile`. */
export function createLdapConnector(config: LdapConfig, baseDirectory: string): Connector {
  return new LdapConnector(config, baseDirectory);
}

class LdapConnector implements Connector {
  readonly capabilities: ConnectorCapabilities;
  readonly setEnabled?: (request: SetEnabledRequest, signal: AbortSignal) => Promise<void>;
  readonly #config: LdapConfig;
  readonly #pool: LdapSessionPool;
  readonly #dns = new Map<string, string>();
  readonly #names = new Map<string, string>();
  readonly #walks = new Map<string, ListWalk>();
  readonly #finds = new Map<string, FindBatch>();
  readonly #classFilters = new Map<UserConfig | GroupConfig, string>();
  /** Attribute names as requests spelled them, so each spelling is learnt once. */
  readonly #spellings = new Set<string>();
  /** Groups following their members' renames and deletes (refint's work, done by the connector). */
  readonly #groupRefs: GroupReferences;
  /** Deleted entries whose groups still list them (the removal failed): the retry finishes it. */
  readonly #leavesOwed = new Map<string, LeavingEntry>();

  constructor(config: LdapConfig, baseDirectory: string) {
    this.#config = config;
    this.#pool = new LdapSessionPool(config, baseDirectory);
    this.#groupRefs = new GroupReferences(config, {
      search: (what, signal, base, filter, attributes, scope) =>
        this.#search(what, signal, base, filter, attributes, scope),
      modify: (what, signal, dn, changes, controls = []) =>
        this.#pool.run(what, signal, (client) => client.modify(dn, changes, controls)),
    });
    // Only the types with a strategy can be disabled: the engine deprovisions the others by delete.
    const disableTypes = [
      ...(config.users && config.users.disable.strategy !== 'none' ? ['User' as const] : []),
      ...(config.groups && config.groups.disable.strategy !== 'none' ? ['Group' as const] : []),
    ];
    const canDisable = disableTypes.length > 0;
    this.capabilities = {
      objectTypes: [...(config.users ? ['User' as const] : []), ...(config.groups ? ['Group' as const] : [])],
      read: true,
      find: { attributes: 'any' },
      list: { paging: true, maxPageSize: config.maxPageSize },
      update: { mode: 'partial' },
      delete: true,
      disable: canDisable && { objectTypes: disableTypes },
      rename: true,
      batchCreate: false,
      membership: config.groups
        ? { kind: 'attribute', attribute: config.groups.memberAttribute, reference: 'name' }
        : { kind: 'none' },
    };
    // setEnabled exists exactly when some type can be disabled (the capability and the method agree).
    if (canDisable) this.setEnabled = (request, signal) => this.#setEnabled(request, signal);
  }

  async testConnection(signal: AbortSignal): Promise<void> {
    await this.#pool.run(
      'testConnection',
      signal,
      (client) => client.search(this.#config.baseDn, { scope: 'base', attributes: ['1.1'] }),
      { retryOnDrop: true },
    );
  }

  async create(request: CreateRequest, signal: AbortSignal): Promise<TargetObject> {
    const type = typeConfig(this.#config, request.objectType);
    this.#learnNames(Object.keys(request.attributes));
    if (signal.aborted) throw new ConnectorError('timeout', 'create: aborted before it was sent');
    for (const attribute of type.unique) {
      const values = toLdapValues(attribute, attributeValue(request.attributes, attribute));
      if (values.length === 0) continue;
      const held = await this.#search(
        'create: uniqueness check',
        signal,
        type.searchBase,
        this.#typeFilter(type, equalityFilter(attribute, values[0]!)),
        ['1.1'],
      );
      if (held.length > 0) {
        throw new ConnectorError(
          'already_exists',
          `create: an entry with ${attribute} = ${JSON.stringify(values[0])} already exists`,
          {
            detail: held[0]!.dn,
          },
        );
      }
    }
    const memberValues =
      request.objectType === 'Group'
        ? await this.#memberValues(
            type as GroupConfig,
            attributeValue(request.attributes, (type as GroupConfig).memberAttribute),
            signal,
          )
        : undefined;
    const plan = planAdd(this.#config, request.objectType, request.attributes, {
      name: request.name,
      disabled: request.enabled === false,
      encrypted: isEncrypted(this.#config),
      ...(memberValues ? { memberValues } : {}),
    });
    const postRead = new PostReadControl(attributesToRead(this.#config, type));
    await this.#pool.run(`create ${plan.dn}`, signal, (client) =>
      client.add(plan.dn, plan.attributes, [postRead]),
    );
    // The add answered the new entry (post-read); a server without the control is asked again.
    const [entry] = postRead.entry
      ? [postRead.entry]
      : await this.#search(
          `create ${plan.dn}: reading it back`,
          signal,
          plan.dn,
          undefined,
          attributesToRead(this.#config, type),
          'base',
        );
    if (entry === undefined)
      throw new ConnectorError('invalid_response', `create ${plan.dn}: the new entry cannot be read back`);
    const object = await this.#view(request.objectType, entry, signal);
    this.#remember(object.id, object.name!);
    return object;
  }

  async get(request: ObjectRequest, signal: AbortSignal): Promise<TargetObject> {
    const entry = await this.#locate(request.objectType, request.ref.id, signal);
    return this.#view(request.objectType, entry, signal);
  }

  async find(request: FindRequest, signal: AbortSignal): Promise<TargetObject[]> {
    const type = typeConfig(this.#config, request.objectType);
    let values: string[];
    try {
      values = toLdapValues(request.attribute, request.value);
    } catch {
      return [];
    }
    if (values.length === 0) return [];
    if (request.attribute.toLowerCase() === this.#config.anchorAttribute.toLowerCase()) {
      return this.get({ objectType: request.objectType, ref: { id: values[0]! } }, signal).then(
        (object) => [object],
        (error: unknown) => {
          if (error instanceof ConnectorError && error.code === 'not_found') return [];
          throw error;
        },
      );
    }
    const entries = await this.#findEntries(request.objectType, type, request.attribute, values[0]!, signal);
    const objects: TargetObject[] = [];
    for (const entry of entries) objects.push(await this.#view(request.objectType, entry, signal));
    for (const object of objects) this.#remember(object.id, object.name!);
    return objects;
  }

  /**
   * The entries whose `attribute` equals `value`. Finds of one type and attribute asked in the
   * same turn of the event loop (a cycle matching its batch of new objects) share one search,
   * `(|(a=v1)(a=v2)...)`, and each takes the entries holding exactly its value. The server may
   * match more loosely than exact text (case, spaces): a find whose value no entry holds exactly
   * while the shared search did answer entries is asked on its own, as is every find of a batch
   * whose search failed. An empty answer is final for all of them: no entry matched any.
   */
  #findEntries(
    objectType: ObjectType,
    type: UserConfig | GroupConfig,
    attribute: string,
    value: string,
    signal: AbortSignal,
  ): Promise<Entry[]> {
    const key = `${objectType}\0${attribute.toLowerCase()}`;
    let batch = this.#finds.get(key);
    if (batch === undefined || batch.pending.length >= FIND_BATCH_LIMIT) {
      const opened: FindBatch = { objectType, type, attribute, pending: [] };
      this.#finds.set(key, opened);
      setImmediate(() => {
        if (this.#finds.get(key) === opened) this.#finds.delete(key);
        void this.#runFinds(opened);
      });
      batch = opened;
    }
    const pending = batch.pending;
    return new Promise<Entry[]>((resolve, reject) => pending.push({ value, signal, resolve, reject }));
  }

  async #runFinds(batch: FindBatch) {
    const { type, attribute, pending } = batch;
    const alone = (find: PendingFind) =>
      this.#search(
        `find ${attribute}`,
        find.signal,
        type.searchBase,
        this.#typeFilter(type, equalityFilter(attribute, find.value)),
        attributesToRead(this.#config, type),
      ).then(find.resolve, find.reject);
    if (pending.length === 1) return alone(pending[0]!);
    const distinct = [...new Set(pending.map((f) => f.value))];
    let entries: Entry[];
    try {
      entries = await this.#search(
        `find ${attribute} (${distinct.length} values)`,
        pending[0]!.signal,
        type.searchBase,
        this.#typeFilter(type, `(|${distinct.map((v) => equalityFilter(attribute, v)).join('')})`),
        attributesToRead(this.#config, type),
      );
    } catch {
      await Promise.all(pending.map(alone));
      return;
    }
    const lower = attribute.toLowerCase();
    const held = entries.map((entry) => {
      const own = Object.hasOwn(entry, attribute)
        ? attribute
        : Object.keys(entry).find((k) => k.toLowerCase() === lower);
      const raw = own === undefined ? [] : entry[own]!;
      const values = (Array.isArray(raw) ? raw : [raw]).map(String);
      return { values, loose: values.map(looseValue) };
    });
    await Promise.all(
      pending.map((find) => {
        if (entries.length === 0) return find.resolve([]);
        // Entries the server may have matched to this value: any holding it, loosely compared.
        const wanted = looseValue(find.value);
        const candidates = entries.flatMap((entry, i) =>
          held[i]!.loose.includes(wanted) ? [{ entry, values: held[i]!.values }] : [],
        );
        const exact = candidates.every((c) => c.values.includes(find.value));
        // A DN-valued or loosely held value is left to the server's own matching rule.
        if (!exact || find.value.includes('=')) return alone(find);
        return find.resolve(candidates.map((c) => c.entry));
      }),
    );
  }

  async list(request: ListRequest, signal: AbortSignal): Promise<ListPage> {
    const type = typeConfig(this.#config, request.objectType);
    const size = Math.max(1, Math.min(request.pageSize, this.#config.maxPageSize));
    let token: string;
    let walk: ListWalk | undefined;
    let offset = 0;
    if (request.cursor !== undefined) {
      const cursor = parseCursor(request.cursor);
      if (cursor === undefined || cursor.type !== request.objectType) {
        throw new ConnectorError(
          'schema_violation',
          `list: '${request.cursor}' is not a cursor of this connector`,
        );
      }
      token = cursor.token;
      offset = cursor.offset;
      walk = this.#walks.get(token);
      if (walk !== undefined && walk.served !== offset) {
        await this.#endWalk(token);
        walk = undefined;
      }
    } else {
      token = randomUUID();
    }
    if (walk === undefined) {
      // A new walk, or one whose connection (and so the server's paging state) is gone: start
      // the paged search again and skip what was served already.
      walk = await this.#startWalk(token, request.objectType, type);
      await this.#fill(walk, offset + size + 1, signal);
      walk.buffer.splice(0, offset);
      walk.served = offset;
    }
    await this.#fill(walk, size + 1, signal);
    walk.timer.refresh();
    const entries = walk.buffer.splice(0, size);
    walk.served += entries.length;
    const objects: TargetObject[] = [];
    for (const entry of entries) objects.push(await this.#view(request.objectType, entry, signal));
    if (walk.buffer.length === 0 && walk.done) {
      await this.#endWalk(token);
      return { objects };
    }
    return { objects, nextCursor: formatCursor({ token, offset: walk.served, type: request.objectType }) };
  }

  /** Returns the entry's new ref when the update moved it (a new DN); nothing otherwise. */
  async update(request: UpdateRequest, signal: AbortSignal): Promise<TargetRef | undefined> {
    const type = typeConfig(this.#config, request.objectType);
    this.#learnNames(request.changes.map((c) => c.attribute));
    let current: { dn: string; attributes: TargetAttributes } | undefined;
    const uidChange = this.#posixUidChange(request);
    if (touchesName(type, request.changes) || uidChange !== undefined) {
      const object = await this.get({ objectType: request.objectType, ref: request.ref }, signal);
      current = { dn: object.name!, attributes: object.attributes };
    }
    const memberValue = await this.#memberValueLookup(request.objectType, type, request.changes, signal);
    const plan = planModify(this.#config, request.objectType, request.changes, {
      encrypted: isEncrypted(this.#config),
      ...(current ? { current } : {}),
      ...(memberValue ? { memberValue } : {}),
    });
    let ref: TargetRef = current ? { id: request.ref.id, name: current.dn } : request.ref;
    if (plan.newDn !== undefined) ref = await this.#move(request.objectType, ref, plan.newDn, signal);
    // The DN the engine is to keep: the entry's name changed with the move, or before this update
    // (an earlier try moved it, then failed).
    const renamed =
      plan.newDn !== undefined ||
      (current !== undefined &&
        request.ref.name !== undefined &&
        dnKey(current.dn) !== dnKey(request.ref.name))
        ? ref
        : undefined;
    const rest = { plan, ref, current, memberValue, uidChange };
    const formerNames = current === undefined ? [] : this.#formerNames(request, current);
    const finish = async () => {
      // An earlier try moved the entry and then failed to rewrite its groups: they still list a
      // name the entry had before; this try rewrites them too.
      for (const former of formerNames)
        if (dnKey(former) !== dnKey(ref.name!))
          await this.#groupRefs.renameDn(former, ref.name!, signal, true);
      await this.#modifyAfterMove(request, type, rest, signal);
    };
    if (renamed === undefined) {
      await finish();
      return undefined;
    }
    try {
      await finish();
    } catch (error) {
      // The entry has its new DN whatever failed after the move: the engine must not lose it.
      throw withTargetRef(error, renamed);
    }
    return renamed;
  }

  /**
   * Names an entry had before this update other than the DN it has now: the name the engine gave,
   * and the DN the changes' old values place it at. Both are the entry's DN on a first try; they
   * differ when an earlier try of the update moved the entry (a posixGroup's uids are followed by
   * `#modifyAfterMove` instead; Active Directory keeps member links itself).
   */
  #formerNames(request: UpdateRequest, current: { dn: string; attributes: TargetAttributes }): string[] {
    if (this.#config.profile === 'activeDirectory') return [];
    const type = typeConfig(this.#config, request.objectType);
    const names = new Map<string, string>();
    for (const name of [safeDn(request.ref.name), dnBeforeChanges(type, request.changes, current)]) {
      if (name !== undefined && dnKey(name) !== dnKey(current.dn)) names.set(dnKey(name), name);
    }
    return [...names.values()];
  }

  /** The rest of an update once the entry has its DN: the modify, and the uid followed into groups. */
  async #modifyAfterMove(
    request: UpdateRequest,
    type: UserConfig | GroupConfig,
    update: {
      readonly plan: ReturnType<typeof planModify>;
      readonly ref: TargetRef;
      readonly current: { dn: string; attributes: TargetAttributes } | undefined;
      readonly memberValue: MemberValue | undefined;
      readonly uidChange: UpdateRequest['changes'][number] | undefined;
    },
    signal: AbortSignal,
  ): Promise<undefined> {
    const { plan, ref, current, memberValue, uidChange } = update;
    const changes = [...plan.changes, ...plan.memberChanges];
    // The uid the posixGroups list this user by, as the entry holds it before the update.
    const oldUid =
      uidChange === undefined || current === undefined
        ? undefined
        : firstString(attributeValue(current.attributes, uidChange.attribute));
    const followUid = async () => {
      const newUid = firstString(uidChange?.newValue);
      if (newUid === undefined) return;
      if (oldUid !== undefined) await this.#groupRefs.renameUid(oldUid, newUid, signal);
      // An earlier try changed the uid and then failed to follow it into the groups: the entry
      // holds the new uid already, the groups may still list the engine's old one.
      const engineOld = firstString(uidChange?.oldValue);
      if (engineOld !== undefined && engineOld !== oldUid && engineOld !== newUid)
        await this.#groupRefs.renameUid(engineOld, newUid, signal, true);
    };
    if (changes.length === 0) {
      if (plan.newDn === undefined) await this.#locate(request.objectType, request.ref.id, signal);
      await followUid();
      return undefined;
    }
    const send = (all: Change[]) =>
      this.#write(request.objectType, ref, signal, 'update', (client, dn, controls) =>
        client.modify(dn, all, plan.memberChanges.length > 0 ? [...controls, permissiveModify] : controls),
      );
    try {
      await send(changes);
      await followUid();
    } catch (error) {
      const memberChange = request.changes.find(
        (c) => c.attribute.toLowerCase() === (type as GroupConfig).memberAttribute?.toLowerCase(),
      );
      const refused =
        error instanceof ConnectorError &&
        (error.targetCode === LdapResultCode.noSuchAttribute ||
          error.targetCode === LdapResultCode.attributeOrValueExists);
      if (!refused || memberChange === undefined || request.objectType !== 'Group') throw error;
      // The group does not hold what the engine thought: redo the member part from what it holds.
      const group = type as GroupConfig;
      const held = await this.#heldMembers(group, request.ref.id, signal);
      const precise = preciseMemberChanges(group, memberChange, held, memberValue ?? ((dn) => dn));
      const retry = [...plan.changes, ...precise];
      if (retry.length > 0) await send(retry);
    }
    return undefined;
  }

  /** A user's change of the attribute posixGroups list members by (`memberUid` holds its value). */
  #posixUidChange(request: UpdateRequest): UpdateRequest['changes'][number] | undefined {
    const groups = this.#config.groups;
    if (request.objectType !== 'User' || groups?.type !== 'posixGroup') return undefined;
    const attribute = groups.memberUidAttribute.toLowerCase();
    return request.changes.find((c) => c.attribute.toLowerCase() === attribute);
  }

  /** The member attribute's values as stored, read from the group's entry. */
  async #heldMembers(group: GroupConfig, id: string, signal: AbortSignal): Promise<string[]> {
    const entry = await this.#locate('Group', id, signal);
    const key = Object.keys(entry).find((k) => k.toLowerCase() === group.memberAttribute.toLowerCase());
    const raw = key === undefined ? [] : entry[key]!;
    return (Array.isArray(raw) ? raw : [raw]).map(String);
  }

  /**
   * Deletes the entry, then takes it out of every group that lists it, as refint would (Active
   * Directory does that itself). A removal that fails after the delete fails the call, and the
   * engine's retry, which finds the entry gone, finishes it before answering `not_found`.
   */
  async delete(request: ObjectRequest, signal: AbortSignal): Promise<void> {
    const { objectType, ref } = request;
    if (this.#config.profile === 'activeDirectory') {
      await this.#write(objectType, ref, signal, 'delete', (client, dn, controls) =>
        client.del(dn, controls),
      );
      this.#dns.delete(ref.id);
      return;
    }
    let leaving: LeavingEntry | undefined;
    try {
      // posixGroups list a user by uid, which is read before the entry goes.
      const uidAttribute = this.#posixUidAttribute(objectType);
      const entry = uidAttribute === undefined ? undefined : await this.#locate(objectType, ref.id, signal);
      const uid = entry && firstEntryValue(entry, uidAttribute!);
      const at: TargetRef = entry ? { id: ref.id, name: canonicalDn(entry.dn) } : ref;
      await this.#write(objectType, at, signal, 'delete', async (client, dn, controls) => {
        // Owed from now on, a delete whose answer is lost may have happened (what an earlier try
        // knew of a deleted entry is kept: this DN may be a stale one tried first).
        if (!this.#leavesOwed.has(ref.id)) this.#owe(ref.id, { dn, uid });
        await client.del(dn, controls);
        leaving = { dn, uid };
      });
    } catch (error) {
      if (!(error instanceof ConnectorError) || error.code !== 'not_found') throw error;
      // Gone already: an earlier try deleted it and failed to empty its groups, or someone else
      // deleted it. What the groups list of it is known from that try, else from the engine's
      // ref; a DN another entry holds by now is that entry's, and so are its groups.
      const owed = this.#leavesOwed.get(ref.id) ?? this.#leavingByName(objectType, ref.name);
      if (owed !== undefined) await this.#leaveGroups(ref.id, owed, signal, true);
      throw error;
    }
    this.#dns.delete(ref.id);
    await this.#leaveGroups(ref.id, leaving!, signal, false);
  }

  /** Remembers what a deleted entry's groups list of it, until they no longer do. */
  #owe(id: string, leaving: LeavingEntry) {
    this.#leavesOwed.delete(id);
    this.#leavesOwed.set(id, leaving);
    if (this.#leavesOwed.size > LEAVES_OWED_LIMIT)
      this.#leavesOwed.delete(this.#leavesOwed.keys().next().value!);
  }

  /** posixGroup: the user attribute memberUid lists users by, when deleting a user. */
  #posixUidAttribute(objectType: ObjectType): string | undefined {
    const groups = this.#config.groups;
    return objectType === 'User' && groups?.type === 'posixGroup' ? groups.memberUidAttribute : undefined;
  }

  /** A deleted entry as the engine's ref names it; its uid only when that names the entry. */
  #leavingByName(objectType: ObjectType, name: string | undefined): LeavingEntry | undefined {
    const dn = safeDn(name);
    if (dn === undefined) return undefined;
    const uidAttribute = this.#posixUidAttribute(objectType)?.toLowerCase();
    const own = firstRdn(dn).find((a) => a.type.toLowerCase() === uidAttribute && !a.hex);
    return { dn, uid: own?.value };
  }

  /** The deleted entry leaves its groups; kept as owed until it has, so that a retry finishes. */
  async #leaveGroups(id: string, leaving: LeavingEntry, signal: AbortSignal, onlyIfVacant: boolean) {
    this.#owe(id, leaving);
    await this.#groupRefs.removeDn(leaving.dn, signal, onlyIfVacant);
    if (leaving.uid !== undefined) await this.#groupRefs.removeUid(leaving.uid, signal);
    this.#leavesOwed.delete(id);
  }

  async rename(request: RenameRequest, signal: AbortSignal): Promise<TargetRef> {
    typeConfig(this.#config, request.objectType);
    let newName: string;
    try {
      newName = canonicalDn(request.newName);
    } catch (error) {
      throw new ConnectorError('schema_violation', `rename: ${(error as DnSyntaxError).message}`);
    }
    return this.#move(request.objectType, request.ref, newName, signal);
  }

  async close(): Promise<void> {
    for (const token of [...this.#walks.keys()]) await this.#endWalk(token);
    await this.#pool.close();
  }

  async #setEnabled(request: SetEnabledRequest, signal: AbortSignal): Promise<void> {
    const type = typeConfig(this.#config, request.objectType);
    const strategy = type.disable;
    const what = `setEnabled(${request.enabled})`;
    switch (strategy.strategy) {
      case 'none':
        throw new ConnectorError(
          'schema_violation',
          `${what}: ${request.objectType === 'User' ? 'users' : 'groups'} have no disable strategy`,
        );
      case 'attribute': {
        const changes = stateChanges(this.#config, type, !request.enabled, {});
        await this.#write(request.objectType, request.ref, signal, what, (client, dn, controls) =>
          client.modify(dn, changes, controls),
        );
        return;
      }
      case 'userAccountControl': {
        // Delete the value read and add the new one in one modify: if someone changed the flags
        // in between, the delete fails instead of overwriting their change.
        const entry = await this.get({ objectType: request.objectType, ref: request.ref }, signal);
        const current = attributeValue(entry.attributes, 'userAccountControl');
        const [next] = stateChanges(this.#config, type, !request.enabled, entry.attributes);
        const changes =
          current === undefined || current === null
            ? [next!]
            : [
                new Change({
                  operation: 'delete',
                  modification: new Attribute({ type: 'userAccountControl', values: [String(current)] }),
                }),
                new Change({ operation: 'add', modification: next!.modification }),
              ];
        await this.#write(request.objectType, entry, signal, what, (client, dn, controls) =>
          client.modify(dn, changes, controls),
        );
        return;
      }
      case 'container': {
        const entry = await this.get({ objectType: request.objectType, ref: request.ref }, signal);
        const enabledNow = isEnabled(type, entry.name!, entry.attributes);
        if (enabledNow === request.enabled) return;
        const target = request.enabled ? containerFor(type, entry.attributes) : strategy.container;
        // Groups are not rewritten: a disabled account is no member (the engine takes it out of
        // the groups it provisions by the DN it knows), and others list the DN it comes back to.
        await this.#move(request.objectType, entry, moveTo(entry.name!, target), signal, {
          followInGroups: false,
        });
        return;
      }
    }
  }

  /**
   * Modify DN: keeps the entry (and its anchor), changes its name; the new DN must be free. Unless
   * told otherwise, the groups listing the entry (or its uid) then list its new name.
   */
  async #move(
    objectType: ObjectType,
    ref: TargetRef,
    newDn: string,
    signal: AbortSignal,
    options: { followInGroups: boolean } = { followInGroups: true },
  ): Promise<TargetRef> {
    let moved = newDn;
    let oldDn: string | undefined;
    await this.#write(objectType, ref, signal, `rename to ${newDn}`, async (client, dn, controls) => {
      if (dnKey(dn) === dnKey(newDn)) return;
      await client.modifyDN(dn, newDn, controls);
      oldDn = dn;
    });
    if (this.#config.profile === 'activeDirectory') moved = canonicalDn(newDn);
    this.#remember(ref.id, moved);
    const movedRef = { id: ref.id, name: moved };
    // A user or a group (nested groups are DN-valued members too) stays in the groups listing it.
    if (oldDn !== undefined && options.followInGroups && this.#config.profile !== 'activeDirectory') {
      try {
        await this.#groupRefs.renameDn(oldDn, moved, signal);
        // A uid that names the entry changes with the move (the old RDN value is not kept).
        const uidAttribute = this.#config.groups?.memberUidAttribute.toLowerCase();
        const uidOf = (dn: string) =>
          firstRdn(dn).find((a) => a.type.toLowerCase() === uidAttribute && !a.hex);
        const [before, after] = [uidOf(oldDn), uidOf(moved)];
        // memberUid holds users' uids only: a group's naming value is never one.
        if (objectType === 'User' && before !== undefined && after !== undefined)
          await this.#groupRefs.renameUid(before.value, after.value, signal);
      } catch (error) {
        // The entry is moved even though a group still lists its old name.
        throw withTargetRef(error, movedRef);
      }
    }
    return movedRef;
  }

  /**
   * Runs a write on an object's entry. The DN comes from the cache or the engine's ref (fast) and
   * the write asserts the anchor; if the entry there is gone or is another one, the entry is
   * found by its anchor and the write runs once more.
   */
  async #write(
    objectType: ObjectType,
    ref: TargetRef,
    signal: AbortSignal,
    what: string,
    write: (client: Client, dn: string, controls: AssertionControl[]) => Promise<void>,
  ): Promise<void> {
    if (this.#config.profile === 'activeDirectory') {
      const dn = guidDn(ref.id);
      await this.#pool.run(`${what} <GUID=${ref.id}>`, signal, (client) => write(client, dn, []));
      return;
    }
    const controls = [
      new AssertionControl(new EqualityFilter({ attribute: this.#config.anchorAttribute, value: ref.id })),
    ];
    const hint = this.#dns.get(ref.id) ?? safeDn(ref.name);
    if (hint !== undefined) {
      try {
        await this.#pool.run(`${what} ${hint}`, signal, (client) => write(client, hint, controls));
        return;
      } catch (error) {
        const stale =
          error instanceof ConnectorError &&
          (error.targetCode === LdapResultCode.noSuchObject ||
            error.targetCode === LdapResultCode.assertionFailed);
        if (!stale) throw error;
        this.#dns.delete(ref.id);
      }
    }
    const entry = await this.#locate(objectType, ref.id, signal);
    const dn = canonicalDn(entry.dn);
    await this.#pool.run(`${what} ${dn}`, signal, (client) => write(client, dn, controls));
  }

  /** The entry of an object by its anchor; `not_found` when there is none. */
  async #locate(objectType: ObjectType, id: string, signal: AbortSignal): Promise<Entry> {
    const type = typeConfig(this.#config, objectType);
    const attributes = attributesToRead(this.#config, type);
    let entries: Entry[];
    if (this.#config.profile === 'activeDirectory') {
      if (!isGuidText(id)) throw new ConnectorError('not_found', `no ${objectType} with objectGUID '${id}'`);
      entries = await this.#search(
        `get <GUID=${id}>`,
        signal,
        guidDn(id),
        undefined,
        attributes,
        'base',
      ).catch((error: unknown) => {
        if (error instanceof ConnectorError && error.code === 'not_found') return [];
        throw error;
      });
    } else {
      const filter = this.#typeFilter(type, equalityFilter(this.#config.anchorAttribute, id));
      entries = await this.#search(`get ${id}`, signal, this.#config.baseDn, filter, attributes);
    }
    const [entry] = entries;
    if (entry === undefined)
      throw new ConnectorError('not_found', `no ${objectType} with ${this.#config.anchorAttribute} '${id}'`);
    this.#remember(id, canonicalDn(entry.dn));
    return entry;
  }

  async #search(
    what: string,
    signal: AbortSignal,
    base: string,
    filter: string | undefined,
    attributes: readonly string[],
    scope: 'base' | 'sub' = 'sub',
  ): Promise<Entry[]> {
    const result = await this.#pool.run(
      what,
      signal,
      (client) =>
        client.search(base, {
          scope,
          // ldapts only reads these lists; they are shared by every request of a type.
          attributes: attributes as string[],
          explicitBufferAttributes: binaryAttributes(this.#config) as string[],
          ...(filter !== undefined ? { filter } : {}),
        }),
      { retryOnDrop: true },
    );
    return result.searchEntries;
  }

  #typeFilter(type: UserConfig | GroupConfig, condition?: string): string {
    let classes = this.#classFilters.get(type);
    if (classes === undefined) {
      classes = objectClassFilter(type.objectClasses.filter((c) => c.toLowerCase() !== 'top'));
      this.#classFilters.set(type, classes);
    }
    return condition === undefined ? classes : `(&${classes}${condition})`;
  }

  async #view(objectType: ObjectType, entry: Entry, signal: AbortSignal): Promise<TargetObject> {
    const type = typeConfig(this.#config, objectType);
    let memberDnOf: ((uid: string) => string | undefined) | undefined;
    if (objectType === 'Group' && (type as GroupConfig).type === 'posixGroup') {
      const raw =
        entry[(type as GroupConfig).memberAttribute] ??
        Object.entries(entry).find(([k]) => k.toLowerCase() === 'memberuid')?.[1];
      const uids = raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).map(String);
      const dns = await this.#uidDns(type as GroupConfig, uids, signal);
      memberDnOf = (uid) => dns.get(uid.toLowerCase());
    }
    return viewEntry(
      { config: this.#config, objectType, type, names: this.#names, ...(memberDnOf ? { memberDnOf } : {}) },
      entry,
    );
  }

  /** posixGroup: the DNs of the users whose uid the memberUid values hold. */
  async #uidDns(group: GroupConfig, uids: string[], signal: AbortSignal): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const users = this.#config.users;
    if (users === undefined) return found;
    for (let i = 0; i < uids.length; i += 100) {
      const chunk = uids.slice(i, i + 100);
      const any =
        chunk.length === 1
          ? equalityFilter(group.memberUidAttribute, chunk[0]!)
          : `(|${chunk.map((uid) => equalityFilter(group.memberUidAttribute, uid)).join('')})`;
      const entries = await this.#search(
        'reading memberUid',
        signal,
        users.searchBase,
        this.#typeFilter(users, any),
        [group.memberUidAttribute],
      );
      for (const entry of entries) {
        const key = Object.keys(entry).find(
          (k) => k.toLowerCase() === group.memberUidAttribute.toLowerCase(),
        );
        const raw = key === undefined ? [] : entry[key]!;
        for (const uid of Array.isArray(raw) ? raw : [raw])
          found.set(String(uid).toLowerCase(), canonicalDn(entry.dn));
      }
    }
    return found;
  }

  /** The member attribute's stored values for member DNs (canonical DNs, or uids for posixGroup). */
  async #memberValues(group: GroupConfig, value: unknown, signal: AbortSignal): Promise<string[]> {
    const dns = (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).map(
      (item) => {
        if (typeof item !== 'string')
          throw new ConnectorError('schema_violation', `${group.memberAttribute} values must be DNs`);
        return memberDn(item);
      },
    );
    if (group.type !== 'posixGroup') return dns;
    const lookup = await this.#dnUids(group, dns, signal);
    // Every DN was read: each has its uid.
    return dns.map((dn) => lookup(dn)!);
  }

  async #memberValueLookup(
    objectType: ObjectType,
    type: UserConfig | GroupConfig,
    changes: UpdateRequest['changes'],
    signal: AbortSignal,
  ): Promise<MemberValue | undefined> {
    if (objectType !== 'Group') return undefined;
    const group = type as GroupConfig;
    const change = changes.find((c) => c.attribute.toLowerCase() === group.memberAttribute.toLowerCase());
    if (change === undefined) return undefined;
    const dnsOf = (value: unknown) =>
      (Array.isArray(value) ? value : value === null || value === undefined ? [] : [value]).map((item) => {
        if (typeof item !== 'string')
          throw new ConnectorError('schema_violation', `${group.memberAttribute} values must be DNs`);
        return memberDn(item);
      });
    const [oldDns, newDns] = [dnsOf(change.oldValue), dnsOf(change.newValue)];
    if (group.type !== 'posixGroup') return (dn) => memberDn(dn);
    // A member only the old value names may be gone by now (renamed, moved, deleted): its uid is
    // then unknown, and what the group lists is left to the DNs that are there.
    const kept = new Set(newDns.map(dnKey));
    return this.#dnUids(group, [...newDns, ...oldDns.filter((dn) => !kept.has(dnKey(dn)))], signal, {
      mayBeGone: new Set(oldDns.map(dnKey).filter((k) => !kept.has(k))),
    });
  }

  /**
   * posixGroup: the uid of each member DN (from its RDN when it is the uid, else read from the
   * entry). A DN in `mayBeGone` whose entry is gone has none; any other is an error naming it.
   */
  async #dnUids(
    group: GroupConfig,
    dns: string[],
    signal: AbortSignal,
    options: { mayBeGone?: ReadonlySet<string> } = {},
  ): Promise<(dn: string) => string | undefined> {
    const uids = new Map<string, string>();
    const uidAttribute = group.memberUidAttribute.toLowerCase();
    for (const dn of dns) {
      const rdn = firstRdn(dn);
      const own = rdn.find((a) => a.type.toLowerCase() === uidAttribute && !a.hex);
      if (own !== undefined) {
        uids.set(dnKey(dn), own.value);
        continue;
      }
      const [entry] = await this.#search(
        `reading ${group.memberUidAttribute} of ${dn}`,
        signal,
        dn,
        undefined,
        [group.memberUidAttribute],
        'base',
      ).catch((error: unknown) => {
        if (error instanceof ConnectorError && error.code === 'not_found') return [];
        throw error;
      });
      const key = entry && Object.keys(entry).find((k) => k.toLowerCase() === uidAttribute);
      const raw = key === undefined ? undefined : entry![key];
      const uid = Array.isArray(raw) ? raw[0] : raw;
      if (uid !== undefined) uids.set(dnKey(dn), String(uid));
      else if (entry !== undefined || !options.mayBeGone?.has(dnKey(dn))) {
        // Not the group's not_found (the engine would take the group for gone): the member's.
        throw new ConnectorError(
          'schema_violation',
          entry === undefined
            ? `member ${dn} does not exist`
            : `member ${dn} has no ${group.memberUidAttribute}`,
        );
      }
    }
    return (dn) => uids.get(dnKey(dn));
  }

  async #startWalk(token: string, objectType: ObjectType, type: UserConfig | GroupConfig): Promise<ListWalk> {
    const client = await this.#pool.dedicated(`list ${objectType}`);
    const pages = client.searchPaginated(type.searchBase, {
      scope: 'sub',
      filter: this.#typeFilter(type),
      attributes: attributesToRead(this.#config, type) as string[],
      explicitBufferAttributes: binaryAttributes(this.#config) as string[],
      paged: { pageSize: this.#config.maxPageSize },
    });
    const timer = setTimeout(() => void this.#endWalk(token), WALK_IDLE_MS);
    timer.unref();
    const walk: ListWalk = { objectType, client, pages, buffer: [], done: false, served: 0, timer };
    this.#walks.set(token, walk);
    return walk;
  }

  async #fill(walk: ListWalk, wanted: number, signal: AbortSignal) {
    while (!walk.done && walk.buffer.length < wanted) {
      if (signal.aborted) throw new ConnectorError('timeout', `list ${walk.objectType}: aborted`);
      let next: IteratorResult<SearchResult>;
      try {
        next = await walk.pages.next();
      } catch (error) {
        const token = [...this.#walks].find(([, w]) => w === walk)?.[0];
        if (token !== undefined) await this.#endWalk(token);
        throw ldapError(error, `list ${walk.objectType}`);
      }
      if (next.done) walk.done = true;
      else walk.buffer.push(...next.value.searchEntries);
    }
  }

  async #endWalk(token: string) {
    const walk = this.#walks.get(token);
    if (walk === undefined) return;
    this.#walks.delete(token);
    clearTimeout(walk.timer);
    await walk.pages.return(undefined).catch(() => undefined);
    await this.#pool.release(walk.client);
  }

  #remember(id: string, dn: string) {
    this.#dns.delete(id);
    this.#dns.set(id, dn);
    if (this.#dns.size > DN_CACHE_LIMIT) this.#dns.delete(this.#dns.keys().next().value!);
  }

  #learnNames(names: string[]) {
    for (const name of names) {
      if (this.#spellings.has(name)) continue;
      if (this.#spellings.size < 10_000) this.#spellings.add(name);
      if (!this.#names.has(name.toLowerCase())) this.#names.set(name.toLowerCase(), name);
    }
  }
}

/** The first text of a value as the engine or a read gives it. */
function firstString(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first !== '' ? first : undefined;
}

/** An entry's first value of an attribute as text, whatever case the server spelt its name in. */
function firstEntryValue(entry: Entry, attribute: string): string | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const raw = key === undefined ? undefined : entry[key];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : String(first);
}

function memberDn(value: string): string {
  try {
    return canonicalDn(value);
  } catch (error) {
    throw new ConnectorError('schema_violation', `member ${(error as Error).message}`);
  }
}

function safeDn(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  try {
    return canonicalDn(name);
  } catch {
    return undefined;
  }
}

/** Active Directory addresses an entry by its objectGUID as `<GUID=...>`, wherever it was moved. */
export function guidDn(id: string): string {
  if (!isGuidText(id)) throw new ConnectorError('not_found', `'${id}' is not an objectGUID`);
  return `<GUID=${id}>`;
}

interface Cursor {
  token: string;
  offset: number;
  type: ObjectType;
}

function formatCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.token, cursor.offset, cursor.type])).toString('base64url');
}

function parseCursor(text: string): Cursor | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 3) return undefined;
    const [token, offset, type] = parsed as unknown[];
    if (typeof token !== 'string' || !Number.isSafeInteger(offset) || (offset as number) < 0)
      return undefined;
    if (type !== 'User' && type !== 'Group') return undefined;
    return { token, offset: offset as number, type };
  } catch {
    return undefined;
  }
}
