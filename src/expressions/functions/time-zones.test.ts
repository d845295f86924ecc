import { describe, expect, it } from 'vitest';
import { resolveZone, wallToUtc } from './time-zones.js';

const january = Date.UTC(2021, 0, 15, 12);
const july = Date.UTC(2021, 6, 15, 12);

/** The offset (minutes) of `name` at `at`, failing the test when the name is refused. */
function offset(name: string, at = january): number {
  const zone = resolveZone(name);
  expect(zone, name).not.toBeNull();
  return zone!(at);
}

describe('resolveZone', () => {
  it('reads UTC, GMT, Z and Etc/UTC in any case and with blanks around them as offset 0', () => {
    for (const name of ['UTC', 'utc', 'GMT', 'Z', 'z', ' Z ', 'Etc/UTC', 'etc/utc']) {
      expect(offset(name), name).toBe(0);
    }
  });

  it('reads fixed offsets with their sign, minutes optional', () => {
    expect(offset('+5')).toBe(300);
    expect(offset('-05:00')).toBe(-300);
    expect(offset('+05:30')).toBe(330);
    expect(offset('-0830')).toBe(-510);
    expect(offset('UTC+5')).toBe(300);
    expect(offset('GMT-08:00')).toBe(-480);
    expect(offset('+14:00')).toBe(840);
  });

  it('refuses fixed offsets past 14 hours or 59 minutes, and unknown names', () => {
    expect(resolveZone('+15:00')).toBeNull();
    expect(resolveZone('+05:60')).toBeNull();
    expect(resolveZone('Nowhere/Atlantis')).toBeNull();
  });

  it('reads IANA zones with their daylight saving and half-hour offsets', () => {
    expect(offset('Asia/Kolkata')).toBe(330);
    expect(offset('America/New_York', january)).toBe(-300);
    expect(offset('America/New_York', july)).toBe(-240);
    expect(offset('Europe/London', january)).toBe(0);
    expect(offset('Europe/London', july)).toBe(60);
  });

  it('maps the Windows zone ids to their IANA zones, in any case', () => {
    expect(offset('Pacific Standard Time', january)).toBe(-480);
    expect(offset('india standard time')).toBe(330);
    expect(offset('W. Europe Standard Time', july)).toBe(120);
  });
});

describe('resolveZone: the whole name', () => {
  it('refuses a fixed offset with text before or after it, and takes blanks after UTC', () => {
    expect(resolveZone('x+05')).toBeNull();
    expect(resolveZone('+05abc')).toBeNull();
    expect(offset('UTC +5')).toBe(300);
  });
});

describe('resolveZone: every Windows zone id', () => {
  const windows: [string, string][] = [
    ['GMT Standard Time', 'Europe/London'],
    ['Greenwich Standard Time', 'Atlantic/Reykjavik'],
    ['W. Europe Standard Time', 'Europe/Berlin'],
    ['Central Europe Standard Time', 'Europe/Budapest'],
    ['Romance Standard Time', 'Europe/Paris'],
    ['Central European Standard Time', 'Europe/Warsaw'],
    ['E. Europe Standard Time', 'Europe/Chisinau'],
    ['FLE Standard Time', 'Europe/Kiev'],
    ['GTB Standard Time', 'Europe/Bucharest'],
    ['Russian Standard Time', 'Europe/Moscow'],
    ['Eastern Standard Time', 'America/New_York'],
    ['Central Standard Time', 'America/Chicago'],
    ['Mountain Standard Time', 'America/Denver'],
    ['US Mountain Standard Time', 'America/Phoenix'],
    ['Pacific Standard Time', 'America/Los_Angeles'],
    ['Alaskan Standard Time', 'America/Anchorage'],
    ['Hawaiian Standard Time', 'Pacific/Honolulu'],
    ['Atlantic Standard Time', 'America/Halifax'],
    ['E. South America Standard Time', 'America/Sao_Paulo'],
    ['India Standard Time', 'Asia/Kolkata'],
    ['China Standard Time', 'Asia/Shanghai'],
    ['Tokyo Standard Time', 'Asia/Tokyo'],
    ['Singapore Standard Time', 'Asia/Singapore'],
    ['AUS Eastern Standard Time', 'Australia/Sydney'],
    ['E. Australia Standard Time', 'Australia/Brisbane'],
    ['Cen. Australia Standard Time', 'Australia/Adelaide'],
    ['W. Australia Standard Time', 'Australia/Perth'],
    ['New Zealand Standard Time', 'Pacific/Auckland'],
    ['South Africa Standard Time', 'Africa/Johannesburg'],
    ['Arabian Standard Time', 'Asia/Dubai'],
  ];

  it.each(windows)('%s is %s, in January and July', (id, iana) => {
    expect([offset(id, january), offset(id, july)]).toEqual([offset(iana, january), offset(iana, july)]);
  });
});

describe('wallToUtc', () => {
  const newYork = resolveZone('America/New_York')!;

  it('turns a wall-clock time into UTC at the offset of that moment', () => {
    expect(wallToUtc(Date.UTC(2021, 0, 15, 12), newYork)).toBe(Date.UTC(2021, 0, 15, 17));
    expect(wallToUtc(Date.UTC(2021, 6, 15, 12), newYork)).toBe(Date.UTC(2021, 6, 15, 16));
    // Hours after the jump: read as UTC, 05:00 falls before it, so the first guess is an hour off.
    expect(wallToUtc(Date.UTC(2021, 2, 14, 5), newYork)).toBe(Date.UTC(2021, 2, 14, 9));
  });

  it('moves a wall time the spring jump skips forward, and takes the earlier offset for a repeated one', () => {
    // 2021-03-14 02:30 does not exist in New York (02:00 EST became 03:00 EDT): 03:30 EDT.
    expect(wallToUtc(Date.UTC(2021, 2, 14, 2, 30), newYork)).toBe(Date.UTC(2021, 2, 14, 7, 30));
    // 2021-11-07 01:30 happened twice: the first time, in EDT.
    expect(wallToUtc(Date.UTC(2021, 10, 7, 1, 30), newYork)).toBe(Date.UTC(2021, 10, 7, 5, 30));
  });
});
