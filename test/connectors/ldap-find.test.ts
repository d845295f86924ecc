/**
 * Finds asked together (as a cycle matches its batch of new objects) share one search; each must
 * answer exactly what it answers alone, against a real slapd: hits, misses, a value the server
 * matches ignoring case, a value several entries hold, an injection attempt, and an empty answer.
 */
import { describe, expect, it } from 'vitest';
import type { Connector, FindRequest } from '../../src/connectors/spi/index.js';
import { openLdap, signal, slapdSettings } from '../support/slapd/ldap-test-connector.js';
import { slapdSkip, slapdTitle, useSlapd } from '../support/slapd/slapd-suite.js';

const slapd = useSlapd();

const ids = (objects: { id: string }[]) => objects.map((o) => o.id).sort();

async function alone(c: Connector, requests: FindRequest[]): Promise<string[][]> {
  const answers: string[][] = [];
  for (const request of requests) answers.push(ids(await c.find!(request, signal())));
  return answers;
}

async function together(c: Connector, requests: FindRequest[]): Promise<string[][]> {
  return (await Promise.all(requests.map((r) => c.find!(r, signal())))).map(ids);
}

describe.skipIf(slapdSkip !== undefined)(slapdTitle('LDAP finds asked together (real slapd)'), () => {
  it('answer each find exactly as it answers alone', async () => {
    const server = slapd.current();
    const c = await openLdap(server, slapdSettings(server));
    try {
      const user = (uid: string, title: string) =>
        c.create({ objectType: 'User', attributes: { uid, cn: uid, sn: uid, title } }, signal());
      const ann = await user('fann', 'Engineer');
      const bob = await user('fbob', 'engineer');
      await user('fcarl', 'Manager');
      const byUid = (value: string): FindRequest => ({ objectType: 'User', attribute: 'uid', value });
      const byTitle = (value: string): FindRequest => ({ objectType: 'User', attribute: 'title', value });
      const uids = [
        byUid('fann'),
        byUid('FANN'),
        byUid('fbob'),
        byUid('nobody'),
        byUid('*)(uid=*'),
        byUid('fann'),
      ];
      const titles = [byTitle('Engineer'), byTitle('ENGINEER'), byTitle('Manager'), byTitle('Designer')];
      const expectedUids = await alone(c, uids);
      expect(expectedUids).toEqual([[ann.id], [ann.id], [bob.id], [], [], [ann.id]]);
      expect(await together(c, uids)).toEqual(expectedUids);
      const expectedTitles = await alone(c, titles);
      expect(expectedTitles[0]).toEqual(ids([ann, bob]));
      expect(expectedTitles[3]).toEqual([]);
      expect(await together(c, titles)).toEqual(expectedTitles);
      // Both attributes at once, and a batch where nothing matches.
      expect(await together(c, [...titles, ...uids])).toEqual([...expectedTitles, ...expectedUids]);
      expect(await together(c, [byUid('none1'), byUid('none2'), byTitle('none3')])).toEqual([[], [], []]);
    } finally {
      await c.close!();
    }
  });
});
