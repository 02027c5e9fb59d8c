import { AWAY_REASON_TEXT, PHRASES, STATUS_TEXT, formatHhMm } from '@okienko/protocol';
import type { DisplaySize } from '@okienko/hardware';
import { selectedPreset, type MachineConfig, type MachineState } from './machine.ts';

export interface DisplayContext {
  /** False while the counter cannot reach the broker: the display says so, so it is never mistaken for the truth (S7). */
  linkUp: boolean;
  timeZone: string;
}

/**
 * What the counter's display shows, as lines in order of importance; the driver cuts them to
 * its size. Wording is the offices' own (protocol/wording.ts), with an English line (S8).
 */
export function displayLines(
  state: MachineState,
  now: number,
  config: MachineConfig,
  size: DisplaySize,
  ctx: DisplayContext,
): string[] {
  const lines = content(state, now, config, ctx.timeZone);
  if (!ctx.linkUp) {
    // Keep the last row for the warning so it shows on every screen size.
    const keep = lines.slice(0, Math.max(0, size.rows - 1));
    return [...keep, ...Array(Math.max(0, size.rows - 1 - keep.length)).fill(''), '! brak lacznosci/offline'];
  }
  return lines.slice(0, size.rows);
}

/** Short messages for the clerk after a press that could not be carried out. */
const HINTS: Record<NonNullable<MachineState['hint']>['text'], string[]> = {
  sign_in: ['Zaloguj się identyfikatorem', 'Sign in with your badge'],
  closed: [STATUS_TEXT.closed.pl, STATUS_TEXT.closed.en],
  outbox_full: ['Nie zapisano — zgłoś do IT', 'Not recorded — call IT'],
  unknown_badge: ['Nieznany identyfikator', 'Unknown badge'],
  signed_in: ['Zalogowano', 'Signed in'],
  signed_out: ['Wylogowano', 'Signed out'],
};

function content(state: MachineState, now: number, config: MachineConfig, tz: string): string[] {
  if (state.hint && now < state.hint.until) return HINTS[state.hint.text];
  if (state.thanksUntil !== null && now < state.thanksUntil) {
    return [PHRASES.thanks.pl, PHRASES.thanks.en];
  }
  const preset = selectedPreset(state, config);
  if (preset) {
    const label = AWAY_REASON_TEXT[preset.reason].pl;
    const what = preset.minutes === null ? `${label}` : `${preset.minutes} min — ${label}`;
    return ['Wychodzę / Leaving:', what, 'Naciśnij ponownie: zmień', 'Press again to change'];
  }
  const clerkLine = state.clerk ? state.clerk.name : '';
  switch (state.status) {
    case 'available':
    case 'serving': {
      const [pl1, pl2] = STATUS_TEXT[state.status].pl.split(' — ');
      return [pl1 ?? '', pl2 ?? '', STATUS_TEXT[state.status].en, clerkLine];
    }
    case 'closed':
      return [STATUS_TEXT.closed.pl, STATUS_TEXT.closed.en];
    case 'away': {
      const n = state.notice;
      if (!n) return [STATUS_TEXT.away.pl, STATUS_TEXT.away.en];
      const hhmm = formatHhMm(n.backAt, tz);
      const lines = [
        `${STATUS_TEXT.away.pl} — ${PHRASES.backAt(hhmm).pl}`,
        `Powód: ${AWAY_REASON_TEXT[n.reason].pl}`,
      ];
      if (n.substitute) lines.push(PHRASES.meanwhile.pl, `${n.substitute.name}, ${n.substitute.where}`);
      lines.push(`${n.signedBy.name}`, `${PHRASES.backAt(hhmm).en}`);
      return lines;
    }
  }
}
