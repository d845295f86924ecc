import { describe, expect, it } from 'vitest';
import {
  capabilitiesFor,
  canDisable,
  checkCapabilityMethods,
  disableCapability,
  validateCapabilities,
  type ConnectorCapabilities,
} from './capabilities.js';

const full: ConnectorCapabilities = {
  objectTypes: ['User', 'Group'],
  read: true,
  find: { attributes: 'any' },
  list: { paging: true, maxPageSize: 100 },
  update: { mode: 'partial' },
  delete: true,
  disable: true,
  rename: true,
  batchCreate: { maxItems: 50 },
  membership: { kind: 'native' },
};
const fn = async () => undefined;

describe('validateCapabilities', () => {
  it('accepts valid capabilities and freezes them deeply', () => {
    const result = validateCapabilities(full);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.capabilities).toEqual(full);
    expect(Object.isFrozen(result.capabilities)).toBe(true);
    expect(Object.isFrozen(result.capabilities.list)).toBe(true);
  });

  it('names the path of each problem, including a misspelled flag', () => {
    const result = validateCapabilities({
      ...full,
      objectTypes: [],
      list: { paging: 'yes' },
      dissable: true,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.some((i) => i.startsWith('capabilities.objectTypes:'))).toBe(true);
    expect(result.issues.some((i) => i.startsWith('capabilities.list'))).toBe(true);
    expect(result.issues.some((i) => i.includes('dissable'))).toBe(true);
  });

  it('refuses membership without groups, and a member attribute without update', () => {
    const noGroups = validateCapabilities({ ...full, objectTypes: ['User'] });
    expect(noGroups).toEqual({ ok: false, issues: ['capabilities.membership: needs Group in objectTypes'] });
    const noUpdate = validateCapabilities({
      ...full,
      update: false,
      membership: { kind: 'attribute', attribute: 'member', reference: 'name' },
    });
    expect(noUpdate).toEqual({
      ok: false,
      issues: ["capabilities.membership: kind 'attribute' is written through update"],
    });
  });

  it('takes disable per object type, of the types declared only', () => {
    const usersOnly = validateCapabilities({ ...full, disable: { objectTypes: ['User'] } });
    expect(usersOnly.ok).toBe(true);
    if (!usersOnly.ok) return;
    expect(canDisable(usersOnly.capabilities, 'User')).toBe(true);
    expect(canDisable(usersOnly.capabilities, 'Group')).toBe(false);
    expect(canDisable(full, 'Group')).toBe(true);
    const stray = validateCapabilities({
      ...full,
      objectTypes: ['User'],
      membership: { kind: 'none' },
      disable: { objectTypes: ['Group'] },
    });
    expect(stray).toEqual({ ok: false, issues: ['capabilities.disable: Group is not in objectTypes'] });
  });

  it('builds disable from the types that can be disabled', () => {
    expect(disableCapability(['User', 'Group'], ['User', 'Group'])).toBe(true);
    expect(disableCapability(['User', 'Group'], ['User'])).toEqual({ objectTypes: ['User'] });
    expect(disableCapability(['User'], ['Group'])).toBe(false);
    expect(disableCapability(['User', 'Group'], [])).toBe(false);
  });

  it('refuses something that is not an object at all', () => {
    expect(validateCapabilities(undefined).ok).toBe(false);
  });
});

describe('checkCapabilityMethods', () => {
  const allMethods = {
    createBatch: fn,
    get: fn,
    find: fn,
    list: fn,
    update: fn,
    delete: fn,
    setEnabled: fn,
    rename: fn,
    addMembers: fn,
    removeMembers: fn,
  };

  it('finds nothing when flags and methods agree', () => {
    expect(checkCapabilityMethods(allMethods, full)).toEqual([]);
  });

  it('reports each declared capability without its method', () => {
    const { rename: _r, addMembers: _a, ...rest } = allMethods;
    expect(checkCapabilityMethods(rest, full).map((m) => [m.kind, m.operation, m.capability])).toEqual([
      ['declared-but-missing', 'rename', 'rename'],
      ['declared-but-missing', 'addMembers', "membership.kind 'native'"],
    ]);
  });

  it('reports each method present without its capability', () => {
    const caps: ConnectorCapabilities = {
      ...full,
      disable: false,
      batchCreate: false,
      membership: { kind: 'none' },
    };
    expect(checkCapabilityMethods(allMethods, caps).map((m) => m.message)).toEqual([
      'the connector has a createBatch() method but does not declare capability batchCreate',
      'the connector has a setEnabled() method but does not declare capability disable',
      "the connector has a addMembers() method but does not declare capability membership.kind 'native'",
      "the connector has a removeMembers() method but does not declare capability membership.kind 'native'",
    ]);
  });
});

describe('capabilities per object type (byType)', () => {
  it('gives one type its own flags, with disable as a boolean for it', () => {
    const caps: ConnectorCapabilities = {
      ...full,
      disable: { objectTypes: ['User'] },
      byType: { Group: { find: false, list: false } },
    };
    expect(validateCapabilities(caps)).toMatchObject({ ok: true });
    expect(capabilitiesFor(caps, 'Group')).toEqual({
      ...full,
      find: false,
      list: false,
      disable: false,
    });
    expect(capabilitiesFor(caps, 'User')).toEqual({ ...full, disable: true });
  });

  it('rejects a type outside objectTypes and a flag the connector as a whole lacks', () => {
    expect(
      validateCapabilities({
        ...full,
        objectTypes: ['User'],
        membership: { kind: 'none' },
        find: false,
        byType: { User: { find: { attributes: 'any' } }, Group: { read: false } },
      }),
    ).toEqual({
      ok: false,
      issues: [
        'capabilities.byType.User.find: is granted while capability find is not',
        'capabilities.byType.Group: Group is not in objectTypes',
      ],
    });
    expect(validateCapabilities({ ...full, byType: { User: { rename: false } } })).toMatchObject({
      ok: false,
    });
  });
});
