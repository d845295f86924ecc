/**
 * What the connector sends, worked out without a server: the DN of a new entry, the attributes of
 * an add, the modifications of an update, and what disabling or enabling changes. Pure functions
 * over the resolved settings, so the Active Directory profile's operations are tested here even
 * though no AD server runs in the tests.
 */
import { Attribute, Change } from 'ldapts';
import type { JsonValue } from '../../shared/json.js';
import {
  ConnectorError,
  isNoValue,
  valueDelta,
  type AttributeChange,
  type ObjectType,
  type TargetAttributes,
} from '../spi/index.js';
import { canonicalDn, childDn, dnKey, firstRdn, formatRdn, isUnder, DnSyntaxError } from './ldap-dn.js';
import type { GroupConfig, LdapConfig, ObjectTypeConfig, UserConfig } from './ldap-settings.js';
import { encodeUnicodePwd, toLdapValues, UserAccountControl, withAccountDisabled } from './ldap-values.js';

/** The configuration of one object type; `schema_violation` when the app does not configure it. */
export function typeConfig(config: LdapConfig, type: ObjectType): UserConfig | GroupConfig {
  const found = type === 'User' ? config.users : config.groups;
  if (found === undefined) {
    throw new ConnectorError(
      'schema_violation',
      `this LDAP app has no ${type === 'User' ? 'users' : 'groups'} settings`,
    );
  }
  return found;
}

/** The first value of an attribute, looked up case-insensitively (LDAP names ignore case). */
export function attributeValue(attributes: TargetAttributes, name: string): JsonValue | undefined {
  // Mappings mostly spell names as the settings do: the exact key first, a scan only otherwise.
  if (Object.hasOwn(attributes, name)) return attributes[name];
  const lower = name.toLowerCase();
  for (const key in attributes) if (key.toLowerCase() === lower) return attributes[key];
  return undefined;
}

function firstText(attributes: TargetAttributes, name: string): string | undefined {
  const value = attributeValue(attributes, name);
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null || first === '') return undefined;
  return typeof first === 'string' ? first : typeof first === 'object' ? undefined : String(first);
}

/** The container an entry with these attributes belongs in. */
export function containerFor(type: ObjectTypeConfig, attributes: TargetAttributes): string {
  const setting = type.container;
  if (typeof setting === 'string') return setting;
  const value = firstText(attributes, setting.attribute);
  const match =
    value === undefined
      ? undefined
      : Object.entries(setting.containers).find(([key]) => key.toLowerCase() === value.toLowerCase())?.[1];
  const container = match ?? setting.default;
  if (container === undefined) {
    throw new ConnectorError(
      'schema_violation',
      `no container for ${setting.attribute} = ${JSON.stringify(value ?? null)} and no default container`,
    );
  }
  return canonicalDn(container);
}

/**
 * The DN of an entry: the request's name when the engine gives one, else the mapping's DN
 * attribute, else `rdnAttribute=value` in the container its attributes choose. A disabled entry
 * under the container strategy lives in the disabled container instead.
 */
export function dnFor(
  type: ObjectTypeConfig,
  attributes: TargetAttributes,
  options: { name?: string | undefined; disabled?: boolean } = {},
): string {
  let dn: string;
  try {
    if (options.name !== undefined) dn = canonicalDn(options.name);
    else {
      const explicit = type.dnAttribute === undefined ? undefined : firstText(attributes, type.dnAttribute);
      if (explicit !== undefined) dn = canonicalDn(explicit);
      else {
        const rdnValue = firstText(attributes, type.rdnAttribute);
        if (rdnValue === undefined) {
          throw new ConnectorError(
            'schema_violation',
            `the entry has no ${type.rdnAttribute}, which names it (its RDN)`,
          );
        }
        dn = childDn(type.rdnAttribute, rdnValue, containerFor(type, attributes));
      }
    }
  } catch (error) {
    if (error instanceof DnSyntaxError) throw new ConnectorError('schema_violation', error.message);
    throw error;
  }
  if (options.disabled && type.disable.strategy === 'container') {
    return moveTo(dn, type.disable.container);
  }
  return dn;
}

/** The same RDN under another parent. */
export function moveTo(dn: string, parent: string): string {
  return `${formatRdn(firstRdn(dn))},${canonicalDn(parent)}`;
}

/** An add: the DN and its attributes. */
export interface AddPlan {
  dn: string;
  attributes: Attribute[];
}

/** Options of `planAdd` that depend on the connection or on lookups the connector did. */
export interface AddOptions {
  name?: string | undefined;
  disabled: boolean;
  /** Whether the connection is encrypted (AD takes passwords only then). */
  encrypted: boolean;
  /** The member attribute's values already as the server stores them (DNs, or uids for posixGroup). */
  memberValues?: string[];
}

