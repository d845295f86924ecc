/**
 * Hostile values against a real slapd: every value the connector puts in a DN or a filter is
 * escaped (RFC 4514 / RFC 4515), so values with `,` `+` `"` `\` `<` `>` `;` `=` `*` `(` `)` NUL, a
 * leading `#` or space and non-ASCII text round-trip exactly, and `*)(uid=*` matches nothing extra.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDn } from '../../src/connectors/ldap/index.js';
import type { Connector, TargetObject } from '../../src/connectors/spi/index.js';
import { openLdap, signal, slapdSettings } from '../support/slapd/ldap-test-connector.js';
import { rawEntry, rawSearch, slapdSkip, slapdTitle, useSlapd } from '../support/slapd/slapd-suite.js';

const slapd = useSlapd();

const HOSTILE = [
  'comma, inside',
  'plus+sign',
  'double"quote',
  'back\\slash',
  'less<than',
  'greater>than',
  'semi;colon',
  'equals=sign',
  'star*',
  '(parens)',
  'nul\0byte',
  '#leading hash',
  ' leading space',
  'trailing space ',
  'Zoë Ångström 日本語 🙂',
  '*)(uid=*',
  '\\2C not an escape',
  ',+"\\<>;=*()\0#',
];

async function user(connector: Connector, uid: string, cn = uid): Promise<TargetObject> {
  return connector.create(
    { objectType: 'User', attributes: { uid, cn, sn: 'Hostile', description: uid } },
    signal(),
  );
}

describe.skipIf(slapdSkip !== undefined)(slapdTitle('hostile values in DNs and filters (real slapd)'), () => {
  it.each(HOSTILE)('%j round-trips through create, the DN, get and find', async (value) => {
    const server = slapd.current();
    const connector = await openLdap(server, slapdSettings(server));
    try {
      const created = await user(connector, value);
      // The DN names exactly one RDN below ou=people whose value is the input.
      const [rdn, ...parent] = parseDn(created.name!);
      expect(rdn).toEqual([{ type: 'uid', value }]);
      expect(parent.map((r) => `${r[0]!.type}=${r[0]!.value}`)).toEqual([
        'ou=people',
        'dc=example',
        'dc=test',
      ]);
      // The server holds it under that DN, with the value intact.
      const entry = await rawEntry(server, created.name!);
      expect(entry?.uid).toBe(value);
      expect(entry?.description).toBe(value);
      expect(entry?.entryUUID).toBe(created.id);
      const read = await connector.get!({ objectType: 'User', ref: created }, signal());
      expect(read.attributes.uid).toBe(value);
      expect(read.name).toBe(created.name);
      const found = await connector.find!({ objectType: 'User', attribute: 'uid', value }, signal());
      expect(found.map((o) => o.id)).toEqual([created.id]);
      const byDescription = await connector.find!(
        { objectType: 'User', attribute: 'description', value },
        signal(),
      );
      expect(byDescription.map((o) => o.id)).toEqual([created.id]);
    } finally {
      await connector.close!();
    }
  });

  it('an injection attempt in find matches nothing it should not', async () => {
    const server = slapd.current();
    const connector = await openLdap(server, slapdSettings(server));
    try {
      await user(connector, 'alice-inj');
      await user(connector, 'bob-inj');
      const total = (await rawSearch(server, server.peopleDn, '(uid=*)')).length;
      expect(total).toBeGreaterThan(2);
      for (const value of [
        '*',
        '*)(uid=*',
        '*)(|(uid=*',
        'alice-inj)(uid=*',
        '*inj',
        'alice-inj*',
        ')(objectClass=*',
      ]) {
        // Only an entry whose uid is that very text may match (an earlier case created `*)(uid=*`).
        const found = await connector.find!({ objectType: 'User', attribute: 'uid', value }, signal());
        const literal = await rawSearch(
          server,
          server.peopleDn,
          `(uid=${value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`)})`,
        );
        expect(
          found.map((o) => o.attributes.uid),
          value,
        ).toEqual(literal.map((e) => e.uid));
        expect(found.length, value).toBeLessThanOrEqual(1);
      }
      // ... while the plain value still finds its one entry.
      const alice = await connector.find!(
        { objectType: 'User', attribute: 'uid', value: 'alice-inj' },
        signal(),
      );
      expect(alice.map((o) => o.attributes.uid)).toEqual(['alice-inj']);
    } finally {
      await connector.close!();
    }
  });

  it('arbitrary strings round-trip through a real server (property)', async () => {
    const server = slapd.current();
    const connector = await openLdap(server, slapdSettings(server));
    const special = fc.constantFrom(
      ',',
      '+',
      '"',
      '\\',
      '<',
      '>',
      ';',
      '=',
      '*',
      '(',
      ')',
      '\0',
      '#',
      ' ',
      'é',
      '日',
    );
    let n = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(special, fc.string({ minLength: 1, maxLength: 3 })), {
            minLength: 1,
            maxLength: 8,
          }),
          async (parts) => {
            // A counter keeps values unique; slapd compares uid ignoring case and spaces, so the
            // generated part is kept from colliding with another run's value that way.
            const value = `${parts.join('')}~${n++}`;
            const created = await user(connector, value, 'prop');
            expect(parseDn(created.name!)[0]).toEqual([{ type: 'uid', value }]);
            const read = await connector.get!({ objectType: 'User', ref: created }, signal());
            expect(read.attributes.uid).toBe(value);
            const found = await connector.find!({ objectType: 'User', attribute: 'uid', value }, signal());
            expect(found.map((o) => o.id)).toEqual([created.id]);
            await connector.delete!({ objectType: 'User', ref: created }, signal());
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      await connector.close!();
    }
  });
});
