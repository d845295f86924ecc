/** The contract cases for group membership, by the way the target keeps it. */
import { sameValue } from './attribute-change.js';
import { capabilitiesFor, type ConnectorCapabilities } from './capabilities.js';
import type { TargetRef } from './connector.js';
import { expectAttributes, expectCode, fail, signal } from './contract-assertions.js';
import type { ContractCase } from './contract-cases.js';
import type { KitData } from './contract-kit-data.js';

/** The membership cases: native add and remove, or members written through the member attribute. */
export function membershipCases(caps: ConnectorCapabilities, kit: KitData): ContractCase[] {
  const both = caps.objectTypes.includes('User') && caps.objectTypes.includes('Group');
  const membership = caps.membership;
  const noBoth = both ? undefined : 'objectTypes does not hold both User and Group';
  const native: ContractCase = {
    title: 'Group: addMembers and removeMembers change the members, and repeating them is harmless',
    skipReason: membership.kind === 'native' ? noBoth : "capability membership.kind 'native' is not declared",
    run: async (c, created) => {
      const group = await kit.create(c, kit.createRequest(caps, 'Group'), created);
      const u1 = await kit.create(c, kit.createRequest(caps, 'User'), created);
      const u2 = await kit.create(c, kit.createRequest(caps, 'User'), created);
      const readMembers = async () =>
        capabilitiesFor(caps, 'Group').read ? ((await kit.read(c, 'Group', group)).members ?? []) : undefined;
      const expectMembers = async (ids: string[], after: string) => {
        const members = await readMembers();
        if (members !== undefined && !sameValue(members, ids)) {
          fail(
            `after ${after} the group's members are [${members.join(', ')}], expected [${ids.join(', ')}]`,
          );
        }
      };
      await c.addMembers!({ group, members: [u1, u2] }, signal());
      await expectMembers([u1.id, u2.id], 'addMembers(u1, u2)');
      await c.addMembers!({ group, members: [u1] }, signal());
      await expectMembers([u1.id, u2.id], 'adding u1 again');
      await c.removeMembers!({ group, members: [u1] }, signal());
      await expectMembers([u2.id], 'removeMembers(u1)');
      await c.removeMembers!({ group, members: [u1] }, signal());
      await expectMembers([u2.id], 'removing u1 again');
      await expectCode('not_found', 'addMembers() of an unknown member', () =>
        c.addMembers!({ group, members: [{ id: kit.missingId }] }, signal()),
      );
    },
  };
  const attribute: ContractCase = {
    title: 'Group: the member attribute holds members written through create and update',
    skipReason:
      membership.kind === 'attribute'
        ? (noBoth ??
          (capabilitiesFor(caps, 'Group').read || kit.options.readBack
            ? undefined
            : 'capability read is not declared'))
        : "capability membership.kind 'attribute' is not declared",
    run: async (c, created) => {
      if (membership.kind !== 'attribute') return;
      const u1 = await kit.create(c, kit.createRequest(caps, 'User'), created);
      const u2 = await kit.create(c, kit.createRequest(caps, 'User'), created);
      const value = (ref: TargetRef) => (membership.reference === 'id' ? ref.id : ref.name!);
      const request = kit.createRequest(caps, 'Group');
      request.attributes[membership.attribute] = [value(u1)];
      const group = await kit.create(c, request, created);
      expectAttributes(
        await kit.read(c, 'Group', group),
        { [membership.attribute]: [value(u1)] },
        'the group after create()',
      );
      await c.update!(
        {
          objectType: 'Group',
          ref: group,
          changes: [
            { attribute: membership.attribute, oldValue: [value(u1)], newValue: [value(u1), value(u2)] },
          ],
        },
        signal(),
      );
      expectAttributes(
        await kit.read(c, 'Group', group),
        { [membership.attribute]: [value(u1), value(u2)] },
        'the group after update()',
      );
    },
  };
  return [native, attribute];
}
