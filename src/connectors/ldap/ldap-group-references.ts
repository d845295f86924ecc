/**
 * What OpenLDAP's refint overlay would do, without the overlay: a user or group renamed, moved or
 * deleted is followed into (or taken out of) every group that lists it, Provisio's or not. Groups
 * list an entry by DN (`member`, `uniqueMember`, the configured DN-valued member attribute) or, a
 * posixGroup, a user by uid (`memberUid`). A rename rewrites the old value to the new one; a
 * delete removes it. Active Directory keeps member links itself: the connector does not call
 * this there.
 */
import { Attribute, Change, type Control, type Entry } from 'ldapts';
import { permissiveModify } from './ldap-controls.js';
import { canonicalDn, dnKey } from './ldap-dn.js';
import { LdapResultCode } from './ldap-errors.js';
import { equalityFilter, objectClassFilter } from './ldap-filter.js';
import type { GroupConfig, LdapConfig } from './ldap-settings.js';
import { ConnectorError } from '../spi/index.js';

/** The reads and writes the rewrites need, as the connector runs them (pool, errors, signal). */
export interface GroupDirectory {
  search(
    what: string,
    signal: AbortSignal,
    base: string,
    filter: string | undefined,
    attributes: readonly string[],
    scope?: 'base' | 'sub',
  ): Promise<Entry[]>;
  modify(
    what: string,
    signal: AbortSignal,
    dn: string,
    changes: Change[],
    controls?: Control[],
  ): Promise<void>;
}

/** DN-valued member attributes refint is usually configured with, besides the configured one. */
const DN_MEMBER_ATTRIBUTES = ['member', 'uniqueMember'];

export class GroupReferences {
  readonly #config: LdapConfig;
  readonly #directory: GroupDirectory;
  /** Where groups are looked for: the groups' search base, else the whole base DN. */
  readonly #groupBase: string;
  /** The attributes that list members by DN, each searched on its own (its values are not read). */
  readonly #dnAttributes: string[];
  /** What an emptied groupOfNames / groupOfUniqueNames holds instead (as refint's `olcRefintNothing`). */
  readonly #placeholder: string;
  readonly #posixFilter: string | undefined;

  constructor(config: LdapConfig, directory: GroupDirectory) {
    this.#config = config;
    this.#directory = directory;
    const groups = config.groups;
    this.#groupBase = groups?.searchBase ?? config.baseDn;
    const configured = groups !== undefined && groups.type !== 'posixGroup' ? [groups.memberAttribute] : [];
    const seen = new Set<string>();
    this.#dnAttributes = [...configured, ...DN_MEMBER_ATTRIBUTES].filter((name) => {
      const key = name.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    this.#placeholder = groups?.emptyMember ?? canonicalDn(`cn=empty-group-placeholder,${config.baseDn}`);
    this.#posixFilter =
      groups?.type === 'posixGroup'
        ? objectClassFilter(groups.objectClasses.filter((c) => c.toLowerCase() !== 'top'))
        : undefined;
  }

  /**
   * Every group listing `oldDn` lists `newDn` in its place. With `onlyIfVacant` (a retry, which
   * cannot tell whether the DN is still the entry's former one), nothing is done when an entry
   * holds `oldDn` again: it is another object's by now, and so are its groups.
   */
  renameDn(oldDn: string, newDn: string, signal: AbortSignal, onlyIfVacant = false): Promise<void> {
    return this.#rewriteDn(oldDn, newDn, signal, onlyIfVacant);
  }

  /** Every group listing the deleted entry's `dn` loses it (`onlyIfVacant` as for `renameDn`). */
  removeDn(dn: string, signal: AbortSignal, onlyIfVacant = false): Promise<void> {
    return this.#rewriteDn(dn, undefined, signal, onlyIfVacant);
  }

  /**
   * posixGroup: every group listing `oldUid` lists `newUid` instead. With `onlyIfUnheld` (a
   * retry), nothing is done when a user holds `oldUid` by then: those groups are that user's.
   */
  renameUid(oldUid: string, newUid: string, signal: AbortSignal, onlyIfUnheld = false): Promise<void> {
    if (oldUid === newUid) return Promise.resolve();
    return this.#rewriteUid(oldUid, newUid, signal, onlyIfUnheld);
  }

  /**
   * posixGroup: every group listing the deleted user's `uid` loses it, unless a remaining user
   * holds that very uid (memberUid names accounts by uid, so the value is that user's too).
   */
  removeUid(uid: string, signal: AbortSignal): Promise<void> {
    return this.#rewriteUid(uid, undefined, signal, true);
  }

