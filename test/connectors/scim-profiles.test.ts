/**
 * Each target profile and deviation flag against a test target that really deviates that way:
 * without the flag the target refuses (or the connector misreads) what it is sent, with the flag
 * the connector provisions it.
 */
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/connectors/spi/index.js';
import { scimConnectorFor, testSignal as signal } from '../support/scim-target/index.js';
import type { TargetProfile } from '../support/scim-target/index.js';
import { scimTargetsForFile } from '../support/scim-target/targets-for-file.js';

const startTarget = scimTargetsForFile();
const targetWith = (profile: Partial<TargetProfile>) => startTarget({ profile });

let n = 0;
const name = (prefix: string) => `${prefix}-${++n}@example.com`;
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (e: unknown) => (e instanceof ConnectorError ? e.code : String(e)),
  );

describe('profile provisio and strict-rfc7644', () => {
  it('a strict target refuses Entra’s forms that the provisio profile sends; strict-rfc7644 sends the RFC’s', async () => {
    const target = await targetWith({ entraForms: false });
    const provisio = scimConnectorFor(target.url, { profile: 'provisio' });
    const strict = scimConnectorFor(target.url, { profile: 'strict-rfc7644' });
    const user = await strict.create({ objectType: 'User', attributes: { userName: name('p') } }, signal());
    const change = { attribute: 'emails[type eq "work"].value', oldValue: null, newValue: 'x@example.com' };
    expect(
      await codeOf(provisio.update!({ objectType: 'User', ref: user, changes: [change] }, signal())),
    ).toBe('schema_violation');
    await strict.update!({ objectType: 'User', ref: user, changes: [change] }, signal());
    expect(target.store.get('User', user.id).emails).toEqual([{ type: 'work', value: 'x@example.com' }]);
    expect(
      await codeOf(
        provisio.find!({ objectType: 'User', attribute: change.attribute, value: 'x@example.com' }, signal()),
      ),
    ).toBe('schema_violation');
    expect(
      (
        await strict.find!(
          { objectType: 'User', attribute: change.attribute, value: 'x@example.com' },
          signal(),
        )
      ).map((o) => o.id),
    ).toEqual([user.id]);
    await provisio.close!();
    await strict.close!();
  });
});

