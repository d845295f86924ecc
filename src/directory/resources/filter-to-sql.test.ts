import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../scim/filter/filter-parser.js';
import { escapeLike, filterToSql, normaliseDateLiteral } from './filter-to-sql.js';

describe('escapeLike', () => {
  it('escapes %, _ and the escape character itself', () => {
    expect(escapeLike('50%_off\\now')).toBe('50\\%\\_off\\\\now');
    expect(escapeLike('plain')).toBe('plain');
  });
});

describe('normaliseDateLiteral', () => {
  it('normalises xsd:dateTime literals to the stored ISO form', () => {
    expect(normaliseDateLiteral('2011-05-13T04:42:34Z')).toBe('2011-05-13T04:42:34.000Z');
    expect(normaliseDateLiteral('2011-05-13T06:42:34+02:00')).toBe('2011-05-13T04:42:34.000Z');
  });

  it('rejects what is not a dateTime, so the evaluator decides instead', () => {
    expect(normaliseDateLiteral('yesterday')).toBeUndefined();
    expect(normaliseDateLiteral(42)).toBeUndefined();
    expect(normaliseDateLiteral('2011-05-13T04:42:34.0005Z')).toBeUndefined();
  });
});

describe('filterToSql', () => {
  const exact = (text: string, type: 'User' | 'Group' = 'User') => filterToSql(parseFilter(text), type).exact;

  it('runs filters on indexed attributes entirely in SQL', () => {
    expect(exact('userName eq "a" and (externalId sw "x" or not (active eq true))')).toBe(true);
    expect(exact('emails[type eq "work" and value co "@x"]')).toBe(true);
    expect(exact('meta.lastModified gt "2020-01-01T00:00:00Z"')).toBe(true);
    expect(exact('members.value eq "abc"', 'Group')).toBe(true);
  });

  it('marks filters on other attributes for in-memory evaluation', () => {
    expect(exact('title eq "x"')).toBe(false);
    expect(exact('userName eq "a" and title eq "x"')).toBe(false);
    expect(exact('not (title eq "x")')).toBe(false);
    expect(exact('userName eq 5')).toBe(false);
    expect(exact('emails.value ne "x"')).toBe(true);
    expect(exact('emails co "x"')).toBe(true);
    expect(exact('emails pr')).toBe(false);
    expect(exact('userName eq "a"', 'Group')).toBe(false);
  });

  it('notes when evaluation needs members or groups loaded', () => {
    expect(filterToSql(parseFilter('members.display eq "x"'), 'Group').needsMembers).toBe(true);
    expect(filterToSql(parseFilter('groups.value eq "x"'), 'User').needsGroups).toBe(true);
  });
});
