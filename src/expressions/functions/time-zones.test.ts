import { describe, expect, it } from 'vitest';
import { resolveZone } from './time-zones.js';

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