  async #rewriteDn(oldDn: string, newDn: string | undefined, signal: AbortSignal, onlyIfVacant: boolean) {
    const what = newDn === undefined ? `delete ${oldDn}` : `rename ${oldDn}`;
    let checkedVacant = !onlyIfVacant;
    for (const attribute of this.#dnAttributes) {
      const holding = await this.#groupsHolding(
        `${what}: its groups (${attribute})`,
        signal,
        this.#groupBase,
        equalityFilter(attribute, oldDn),
        ['1.1'],
      );
      if (holding.length === 0) continue;
      if (!checkedVacant) {
        if (await this.#entryAt(oldDn, signal)) return;
        checkedVacant = true;
      }
      for (const group of holding) {
        if (newDn !== undefined) {
          const changes = [valueChange('add', attribute, newDn), valueChange('delete', attribute, oldDn)];
          await this.#modifyGroup(`${what}: group ${group.dn}`, signal, group.dn, changes, [
            permissiveModify,
          ]);
        } else {
          await this.#removeValue(`${what}: group ${group.dn}`, group.dn, attribute, oldDn, signal);
        }
      }
    }
  }

  /**
   * Removes one member value. The last value of a groupOfNames' `member` (groupOfUniqueNames'
   * `uniqueMember`) may not go: the server refuses (objectClassViolation), and the group gets
   * the placeholder in its place (a posixGroup's memberUid may go: it is optional). A value gone
   * meanwhile is what was wanted.
   */
  async #removeValue(what: string, groupDn: string, attribute: string, value: string, signal: AbortSignal) {
    const remove = valueChange('delete', attribute, value);
    try {
      await this.#modifyGroup(what, signal, groupDn, [remove], [permissiveModify]);
    } catch (error) {
      const code = error instanceof ConnectorError ? error.targetCode : undefined;
      if (code === LdapResultCode.noSuchAttribute) return;
      if (code !== LdapResultCode.objectClassViolation || dnKey(value) === dnKey(this.#placeholder))
        throw error;
      await this.#modifyGroup(
        `${what} (the placeholder in its place)`,
        signal,
        groupDn,
        [valueChange('add', attribute, this.#placeholder), remove],
        [permissiveModify],
      );
    }
  }

  /** The uid is compared exactly, as memberUid's matching rule (caseExactIA5Match) does. */
  async #rewriteUid(oldUid: string, newUid: string | undefined, signal: AbortSignal, onlyIfUnheld: boolean) {
    const groups = this.#config.groups;
    if (groups?.type !== 'posixGroup' || this.#posixFilter === undefined) return;
    const what = newUid === undefined ? `delete uid ${oldUid}` : `uid ${oldUid} -> ${newUid}`;
    const holding = await this.#groupsHolding(
      `${what}: its groups`,
      signal,
      groups.searchBase,
      `(&${this.#posixFilter}${equalityFilter(groups.memberAttribute, oldUid)})`,
      [groups.memberAttribute],
    );
    // Only the groups holding this very text (a server may match memberUid more loosely).
    const exact = holding
      .map((group) => ({ dn: group.dn, held: valuesOf(group, groups.memberAttribute) }))
      .filter((group) => group.held.includes(oldUid));
    if (exact.length === 0) return;
    if (onlyIfUnheld && (await this.#uidHeld(groups, oldUid, signal))) return;
    for (const group of exact) {
      if (newUid === undefined) {
        await this.#removeValue(
          `${what}: group ${group.dn}`,
          group.dn,
          groups.memberAttribute,
          oldUid,
          signal,
        );
        continue;
      }
      const changes = [
        // Adding a value the group holds already would fail the whole modify.
        ...(group.held.includes(newUid) ? [] : [valueChange('add', groups.memberAttribute, newUid)]),
        valueChange('delete', groups.memberAttribute, oldUid),
      ];
      await this.#modifyGroup(`${what}: group ${group.dn}`, signal, group.dn, changes);
    }
  }

  /**
   * The groups a search finds; a search base that does not exist holds none. (Its `not_found`
   * would tell the engine that the renamed or deleted entry is gone, not the base.)
   */
  async #groupsHolding(...search: Parameters<GroupDirectory['search']>): Promise<Entry[]> {
    return this.#directory.search(...search).catch((error: unknown) => {
      if (error instanceof ConnectorError && error.targetCode === LdapResultCode.noSuchObject) return [];
      throw error;
    });
  }

  /** A group deleted since the search lists nothing any more: not an error (nor the entry's not_found). */
  async #modifyGroup(...modify: Parameters<GroupDirectory['modify']>): Promise<void> {
    await this.#directory.modify(...modify).catch((error: unknown) => {
      if (error instanceof ConnectorError && error.targetCode === LdapResultCode.noSuchObject) return;
      throw error;
    });
  }

  /** Whether some user entry holds exactly this uid now. */
  async #uidHeld(groups: GroupConfig, uid: string, signal: AbortSignal): Promise<boolean> {
    const users = this.#config.users;
    if (users === undefined) return false;
    const classes = objectClassFilter(users.objectClasses.filter((c) => c.toLowerCase() !== 'top'));
    const holders = await this.#directory.search(
      `uid ${uid}: its holder`,
      signal,
      users.searchBase,
      `(&${classes}${equalityFilter(groups.memberUidAttribute, uid)})`,
      [groups.memberUidAttribute],
    );
    // uid itself matches without regard to case; memberUid does not, so neither does this.
    return holders.some((user) => valuesOf(user, groups.memberUidAttribute).includes(uid));
  }

  /** Whether an entry exists at this DN now. */
  async #entryAt(dn: string, signal: AbortSignal): Promise<boolean> {
    const entries = await this.#directory
      .search(`reading ${dn}`, signal, dn, undefined, ['1.1'], 'base')
      .catch((error: unknown) => {
        if (error instanceof ConnectorError && error.code === 'not_found') return [];
        throw error;
      });
    return entries.length > 0;
  }
}

function valueChange(operation: 'add' | 'delete', type: string, value: string): Change {
  return new Change({ operation, modification: new Attribute({ type, values: [value] }) });
}

/** An attribute's values as text, found whatever case the server answered its name in. */
function valuesOf(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const raw = key === undefined ? [] : entry[key]!;
  return (Array.isArray(raw) ? raw : [raw]).map(String);
}
