import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStore, type MemoryRules } from './memory-store.js';

const rules: MemoryRules = {
  unique: { User: [], Group: [] },
  required: { User: [], Group: [] },
  caseExact: false,
  tracksEnabled: false,
  nativeMembers: false,
  memberAttribute: undefined,
};

/** A few values, so that objects share them; arrays hold several (and repeats). */
const value = fc.oneof(
  fc.constantFrom('a', 'A', 'b', 'c'),
  fc.array(fc.constantFrom('a', 'b', 'B', 'd'), { maxLength: 3 }),
);
const step = fc.oneof(
  fc.record({ op: fc.constant('create' as const), title: value }),
  fc.record({ op: fc.constant('replace' as const), pick: fc.nat(), title: value }),
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
);

function holds(title: unknown, probe: string): boolean {
  const values = Array.isArray(title) ? title : [title];
  return values.some((v) => String(v).toLowerCase() === probe);
}

describe('MemoryStore find', () => {
  it('answers exactly the objects a scan finds, through creates, replacements and deletes of shared values', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.boolean(), (steps, indexFirst) => {
        const store = new MemoryStore(rules);
        if (indexFirst) store.find('User', 'title', 'a');
        const ids: string[] = [];
        for (const s of steps) {
          if (s.op === 'create') ids.push(store.create('User', { attributes: { title: s.title } }).id);
          else if (ids.length > 0) {
            const id = ids[s.pick % ids.length]!;
            if (s.op === 'replace') store.replace('User', id, { title: s.title });
            else {
              store.delete('User', id);
              ids.splice(ids.indexOf(id), 1);
            }
          }
        }
        for (const probe of ['a', 'b', 'c', 'd']) {
          const scanned = store
            .all('User')
            .filter((o) => holds(o.attributes.title, probe))
            .map((o) => o.id);
          expect(store.find('User', 'title', probe).map((o) => o.id)).toEqual(scanned);
        }
      }),
    );
  });
});
