/**
 * An entry as the server answered it, turned into the engine's `TargetObject`: the anchor as id
 * (entryUUID text, or AD's binary objectGUID decoded), the DN in canonical form as name, the
 * attributes keyed as the app's mappings name them, and the enabled state by the type's strategy.
 * Passwords never come back, and groupOfNames' placeholder member is not a member.
 */
import type { Entry } from 'ldapts';
import type { JsonValue } from '../../shared/json.js';
import { ConnectorError, type ObjectType, type TargetAttributes, type TargetObject } from '../spi/index.js';
import { canonicalDn, dnKey } from './ldap-dn.js';
import { isEnabled } from './ldap-entry-plan.js';
import type { GroupConfig, LdapConfig, UserConfig } from './ldap-settings.js';
import { decodeObjectGuid, fromLdapValues } from './ldap-values.js';

/** The attributes a read asks for: every user attribute, the anchor and the disable attribute. */
export function attributesToRead(config: LdapConfig, type: UserConfig | GroupConfig): readonly string[] {
  // Every read of a type asks the same: one frozen list per type, not one per request.
  let names = readByType.get(type);
  if (names === undefined) {
    const list = ['*', config.anchorAttribute];
    if (type.disable.strategy === 'attribute') list.push(type.disable.attribute);
    names = Object.freeze(list);
    readByType.set(type, names);
  }
  return names;
}

const readByType = new WeakMap<UserConfig | GroupConfig, readonly string[]>();
const NO_BINARY: readonly string[] = Object.freeze([]);
const GUID_BINARY: readonly string[] = Object.freeze(['objectGUID']);

/** Attributes ldapts must hand over as bytes. */
export function binaryAttributes(config: LdapConfig): readonly string[] {
  return config.anchorAttribute.toLowerCase() === 'objectguid' ? GUID_BINARY : NO_BINARY;
}

/** The id of an entry: its anchor attribute's value. */
export function anchorOf(config: LdapConfig, entry: Entry): string {
  const anchor = config.anchorAttribute;
  const key = Object.hasOwn(entry, anchor)
    ? anchor
    : Object.keys(entry).find((k) => k.toLowerCase() === anchor.toLowerCase());
  const raw = key === undefined ? undefined : entry[key];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === '') {
    throw new ConnectorError(
      'invalid_response',
      `the server answered ${entry.dn} without its ${config.anchorAttribute}; check anchorAttribute and read access`,
    );
  }
  if (Buffer.isBuffer(value)) {
    return config.anchorAttribute.toLowerCase() === 'objectguid'
      ? decodeObjectGuid(value)
      : value.toString('hex');
  }
  return value;
}

const NEVER_SHOWN = new Set(['dn', '*', '+', 'objectclass', 'userpassword', 'unicodepwd']);

/** What `viewEntry` needs besides the entry. */
export interface ViewContext {
  config: LdapConfig;
  objectType: ObjectType;
  type: UserConfig | GroupConfig;
  /** The app's spelling of attribute names, by lower-cased name. */
  names: ReadonlyMap<string, string>;
  /** posixGroup: member DN for each memberUid value. */
  memberDnOf?: (uid: string) => string | undefined;
}

// Settings are resolved once per connector, so the names a type hides are worked out once per type.
const hiddenByType = new WeakMap<UserConfig | GroupConfig, ReadonlySet<string>>();

function hiddenNames(config: LdapConfig, type: UserConfig | GroupConfig, objectType: ObjectType) {
  let hidden = hiddenByType.get(type);
  if (hidden === undefined) {
    const names = new Set(NEVER_SHOWN);
    names.add(config.anchorAttribute.toLowerCase());
    if (objectType === 'User') names.add((type as UserConfig).passwordAttribute.toLowerCase());
    hiddenByType.set(type, names);
    hidden = names;
  }
  return hidden;
}

/** The `TargetObject` of an entry. */
export function viewEntry(context: ViewContext, entry: Entry): TargetObject {
  const { config, type, objectType, names } = context;
  const group = objectType === 'Group' ? (type as GroupConfig) : undefined;
  const hidden = hiddenNames(config, type, objectType);
  const memberKey = group?.memberAttribute.toLowerCase();
  const attributes: TargetAttributes = {};
  for (const [key, raw] of Object.entries(entry)) {
    const lower = key.toLowerCase();
    if (hidden.has(lower)) continue;
    let values = (Array.isArray(raw) ? raw : [raw]).map((v: string | Buffer) =>
      Buffer.isBuffer(v) ? v.toString('base64') : v,
    );
    if (group && lower === memberKey) {
      values = memberDns(context, group, values);
    }
    attributes[names.get(lower) ?? key] = fromLdapValues(values, type.multiValued.has(lower)) as JsonValue;
  }
  if (group && !Object.keys(attributes).some((k) => k.toLowerCase() === memberKey)) {
    attributes[names.get(group.memberAttribute.toLowerCase()) ?? group.memberAttribute] = [];
  }
  const name = canonicalDn(entry.dn);
  // The DN attribute of the mapping reads back as the entry's DN, so it compares equal to what was sent.
  if (type.dnAttribute !== undefined)
    attributes[names.get(type.dnAttribute.toLowerCase()) ?? type.dnAttribute] = name;
  const object: TargetObject = { id: anchorOf(config, entry), name, objectType, attributes };
  if (type.disable.strategy !== 'none') object.enabled = isEnabled(type, name, attributes);
  return object;
}

function memberDns(context: ViewContext, group: GroupConfig, values: string[]): string[] {
  if (group.type === 'posixGroup') {
    return values.flatMap((uid) => {
      const dn = context.memberDnOf?.(uid);
      return dn === undefined ? [] : [dn];
    });
  }
  const placeholder = group.emptyMember === undefined ? undefined : dnKey(group.emptyMember);
  return values.flatMap((value) => {
    try {
      return placeholder !== undefined && dnKey(value) === placeholder ? [] : [canonicalDn(value)];
    } catch {
      return [value];
    }
  });
}
