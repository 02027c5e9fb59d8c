import { describe, expect, it } from 'vitest';
import { LobbyCounter, type AwayNotice } from '@okienko/protocol';
import { lobbyCounter } from '../../broker-bridge/live/lobby.ts';
import { type CounterRow } from '../../broker-bridge/store/types.ts';

const T = Date.UTC(2026, 10, 20, 9, 0);
const anna = { id: 'k1', name: 'Anna Nowak' };
const jan = { id: 'k2', name: 'Jan Kowalski' };
const notice = (signedBy: typeof anna, backAt: number): AwayNotice => ({ backAt, reason: 'break', substitute: { name: 'Ewa Mazur', where: 'stanowisko 3' }, signedBy });
const row = (over: Partial<CounterRow>): CounterRow => ({
  site: 'ratusz', counter: 'okienko-1', status: 'available', online: true, bootId: 'b', clerk: anna, since: T, notice: null, seq: 1, scale: 4, lastSeen: T, panelUrl: null, version: null, ...over,
});

describe('the lobby\'s view of a counter', () => {
  it('signs an away notice with its own signer, whoever badged in since, each absence with its own', () => {
    const left = lobbyCounter(row({ status: 'away', clerk: anna, notice: notice(anna, T + 15 * 60_000) }));
    expect(left.away).toEqual({ backAt: T + 15 * 60_000, reason: 'break', substitute: { name: 'Ewa Mazur', where: 'stanowisko 3' }, signedBy: 'Anna Nowak' });
    // Jan badges in at the away counter: the notice is still Anna's, as on the counter's display.
    expect(lobbyCounter(row({ status: 'away', clerk: jan, notice: notice(anna, T + 15 * 60_000) })).away?.signedBy).toBe('Anna Nowak');
    // Jan steps away himself: his own notice, signed by him.
    const second = lobbyCounter(row({ status: 'away', clerk: jan, notice: notice(jan, T + 60 * 60_000) }));
    expect(second.away).toMatchObject({ signedBy: 'Jan Kowalski', backAt: T + 60 * 60_000 });
    for (const v of [left, second]) expect(LobbyCounter.parse(v)).toEqual(v);
  });

  it('shows no notice for a counter that is back, or offline', () => {
    expect(lobbyCounter(row({ status: 'available', notice: notice(anna, T) })).away).toBeNull();
    expect(lobbyCounter(row({ status: 'away', online: false, notice: notice(anna, T) }))).toMatchObject({ status: 'unknown', away: null, clerk: null });
  });
});