/** The attributes a create sends: object classes, mapped values, naming values, password and state. */
export function planAdd(
  config: LdapConfig,
  objectType: ObjectType,
  attributes: TargetAttributes,
  options: AddOptions,
): AddPlan {
  const type = typeConfig(config, objectType);
  const dn = dnFor(type, attributes, { name: options.name, disabled: options.disabled });
  const byName = new Map<string, Attribute>();
  const put = (name: string, values: string[] | Buffer[]) => {
    if (values.length > 0) byName.set(name.toLowerCase(), new Attribute({ type: name, values }));
  };
  put('objectClass', type.objectClasses);
  const skip = new Set([type.dnAttribute?.toLowerCase(), 'objectclass']);
  const user = objectType === 'User' ? (type as UserConfig) : undefined;
  const group = objectType === 'Group' ? (type as GroupConfig) : undefined;
  if (user) skip.add(user.passwordAttribute.toLowerCase());
  if (group) skip.add(group.memberAttribute.toLowerCase());
  for (const [name, value] of Object.entries(attributes)) {
    if (skip.has(name.toLowerCase())) continue;
    put(name, toLdapValues(name, value));
  }
  // The RDN's values must be in the entry (RFC 4512 §2.3); add those the attributes lack.
  for (const { type: rdnType, value, hex } of firstRdn(dn)) {
    if (hex) continue;
    const existing = byName.get(rdnType.toLowerCase());
    const values = (existing?.values ?? []) as string[];
    if (!values.some((v) => v.toLowerCase() === value.toLowerCase()))
      put(existing?.type ?? rdnType, [...values, value]);
  }
  if (user) {
    const password = attributeValue(attributes, user.passwordAttribute);
    if (!isNoValue(password))
      put(user.passwordAttribute, passwordValues(config, user, password!, options.encrypted));
  }
  if (group) {
    const members = options.memberValues ?? [];
    const withPlaceholder =
      members.length === 0 && group.emptyMember !== undefined ? [group.emptyMember] : members;
    put(group.memberAttribute, withPlaceholder);
  }
  for (const change of stateChanges(config, type, options.disabled, attributes, true)) {
    put(change.modification.type, change.modification.values as string[]);
  }
  return { dn, attributes: [...byName.values()] };
}

/** A password's LDAP value: AD's quoted UTF-16LE unicodePwd (TLS only), else the text. */
export function passwordValues(
  config: LdapConfig,
  user: UserConfig,
  value: JsonValue,
  encrypted: boolean,
): string[] | Buffer[] {
  if (typeof value !== 'string')
    throw new ConnectorError('schema_violation', `${user.passwordAttribute} must be a string`);
  if (user.passwordAttribute.toLowerCase() === 'unicodepwd') {
    if (!encrypted) {
      throw new ConnectorError(
        'permission_denied',
        'Active Directory accepts unicodePwd only over TLS: use ldaps:// or startTls',
      );
    }
    return [encodeUnicodePwd(value)];
  }
  return [value];
}

/**
 * The modifications that put an entry in the enabled or disabled state, for the attribute and
 * userAccountControl strategies (the container strategy moves the entry instead). `current` is
 * what the entry holds now (for userAccountControl, whose other bits stay).
 */
export function stateChanges(
  config: LdapConfig,
  type: ObjectTypeConfig,
  disabled: boolean,
  current: TargetAttributes,
  creating = false,
): Change[] {
  const strategy = type.disable;
  if (strategy.strategy === 'attribute') {
    if (disabled) return [replace(strategy.attribute, [strategy.disabledValue])];
    if (creating && strategy.enabledValue === undefined) return [];
    return [replace(strategy.attribute, strategy.enabledValue === undefined ? [] : [strategy.enabledValue])];
  }
  if (
    strategy.strategy === 'userAccountControl' ||
    (creating && config.profile === 'activeDirectory' && type === config.users)
  ) {
    const raw = firstText(current, 'userAccountControl');
    const base = raw === undefined ? UserAccountControl.normalAccount : Number.parseInt(raw, 10);
    if (Number.isNaN(base))
      throw new ConnectorError('schema_violation', `userAccountControl '${raw}' is not a number`);
    const next = strategy.strategy === 'userAccountControl' ? withAccountDisabled(base, disabled) : base;
    return [replace('userAccountControl', [String(next)])];
  }
  return [];
}

