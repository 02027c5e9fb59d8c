import { formatInOffice } from './format.ts';
import { EN, PL, type Words } from './words.ts';

/**
 * The managers' pages speak Polish unless the person chose English (the switch in the top bar, or
 * `?lang=en` in a link); the choice is kept in this browser. Dates take the language's own format,
 * in the office's zone (format.ts). The lobby board is not switched: residents read both at once.
 */
export type Lang = 'pl' | 'en';

const KEY = 'okienko.lang';

function remembered(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null; // storage blocked (a locked-down kiosk profile): Polish, as by default
  }
}

function chosen(): Lang {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked === 'pl' || asked === 'en') {
    remember(asked);
    return asked;
  }
  return remembered() === 'en' ? 'en' : 'pl';
}

function remember(lang: Lang): void {
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    // not kept; the page still shows the language asked for
  }
}

export const lang: Lang = chosen();
document.documentElement.lang = lang;

/** The words of this page's language. */
export const w: Words = lang === 'en' ? EN : PL;

/** Switch and show the page again in the other language (the live stream reconnects with a snapshot). */
export function switchLanguage(to: Lang): void {
  remember(to);
  const url = new URL(location.href);
  url.searchParams.delete('lang');
  // Only a different query loads the page again (the same one with a #fragment would not).
  if (url.search !== location.search) location.replace(url);
  else location.reload();
}

const LOCALE: Record<Lang, string> = { pl: 'pl-PL', en: 'en-GB' };

export { hhmm, loadOffice, officeDate, officePeriod } from './format.ts';

/**
 * "03.12.2026, 10:45" (Polish) or "03/12/2026, 10:45" (English), in the office's zone. Day and
 * month always take two digits, as Polish offices write dates: `dateStyle: 'short'` gives
 * "3.12.2026" on the first nine days of a month, so a column of dates would not line up.
 */
export const dateTime = (ms: number): string =>
  formatInOffice(ms, LOCALE[lang], { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

const dayMonthFormat = new Intl.DateTimeFormat(LOCALE[lang], { day: '2-digit', month: '2-digit', timeZone: 'UTC' });
/** "22.11" / "22/11" for an office calendar date "2026-11-22" (already the office's day: no zone). */
export const dayMonth = (isoDate: string): string => dayMonthFormat.format(Date.parse(`${isoDate}T00:00:00Z`));

const calendarDateFormat = new Intl.DateTimeFormat(LOCALE[lang], { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });
/** "03.12.2026" / "03/12/2026" for an office calendar date "2026-12-03" (already the office's day: no zone). */
export const calendarDate = (isoDate: string): string => calendarDateFormat.format(Date.parse(`${isoDate}T00:00:00Z`));
