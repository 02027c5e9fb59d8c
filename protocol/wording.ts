import type { AwayReason, CounterStatus, FleetStatus } from './messages.ts';
import type { AlertFacts, AlertKind } from './api.ts';

/** The counter's number as residents read it on the desk ("okienko-2" → "2"; an id without one as it is). */
export const counterNumber = (counter: string): string => /(\d+)$/.exec(counter)?.[1] ?? counter;

/**
 * The words residents read, in the offices' own Polish (../shared/STANDARDS.md) with an English
 * line beside it (S8). Device displays, the dashboard and the lobby board all take them from here.
 */
export const STATUS_TEXT: Record<FleetStatus, { pl: string; en: string }> = {
  available: { pl: 'Stanowisko wolne — zapraszam', en: 'Free, please come' },
  serving: { pl: 'Trwa obsługa — proszę czekać', en: 'Serving, please wait' },
  away: { pl: 'Zaraz wracam', en: 'Be right back' },
  closed: { pl: 'Stanowisko nieczynne', en: 'Counter closed' },
  offline: { pl: 'Brak połączenia', en: 'Offline' },
};

export const AWAY_REASON_TEXT: Record<AwayReason, { pl: string; en: string }> = {
  short: { pl: 'krótka nieobecność', en: 'short absence' },
  break: { pl: 'przerwa', en: 'break' },
  errand: { pl: 'sprawa służbowa', en: 'official errand' },
  end_of_day: { pl: 'koniec pracy', en: 'end of day' },
};

export const PHRASES = {
  backAt: (hhmm: string) => ({ pl: `Wracam o ${hhmm}`, en: `Back at ${hhmm}` }),
  meanwhile: { pl: 'W tym czasie zapraszam do:', en: 'Meanwhile please go to:' },
  /** Beside "Wracam o 08:07" once that time has passed, so no one waits on a stale promise (S7). */
  late: { pl: 'Powrót opóźniony', en: 'Running late' },
  /** The lobby's pages when its counters do not fit on one screen. */
  page: (n: number, of: number) => ({ pl: `Strona ${n} z ${of}`, en: `Page ${n} of ${of}` }),
  howServed: { pl: 'Jak oceniasz obsługę?', en: 'How were you served?' },
  thanks: { pl: 'Dziękujemy za ocenę', en: 'Thank you' },
  notice: { pl: 'Komunikat', en: 'Notice' },
  /** The lobby board, for a counter that is offline: it says so rather than guess. */
  unknown: { pl: 'Brak informacji', en: 'No information' },
  counter: (n: string) => ({ pl: `Stanowisko ${n}`, en: `Counter ${n}` }),
  /** The counter's away menu, while the clerk chooses: what is chosen, and how to confirm or cancel. */
  leaving: { pl: 'Wychodzę', en: 'Leaving' },
  endOfDay: { pl: 'Koniec pracy — zamykam', en: 'End of day — closing' },
  waitConfirms: { pl: 'Odczekaj: zatwierdzę', en: 'Wait: it confirms' },
  pressAgain: { pl: 'Naciśnij ponownie: zmień', en: 'Press again: change' },
  clerkCancels: { pl: 'Przycisk urzędnika: anuluj', en: 'Clerk button: cancel' },
} as const;

/** Light colour for each counter state: green free, amber wait, red away, off when closed. */
export const STATUS_LIGHT: Record<CounterStatus, 'green' | 'amber' | 'red' | 'off'> = {
  available: 'green',
  serving: 'amber',
  away: 'red',
  closed: 'off',
};

/** Face labels for a scale of 3 to 5 (default 4: no neutral middle). */
export function faceLabels(scale: number): string[] {
  const all: Record<number, string[]> = {
    3: ['😞', '😐', '😊'],
    4: ['😠', '🙁', '🙂', '😄'],
    5: ['😠', '🙁', '😐', '🙂', '😄'],
  };
  return all[scale] ?? all[4]!;
}

/** What an alert says, in the reader's language, with times as `hhmm` shows them. */
export function alertText(
  a: { kind: AlertKind; site: string; counter: string | null; facts: AlertFacts },
  lang: 'pl' | 'en',
  hhmm: (ms: number) => string,
): string {
  const where = a.counter ? `${a.site}/${a.counter}` : a.site;
  const at = a.facts.at === undefined ? '?' : hhmm(a.facts.at);
  const who = a.facts.who ?? '?';
  const n = a.facts.count ?? 0;
  const text: Record<AlertKind, { pl: string; en: string }> = {
    away_overdue: { pl: `${where}: ${who} zapowiedział(a) powrót o ${at} i nie wrócił(a)`, en: `${where}: ${who} announced a return at ${at} and is not back` },
    offline: { pl: `${where}: brak połączenia (ostatnio ${at})`, en: `${where} is offline (last seen ${at})` },
    unhappy_run: { pl: `${where}: ${n} złe oceny z rzędu`, en: `${where}: ${n} unhappy votes in a row` },
    outbox_backlog: { pl: `${where}: ${n} zdarzeń czeka na wysłanie`, en: `${where} holds ${n} unsent events` },
    disk_full: { pl: `${where}: pełny dysk — nowe naciśnięcia nie są zapisywane`, en: `${where}: its disk is full — new presses are not recorded` },
    clock_unsynced: { pl: `${where}: zegar niezsynchronizowany (zdarzenia datuje serwer)`, en: `${where}: its clock is not synchronised (events are dated by the bridge)` },
    no_counter_available: { pl: `${where}: żadne stanowisko nie jest wolne ani nie obsługuje, a urząd jest otwarty`, en: `${where}: no counter is free or serving while the office is open` },
  };
  return text[a.kind][lang];
}