/** True when the entry is enabled by the type's strategy. */
export function isEnabled(type: ObjectTypeConfig, dn: string, attributes: TargetAttributes): boolean {
  const strategy = type.disable;
  switch (strategy.strategy) {
    case 'attribute': {
      const value = attributeValue(attributes, strategy.attribute);
      const values = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
      return !values.some((v) => String(v).toLowerCase() === strategy.disabledValue.toLowerCase());
    }
    case 'userAccountControl': {
      const raw = firstText(attributes, 'userAccountControl');
      return raw === undefined || (Number.parseInt(raw, 10) & UserAccountControl.disabled) === 0;
    }
    case 'container':
      return !isUnder(dn, strategy.container) || dnKey(dn) === dnKey(strategy.container);
    case 'none':
      return true;
  }
}

function replace(type: string, values: string[] | Buffer[]): Change {
  return new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
}

/** An update as LDAP operations: an optional move first, then modifications. */
export interface ModifyPlan {
  /** The DN the entry must get (its RDN, DN attribute or container changed), if it changes. */
  newDn?: string;
  /** Replaces of plain attributes, in one modify. */
  changes: Change[];
  /** Value adds and deletes of the member attribute. */
  memberChanges: Change[];
}

/** Whether a change touches what names or places an entry, so the update must read it first. */
export function touchesName(type: ObjectTypeConfig, changes: readonly AttributeChange[]): boolean {
  const naming = new Set([type.rdnAttribute.toLowerCase()]);
  if (type.dnAttribute !== undefined) naming.add(type.dnAttribute.toLowerCase());
  if (typeof type.container !== 'string') naming.add(type.container.attribute.toLowerCase());
  return changes.some((change) => naming.has(change.attribute.toLowerCase()));
}

/**
 * The modifications of an update. Plain attributes are replaced with their new values (no value
 * removes the attribute; replace is idempotent, so a retried update is harmless); the member
 * attribute changes value by value, so a large group is not rewritten for one member. When the
 * naming attributes change, `current` (the entry now) gives the new DN.
 */
export function planModify(
  config: LdapConfig,
  objectType: ObjectType,
  changes: readonly AttributeChange[],
  options: {
    encrypted: boolean;
    current?: { dn: string; attributes: TargetAttributes };
    /** Member values (as stored) for each DN the changes add or remove. */
    memberValue?: MemberValue;
  },
): ModifyPlan {
  const type = typeConfig(config, objectType);
  const plan: ModifyPlan = { changes: [], memberChanges: [] };
  const group = objectType === 'Group' ? (type as GroupConfig) : undefined;
  const user = objectType === 'User' ? (type as UserConfig) : undefined;
  for (const change of changes) {
    const name = change.attribute.toLowerCase();
    if (name === type.dnAttribute?.toLowerCase() || name === 'objectclass') continue;
    if (group && name === group.memberAttribute.toLowerCase()) {
      plan.memberChanges.push(...memberChanges(group, change, options.memberValue ?? ((dn) => dn)));
      continue;
    }
    if (user && name === user.passwordAttribute.toLowerCase()) {
      const values = isNoValue(change.newValue)
        ? []
        : passwordValues(config, user, change.newValue!, options.encrypted);
      plan.changes.push(replace(user.passwordAttribute, values));
      continue;
    }
    plan.changes.push(replace(change.attribute, toLdapValues(change.attribute, change.newValue)));
  }
  if (options.current !== undefined && touchesName(type, changes)) {
    const after = withChanges(options.current.attributes, changes, 'newValue');
    const disabled = !isEnabled(type, options.current.dn, options.current.attributes);
    const newDn = dnFor(type, after, { disabled });
    if (dnKey(newDn) !== dnKey(options.current.dn)) plan.newDn = newDn;
    // The move sets the RDN's value; replacing the RDN attribute as well would be refused when
    // it names the entry, so that change is left to the move.
    const rdnTypes = new Set(firstRdn(newDn).map((a) => a.type.toLowerCase()));
    if (plan.newDn !== undefined) {
      plan.changes = plan.changes.filter(
        (c) =>
          !rdnTypes.has(c.modification.type.toLowerCase()) || (c.modification.values as string[]).length > 1,
      );
    }
  }
  return plan;
}

/** The attributes with each change's old or new value put in. */
function withChanges(
  attributes: TargetAttributes,
  changes: readonly AttributeChange[],
  side: 'oldValue' | 'newValue',
): TargetAttributes {
  const out: TargetAttributes = { ...attributes };
  for (const change of changes) {
    const key =
      Object.keys(out).find((k) => k.toLowerCase() === change.attribute.toLowerCase()) ?? change.attribute;
    const value = change[side];
    if (isNoValue(value)) delete out[key];
    else out[key] = value!;
  }
  return out;
}

