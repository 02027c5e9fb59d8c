/** The offices are in Poland; every clock shown to a person is in this zone unless configured. */
export const DEFAULT_TIME_ZONE = 'Europe/Warsaw';

const hhmmFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Whether this process runs in the zone asked for (TZ set to it, as a counter does). Then the
 * plain Date methods answer from the system's zone data, and Intl — whose locale and zone data
 * cost a counter about 8 MB of resident memory — is never loaded. Browsers always use Intl.
 */
function isProcessZone(timeZone: string): boolean {
  return typeof process !== 'undefined' && process.env?.TZ === timeZone;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** "10:45" in the office's zone. */
export function formatHhMm(epochMs: number, timeZone = DEFAULT_TIME_ZONE): string {
  if (isProcessZone(timeZone)) {
    const d = new Date(epochMs);
    return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  }
  let f = hhmmFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('pl-PL', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone });
    hhmmFormatters.set(timeZone, f);
  }
  return f.format(epochMs);
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of the zone from UTC at that instant, in ms (positive east of Greenwich). */
function zoneOffsetMs(epochMs: number, timeZone: string): number {
  if (isProcessZone(timeZone)) return -new Date(epochMs).getTimezoneOffset() * 60_000;
  // Building a DateTimeFormat costs far more than using one: keep one per zone.
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  const parts = f.formatToParts(epochMs);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** Midnight that began the office's calendar day containing epochMs. */
/** "08:30" → 510: minutes after midnight of an HH:MM time of day. */
export const minutesOfDay = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function startOfDay(epochMs: number, timeZone = DEFAULT_TIME_ZONE): number {
  const offset = zoneOffsetMs(epochMs, timeZone);
  const local = epochMs + offset;
  const localMidnight = local - (((local % 86_400_000) + 86_400_000) % 86_400_000);
  // Re-read the offset at midnight itself: a DST switch during the day changes it.
  return localMidnight - zoneOffsetMs(localMidnight - offset, timeZone);
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The office's calendar date, weekday and minutes since midnight at an instant. */
export function localParts(epochMs: number, timeZone = DEFAULT_TIME_ZONE): { date: string; weekday: Weekday; minutes: number } {
  const local = new Date(epochMs + zoneOffsetMs(epochMs, timeZone));
  const date = local.toISOString().slice(0, 10);
  return { date, weekday: WEEKDAYS[local.getUTCDay()]!, minutes: local.getUTCHours() * 60 + local.getUTCMinutes() };
}