describe('deviation flags', () => {
  it('patchUnsupported: updates, disables and memberships go as a read and a PUT', async () => {
    const target = await targetWith({ noPatch: true });
    const plain = scimConnectorFor(target.url);
    const user = await plain.create(
      { objectType: 'User', attributes: { userName: name('put'), title: 'A' } },
      signal(),
    );
    const change = { attribute: 'title', oldValue: 'A', newValue: 'B' };
    expect(await codeOf(plain.update!({ objectType: 'User', ref: user, changes: [change] }, signal()))).toBe(
      'invalid_response',
    );
    const put = scimConnectorFor(target.url, { deviations: { patchUnsupported: true } });
    expect(put.capabilities.update).toEqual({ mode: 'replace' });
    target.log.length = 0;
    await put.update!({ objectType: 'User', ref: user, changes: [change] }, signal());
    await put.setEnabled!({ objectType: 'User', ref: user, enabled: false }, signal());
    expect(target.log.map((r) => r.method)).toEqual(['GET', 'PUT', 'GET', 'PUT']);
    expect(target.store.get('User', user.id)).toMatchObject({ title: 'B', active: false });
    const group = await put.create({ objectType: 'Group', attributes: { displayName: name('g') } }, signal());
    await put.addMembers!({ group, members: [user] }, signal());
    expect(target.store.get('Group', group.id).members).toEqual([{ value: user.id }]);
    expect(target.requests('PATCH')).toHaveLength(0);
    await plain.close!();
    await put.close!();
  });

  it('booleansAsStrings: active goes as "false" and reads back as a boolean', async () => {
    const target = await targetWith({ booleansAsStrings: true });
    const plain = scimConnectorFor(target.url);
    expect(
      await codeOf(
        plain.create({ objectType: 'User', attributes: { userName: name('b'), active: true } }, signal()),
      ),
    ).toBe('schema_violation');
    const strings = scimConnectorFor(target.url, { deviations: { booleansAsStrings: true } });
    const user = await strings.create(
      { objectType: 'User', attributes: { userName: name('b'), active: true } },
      signal(),
    );
    expect(target.store.get('User', user.id).active).toBe('true');
    await strings.setEnabled!({ objectType: 'User', ref: user, enabled: false }, signal());
    expect(target.store.get('User', user.id).active).toBe('false');
    const read = await strings.get!({ objectType: 'User', ref: user }, signal());
    expect(read.enabled).toBe(false);
    expect(read.attributes.active).toBe(false);
    await plain.close!();
    await strings.close!();
  });

  it('noExcludedAttributes: group reads go without it and members are dropped from found groups', async () => {
    const target = await targetWith({ noExcludedAttributes: true });
    const plain = scimConnectorFor(target.url);
    const displayName = name('ex');
    const group = await plain.create({ objectType: 'Group', attributes: { displayName } }, signal());
    const user = await plain.create({ objectType: 'User', attributes: { userName: name('m') } }, signal());
    await plain.addMembers!({ group, members: [user] }, signal());
    expect(
      await codeOf(
        plain.find!({ objectType: 'Group', attribute: 'displayName', value: displayName }, signal()),
      ),
    ).toBe('schema_violation');
    const flagged = scimConnectorFor(target.url, { deviations: { noExcludedAttributes: true } });
    target.log.length = 0;
    const found = await flagged.find!(
      { objectType: 'Group', attribute: 'displayName', value: displayName },
      signal(),
    );
    expect(found.map((g) => g.id)).toEqual([group.id]);
    expect(found[0]!.members).toBeUndefined();
    expect(target.requests('GET')[0]!.query.excludedAttributes).toBeUndefined();
    await plain.close!();
    await flagged.close!();
  });

  it('membersByReplace: members change by one replace of the merged list', async () => {
    const target = await targetWith({ membersByReplaceOnly: true });
    const plain = scimConnectorFor(target.url);
    const group = await plain.create(
      { objectType: 'Group', attributes: { displayName: name('r') } },
      signal(),
    );
    const u1 = await plain.create({ objectType: 'User', attributes: { userName: name('r1') } }, signal());
    const u2 = await plain.create({ objectType: 'User', attributes: { userName: name('r2') } }, signal());
    expect(await codeOf(plain.addMembers!({ group, members: [u1] }, signal()))).toBe('schema_violation');
    const replace = scimConnectorFor(target.url, { deviations: { membersByReplace: true } });
    await replace.addMembers!({ group, members: [u1] }, signal());
    target.log.length = 0;
    await replace.addMembers!({ group, members: [u2] }, signal());
    expect(target.log.map((r) => r.method)).toEqual(['GET', 'PATCH']);
    expect((target.requests('PATCH')[0]!.body as { Operations: unknown }).Operations).toEqual([
      { op: 'replace', path: 'members', value: [{ value: u1.id }, { value: u2.id }] },
    ]);
    await replace.removeMembers!({ group, members: [u1] }, signal());
    expect(target.store.get('Group', group.id).members).toEqual([{ value: u2.id }]);
    // Nothing to change: only the read.
    target.log.length = 0;
    await replace.addMembers!({ group, members: [u2] }, signal());
    expect(target.log.map((r) => r.method)).toEqual(['GET']);
    await plain.close!();
    await replace.close!();
  });

  it('groupPatchReturnsMembers: a group PATCH answering 200 with every member is drained, not parsed', async () => {
    const target = await targetWith({ groupPatchReturnsMembers: true });
    const c = scimConnectorFor(target.url, {
      deviations: { groupPatchReturnsMembers: true },
      memberBatchSize: 50,
    });
    const group = await c.create({ objectType: 'Group', attributes: { displayName: name('big') } }, signal());
    const users = [];
    for (let i = 0; i < 120; i++)
      users.push(await c.create({ objectType: 'User', attributes: { userName: name('big-m') } }, signal()));
    await c.addMembers!({ group, members: users }, signal());
    expect(target.requests('PATCH').map((r) => r.status)).toEqual([200, 200, 200]);
    expect((target.store.get('Group', group.id).members as unknown[]).length).toBe(120);
    // Drained, never parsed: an answer cut short in the middle of its JSON does not fail the flagged
    // connector, and does fail one without the flag.
    const plain = scimConnectorFor(target.url);
    target.faults.add({
      kind: 'respond',
      rate: 1,
      methods: ['PATCH'],
      status: 200,
      body: '{"members":[{"value":"u',
    });
    await c.removeMembers!({ group, members: [users[0]!] }, signal());
    expect(await codeOf(plain.removeMembers!({ group, members: [users[1]!] }, signal()))).toBe(
      'invalid_response',
    );
    target.faults.clear();
    await plain.close!();
    await c.close!();
  });

  it('filterAttributes: find is declared for those alone, and testConnection filters on one of them', async () => {
    const target = await targetWith({ filterAttributes: ['externalid', 'displayname'] });
    const plain = scimConnectorFor(target.url);
    expect(await codeOf(plain.testConnection(signal()))).toBe('schema_violation');
    const flagged = scimConnectorFor(target.url, {
      deviations: { filterAttributes: { User: ['externalId'], Group: ['displayName'] } },
    });
    expect(flagged.capabilities.find).toEqual({ attributes: ['externalId', 'displayName'] });
    await flagged.testConnection(signal());
    expect(target.requests('GET').at(-1)!.query.filter).toMatch(/^externalId eq "provisio-test-/u);
    await plain.close!();
    await flagged.close!();
  });

  it('extensionUrns: a target that requires its extension in schemas gets it on every user', async () => {
    const urn = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
    const target = await targetWith({ requiredUserExtension: urn });
    const plain = scimConnectorFor(target.url);
    expect(
      await codeOf(plain.create({ objectType: 'User', attributes: { userName: name('x') } }, signal())),
    ).toBe('schema_violation');
    const flagged = scimConnectorFor(target.url, { deviations: { extensionUrns: [urn] } });
    const user = await flagged.create(
      { objectType: 'User', attributes: { userName: name('x'), [`${urn}:costCenter`]: 'CC-7' } },
      signal(),
    );
    expect(target.store.get('User', user.id)).toMatchObject({
      schemas: expect.arrayContaining([urn]),
      [urn]: { costCenter: 'CC-7' },
    });
    const bare = await flagged.create({ objectType: 'User', attributes: { userName: name('x') } }, signal());
    expect(target.store.get('User', bare.id).schemas).toContain(urn);
    expect(
      (await flagged.get!({ objectType: 'User', ref: user }, signal())).attributes[`${urn}:costCenter`],
    ).toBe('CC-7');
    await plain.close!();
    await flagged.close!();
  });

  it('usersPath / groupsPath: a target whose endpoints sit at non-standard paths', async () => {
    const target = await targetWith({ usersPath: '/api/people', groupsPath: '/api/teams' });
    const plain = scimConnectorFor(target.url);
    expect(await codeOf(plain.testConnection(signal()))).toBe('not_found');
    const flagged = scimConnectorFor(target.url, { usersPath: '/api/people', groupsPath: '/api/teams' });
    await flagged.testConnection(signal());
    const user = await flagged.create(
      { objectType: 'User', attributes: { userName: name('path') } },
      signal(),
    );
    const group = await flagged.create(
      { objectType: 'Group', attributes: { displayName: name('team') } },
      signal(),
    );
    await flagged.addMembers!({ group, members: [user] }, signal());
    expect(target.log.map((r) => r.path).filter((p) => p.startsWith('/api/'))).toHaveLength(
      target.log.length - 1,
    );
    expect(target.requests('PATCH')[0]!.path).toBe(`/api/teams/${group.id}`);
    await plain.close!();
    await flagged.close!();
  });

  it('noActive: no disable capability, and active is not sent', async () => {
    const target = await targetWith({});
    const c = scimConnectorFor(target.url, { deviations: { noActive: true } });
    expect(c.capabilities.disable).toBe(false);
    expect(c.setEnabled).toBeUndefined();
    const user = await c.create(
      { objectType: 'User', attributes: { userName: name('na') }, enabled: false },
      signal(),
    );
    expect(target.store.get('User', user.id).active).toBeUndefined();
    await c.close!();
  });
});
