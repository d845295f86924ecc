import { describeConnectorContract } from '../spi/contract-kit.js';
import { MemoryTarget, type MemoryTargetOptions } from './memory-connector.js';

// The memory connector in each capability shape the engine must handle; the kit skips what each
// shape does not declare, naming the capability, so the skipping logic runs too.
const profiles: Record<string, MemoryTargetOptions> = {
  'every capability': {},
  'replace-only updates, no batch': { capabilities: { update: { mode: 'replace' }, batchCreate: false } },
  'member attribute by id, no rename': {
    capabilities: { membership: { kind: 'attribute', attribute: 'members', reference: 'id' }, rename: false },
  },
  'member attribute by name (LDAP-like)': {
    capabilities: { membership: { kind: 'attribute', attribute: 'member', reference: 'name' } },
  },
  'delete only, no disable, list without paging': {
    capabilities: { disable: false, list: { paging: false } },
  },
  'users only, no groups': { capabilities: { objectTypes: ['User'], membership: { kind: 'none' } } },
  'write-only: no read, find or list': {
    capabilities: { read: false, find: false, list: false, membership: { kind: 'none' } },
  },
  'capped pages, find by userName only': {
    capabilities: {
      list: { paging: true, maxPageSize: 2 },
      find: { attributes: ['userName', 'displayName'] },
    },
  },
};

for (const [name, options] of Object.entries(profiles)) {
  describeConnectorContract(`memory (${name})`, () => new MemoryTarget(options).connector());
}

// A write-only target checked through what it holds, as a flat-file connector would be by reading its file.
const shared = new MemoryTarget({
  capabilities: { read: false, find: false, list: false, membership: { kind: 'none' } },
});
describeConnectorContract('memory (write-only, verified by readBack)', () => shared.connector(), {
  readBack: async (_connector, objectType, ref) => shared.object(objectType, ref.id),
});
