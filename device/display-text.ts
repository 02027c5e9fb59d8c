import { AWAY_REASON_TEXT, PHRASES, STATUS_TEXT } from '@okienko/protocol/wording';
import { formatHhMm } from '@okienko/protocol/time';
import type { DisplaySize } from '@okienko/hardware';
import { selectedPreset, type MachineConfig, type MachineState } from './machine.ts';

export interface DisplayContext {
  /** False while the counter cannot reach the broker: the display says so, so it is never mistaken for the truth (S7). */
  linkUp: boolean;
  /** The broker refused this counter's login: the display says so, so IT is called, not the network blamed. */
  loginRefused?: boolean;
  timeZone: string;
  /** The office's notices showing now (already filtered by their end), after the counter's own message. */
  notices?: readonly { text: string; from: string }[];
}

/** How long each page shows when a message needs more than one screen (Polish, then English). */
export const PAGE_MS = 4000;

/**
 * What the counter's display shows now: the message laid out in pages that fit the screen (a
 * 16×2 LCD, a 20×4 LCD, a 2×20 VFD or a big kiosk screen), turning every PAGE_MS. Wording is
 * the offices' own (protocol/wording.ts); Polish first, then English (S8).
 */
export function displayLines(state: MachineState, now: number, config: MachineConfig, size: DisplaySize, ctx: DisplayContext): string[] {
  const pages = displayPages(state, now, config, size, ctx);
  // While the clerk chooses, each press starts again at the first page: the choice itself.
  const since = state.awaySelection ? now - state.awaySelection.lastPressAt : now;
  return pages[Math.floor(since / PAGE_MS) % pages.length]!;
}

/** Every page of the current message, each exactly `size.rows` lines of at most `size.cols`. */
export function displayPages(state: MachineState, now: number, config: MachineConfig, size: DisplaySize, ctx: DisplayContext): string[][] {
  const pages = paginate(content(state, now, config, ctx), size);
  if (ctx.linkUp) return pages;
  // Without a link, every page carries a mark in its top-right corner and a page of its own says why.
  const marked = pages.map((p) => [mark(p[0]!, size.cols), ...p.slice(1)]);
  const why = ctx.loginRefused ? [['! Odmowa logowania', 'zgłoś do IT'], ['! Login refused', 'call IT']] : [['! Brak łączności', '! Offline']];
  return [...marked, ...paginate(why, size)];
}

function mark(line: string, cols: number): string {
  return `${Array.from(line).slice(0, cols - 1).join('').padEnd(cols - 1, ' ')}!`;
}

/** Short messages for the clerk after a press that could not be carried out. */
const HINTS: Record<NonNullable<MachineState['hint']>['text'], string[][]> = {
  sign_in: [['Zaloguj się', 'identyfikatorem'], ['Sign in with', 'your badge']],
  closed: [[STATUS_TEXT.closed.pl], [STATUS_TEXT.closed.en]],
  outbox_full: [['Nie zapisano —', 'zgłoś do IT'], ['Not recorded —', 'call IT']],
  disk_full: [['Dysk pełny —', 'zgłoś do IT'], ['Disk full —', 'call IT']],
  unknown_badge: [['Nieznany', 'identyfikator'], ['Unknown badge']],
  signed_in: [['Zalogowano'], ['Signed in']],
  signed_out: [['Wylogowano'], ['Signed out']],
};

/**
 * The message as blocks of lines; a block is kept on one page where it fits (e.g. "meanwhile
 * please go to:" with the substitute's name and place).
 */
function content(state: MachineState, now: number, config: MachineConfig, ctx: DisplayContext): string[][] {
  // A hint, the thanks and the leaving menu answer a press: they stand alone, briefly.
  if (state.hint && now < state.hint.until) return HINTS[state.hint.text];
  if (state.thanksUntil !== null && now < state.thanksUntil) return [[PHRASES.thanks.pl], [PHRASES.thanks.en]];
  const choice = selectedPreset(state, config);
  if (choice) {
    // The time it will announce, not "5 min": the clerk sees the promise before making it.
    const label = AWAY_REASON_TEXT[choice.reason];
    const hhmm = choice.backAt === null ? null : formatHhMm(choice.backAt, ctx.timeZone);
    const what = (lang: 'pl' | 'en'): string[] => (hhmm === null ? [PHRASES.endOfDay[lang]] : [PHRASES.backAt(hhmm)[lang], label[lang]]);
    const how = (lang: 'pl' | 'en'): string[] => [PHRASES.waitConfirms[lang], PHRASES.pressAgain[lang], PHRASES.clerkCancels[lang]];
    // Each language's header on a line of its own, so a 16×2 screen's first page shows the time.
    return [[`${PHRASES.leaving.pl}:`, ...what('pl')], how('pl'), [`${PHRASES.leaving.en}:`, ...what('en')], how('en')];
  }
  const notices = (ctx.notices ?? []).map((n) => [`${PHRASES.notice.pl} / ${PHRASES.notice.en}:`, n.text, `— ${n.from}`]);
  return [...statusBlocks(state, ctx.timeZone), ...notices];
}

/** The counter's own message: its status, and the signed away notice. */
function statusBlocks(state: MachineState, tz: string): string[][] {
  const clerk = state.clerk ? [state.clerk.name] : [];
  switch (state.status) {
    case 'available':
    case 'serving': {
      const [pl1, pl2] = STATUS_TEXT[state.status].pl.split(' — ');
      return [[pl1!, pl2!, ...clerk], [STATUS_TEXT[state.status].en]];
    }
    case 'closed':
      return [[STATUS_TEXT.closed.pl], [STATUS_TEXT.closed.en]];
    case 'away': {
      const n = state.notice;
      if (!n) return [[STATUS_TEXT.away.pl], [STATUS_TEXT.away.en]];
      const hhmm = formatHhMm(n.backAt, tz);
      const sub = n.substitute ? `${n.substitute.name}, ${n.substitute.where}` : null;
      return [
        [STATUS_TEXT.away.pl, PHRASES.backAt(hhmm).pl, `Powód: ${AWAY_REASON_TEXT[n.reason].pl}`, n.signedBy.name],
        ...(sub ? [[PHRASES.meanwhile.pl, sub]] : []),
        [STATUS_TEXT.away.en, PHRASES.backAt(hhmm).en, `Reason: ${AWAY_REASON_TEXT[n.reason].en}`],
        ...(sub ? [[PHRASES.meanwhile.en, sub]] : []),
      ];
    }
  }
}

/** Wrap each line at word boundaries to the width, then fill pages block by block. */
function paginate(blocks: string[][], size: DisplaySize): string[][] {
  const pages: string[][] = [];
  let page: string[] = [];
  for (const block of blocks) {
    const lines = block.flatMap((l) => wrap(l, size.cols));
    if (page.length > 0 && page.length + lines.length > size.rows) {
      pages.push(page);
      page = [];
    }
    for (const line of lines) {
      if (page.length === size.rows) {
        pages.push(page);
        page = [];
      }
      page.push(line);
    }
  }
  if (page.length > 0 || pages.length === 0) pages.push(page);
  return pages.map((p) => [...p, ...Array<string>(size.rows - p.length).fill('')]);
}

function wrap(line: string, cols: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    const candidate = current ? `${current} ${word}` : word;
    if (Array.from(candidate).length <= cols) current = candidate;
    else {
      if (current) out.push(current);
      // A word longer than the screen is cut; names rarely are.
      current = Array.from(word).slice(0, cols).join('');
    }
  }
  out.push(current);
  return out;
}
