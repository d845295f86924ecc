/**
 * Time zones for FormatDateTime's inputTimeZone / outputTimeZone. Accepted: "UTC" / "GMT" / "Z",
 * fixed offsets ("+05:30", "-0800", "UTC+5", "GMT-08:00"), IANA names ("Europe/Amsterdam", through
 * Intl, daylight saving included), and the common Windows zone ids Entra admins use ("Pacific
 * Standard Time"), mapped to their IANA equivalents.
 */

/** Offset from UTC, in minutes, of a zone at a given instant. */
export type ZoneOffset = (utcMs: number) => number;

const WINDOWS_ZONES: Readonly<Record<string, string>> = {
  utc: 'UTC',
  'gmt standard time': 'Europe/London',
  'greenwich standard time': 'Atlantic/Reykjavik',
  'w. europe standard time': 'Europe/Berlin',
  'central europe standard time': 'Europe/Budapest',
  'romance standard time': 'Europe/Paris',
  'central european standard time': 'Europe/Warsaw',
  'e. europe standard time': 'Europe/Chisinau',
  'fle standard time': 'Europe/Kiev',
  'gtb standard time': 'Europe/Bucharest',
  'russian standard time': 'Europe/Moscow',
  'eastern standard time': 'America/New_York',
  'central standard time': 'America/Chicago',
  'mountain standard time': 'America/Denver',
  'us mountain standard time': 'America/Phoenix',
  'pacific standard time': 'America/Los_Angeles',
  'alaskan standard time': 'America/Anchorage',
  'hawaiian standard time': 'Pacific/Honolulu',
  'atlantic standard time': 'America/Halifax',
  'e. south america standard time': 'America/Sao_Paulo',
  'india standard time': 'Asia/Kolkata',
  'china standard time': 'Asia/Shanghai',
  'tokyo standard time': 'Asia/Tokyo',
  'singapore standard time': 'Asia/Singapore',
  'aus eastern standard time': 'Australia/Sydney',
  'e. australia standard time': 'Australia/Brisbane',
  'cen. australia standard time': 'Australia/Adelaide',
  'w. australia standard time': 'Australia/Perth',
  'new zealand standard time': 'Pacific/Auckland',
  'south africa standard time': 'Africa/Johannesburg',
  'arabian standard time': 'Asia/Dubai',
};

const FIXED = /^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i;

function fixed(minutes: number): ZoneOffset {
  return () => minutes;
}

function ianaOffset(zone: string): ZoneOffset | null {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  } catch {
    return null;
  }
  return (utcMs) => {
    const name = format.formatToParts(utcMs).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    if (!m) return 0;
    return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  };
}

const cache = new Map<string, ZoneOffset | null>();

/** Resolves a zone name to its offset function; null when the name is not a known zone. */
export function resolveZone(name: string): ZoneOffset | null {
  const key = name.trim();
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let zone: ZoneOffset | null;
  const lower = key.toLowerCase();
  if (lower === 'utc' || lower === 'gmt' || lower === 'z' || lower === 'etc/utc') {
    zone = fixed(0);
  } else {
    const m = FIXED.exec(key);
    if (m) {
      const hours = Number(m[2]);
      const minutes = Number(m[3] ?? '0');
      zone = hours <= 14 && minutes < 60 ? fixed((m[1] === '-' ? -1 : 1) * (hours * 60 + minutes)) : null;
    } else {
      zone = ianaOffset(WINDOWS_ZONES[lower] ?? key);
    }
  }
  if (cache.size > 256) cache.clear();
  cache.set(key, zone);
  return zone;
}

/**
 * The UTC instant of a wall-clock time in a zone. Wall times skipped by a daylight-saving jump
 * resolve forward; repeated ones take the earlier offset.
 */
export function wallToUtc(wallMs: number, zone: ZoneOffset): number {
  let guess = wallMs - zone(wallMs) * 60_000;
  for (let i = 0; i < 2; i++) guess = wallMs - zone(guess) * 60_000;
  return guess;
}