/**
 * The DN the entry had before these changes, as the engine's old values place it, when that can
 * be worked out (undefined when the old values do not name an entry). An update retried after an
 * earlier try moved the entry finds it at its new DN already; this is the DN it was moved from.
 */
export function dnBeforeChanges(
  type: ObjectTypeConfig,
  changes: readonly AttributeChange[],
  current: { dn: string; attributes: TargetAttributes },
): string | undefined {
  if (!touchesName(type, changes)) return undefined;
  const before = withChanges(current.attributes, changes, 'oldValue');
  try {
    return dnFor(type, before, { disabled: !isEnabled(type, current.dn, current.attributes) });
  } catch (error) {
    if (error instanceof ConnectorError) return undefined;
    throw error;
  }
}

/**
 * The member attribute's stored value for a member DN (the DN, or a posixGroup's uid). Undefined
 * for a member the change removes whose value cannot be known any more: its entry is gone and its
 * DN does not hold the uid.
 */
export type MemberValue = (dn: string) => string | undefined;

function memberChanges(group: GroupConfig, change: AttributeChange, memberValue: MemberValue): Change[] {
  const { added, removed } = valueDelta(change);
  const [add, remove] = netMembers(
    group,
    memberStrings(group, added, memberValue),
    memberStrings(group, removed, memberValue),
  );
  // The placeholder is there exactly while the group has no member, as far as the engine knows.
  if (group.emptyMember !== undefined) {
    if (isNoValue(change.newValue) && !isNoValue(change.oldValue)) add.push(group.emptyMember);
    if (isNoValue(change.oldValue) && !isNoValue(change.newValue)) remove.push(group.emptyMember);
  }
  return valueChanges(group.memberAttribute, add, remove);
}

function memberStrings(group: GroupConfig, items: JsonValue[], memberValue: MemberValue): string[] {
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string')
      throw new ConnectorError('schema_violation', `${group.memberAttribute} values must be DNs`);
    const value = memberValue(item);
    if (value !== undefined) out.push(value);
  }
  return out;
}

/**
 * The adds and deletes without the values both add and delete: two DNs of one member (a user
 * renamed without a new uid lists the same memberUid under its old and new DN, a DN spelt in
 * another case) must leave it in the group, not have the delete, applied after the add, take it out.
 */
function netMembers(group: GroupConfig, add: string[], remove: string[]): [string[], string[]] {
  const key = (value: string) => (group.type === 'posixGroup' ? value : dnKeyOrText(value));
  const added = new Set(add.map(key));
  const removed = new Set(remove.map(key));
  return [add.filter((v) => !removed.has(key(v))), remove.filter((v) => !added.has(key(v)))];
}

function valueChanges(attribute: string, add: string[], remove: string[]): Change[] {
  const out: Change[] = [];
  if (add.length > 0)
    out.push(new Change({ operation: 'add', modification: new Attribute({ type: attribute, values: add }) }));
  if (remove.length > 0) {
    out.push(
      new Change({ operation: 'delete', modification: new Attribute({ type: attribute, values: remove }) }),
    );
  }
  return out;
}

/**
 * The member modifications against the values the group holds now (read after the server refused
 * the first attempt: the engine's old value was not what the server held). Adds only absent
 * members, deletes only present ones, and puts the placeholder in or out by the resulting set.
 */
export function preciseMemberChanges(
  group: GroupConfig,
  change: AttributeChange,
  held: string[],
  memberValue: MemberValue,
): Change[] {
  const { added, removed } = valueDelta(change);
  const key = (value: string) => (group.type === 'posixGroup' ? value.toLowerCase() : dnKeyOrText(value));
  const present = new Map(held.map((value) => [key(value), value]));
  const [adds, removes] = netMembers(
    group,
    memberStrings(group, added, memberValue),
    memberStrings(group, removed, memberValue),
  );
  const add = adds.filter((value) => !present.has(key(value)));
  const remove = removes.filter((value) => present.has(key(value))).map((value) => present.get(key(value))!);
  if (group.emptyMember !== undefined) {
    const placeholder = key(group.emptyMember);
    const after = new Set(present.keys());
    for (const value of add) after.add(key(value));
    for (const value of remove) after.delete(key(value));
    const hasPlaceholder = after.has(placeholder);
    after.delete(placeholder);
    if (after.size === 0 && !hasPlaceholder) add.push(group.emptyMember);
    if (after.size > 0 && hasPlaceholder) remove.push(present.get(placeholder)!);
  }
  return valueChanges(group.memberAttribute, add, remove);
}

function dnKeyOrText(value: string): string {
  try {
    return dnKey(value);
  } catch {
    return value;
  }
}
