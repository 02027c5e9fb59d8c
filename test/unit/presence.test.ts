import { describe, expect, it } from 'vitest';
import { chooseSubstitute, counterPlace, presentClerks, updatePeers, type Peers } from '@okienko/device';
import type { CounterState } from '@okienko/protocol';

// Who an away notice sends residents to, from what the site's other counters say of themselves.

const anna = { id: 'k1', name: 'Anna Nowak' };
const piotr = { id: 'k2', name: 'Piotr Zieliński' };
const kasia = { id: 'k3', name: 'Katarzyna Kamińska' };
const roster = new Set([anna.name, piotr.name, kasia.name]);
const state = (counter: string, status: CounterState['status'], clerk: typeof anna | null): CounterState =>
  ({ v: 1, site: 'ratusz', counter, status, since: 0, clerk, notice: null, seq: 0, at: 0, clockSynced: true, scale: 4 });
const up = (counter: string, online: boolean) => ({ v: 1 as const, site: 'ratusz', counter, status: online ? ('online' as const) : ('offline' as const), bootId: 'b', at: 0 });

function site(...states: CounterState[]): Peers {
  let peers: Peers = new Map();
  for (const s of states) peers = updatePeers(updatePeers(peers, { counter: s.counter, availability: up(s.counter, true) }), { counter: s.counter, state: s });
  return peers;
}

describe('the substitute an away notice names', () => {
  it('is the configured colleague when present, at the counter they are at today', () => {
    const peers = site(state('okienko-2', 'available', piotr), state('okienko-7', 'serving', kasia));
    expect(chooseSubstitute(anna, [{ name: kasia.name, where: 'stanowisko 3' }], peers, roster)).toEqual({ name: kasia.name, where: 'stanowisko 7' });
  });

  it('is someone else present when the configured colleague is away, gone home or offline; nobody when nobody is', () => {
    const configured = [{ name: kasia.name, where: 'stanowisko 3' }];
    expect(chooseSubstitute(anna, configured, site(state('okienko-2', 'available', piotr), state('okienko-3', 'away', kasia)), roster)).toEqual({ name: piotr.name, where: 'stanowisko 2' });
    expect(chooseSubstitute(anna, configured, site(state('okienko-2', 'serving', piotr), state('okienko-3', 'closed', null)), roster)?.name).toBe(piotr.name);
    const offline = updatePeers(site(state('okienko-3', 'available', kasia)), { counter: 'okienko-3', availability: up('okienko-3', false) });
    expect(chooseSubstitute(anna, configured, offline, roster)).toBeNull();
    expect(chooseSubstitute(anna, configured, site(state('okienko-2', 'away', piotr), state('okienko-3', 'away', kasia)), roster)).toBeNull();
  });

  it('is never the clerk who leaves, though configured as this counter\'s substitute', () => {
    const configured = [null, { name: kasia.name, where: 'stanowisko 3' }];
    expect(chooseSubstitute(kasia, configured, null, roster)).toBeNull();
    expect(chooseSubstitute(kasia, configured, site(state('okienko-1', 'available', anna)), roster)).toEqual({ name: anna.name, where: 'stanowisko 1' });
  });

  it('is as configured with no word of the other counters, or when it is no clerk (an office down the corridor)', () => {
    const office = { name: 'Biuro Obsługi', where: 'pokój 12' };
    expect(chooseSubstitute(anna, [{ name: piotr.name, where: 'stanowisko 2' }], null, roster)).toEqual({ name: piotr.name, where: 'stanowisko 2' });
    expect(chooseSubstitute(anna, [office], site(state('okienko-2', 'available', piotr)), roster)).toEqual(office);
  });

  it('lists who is present in counter order, and a cleared retained state forgets a counter', () => {
    const peers = site(state('okienko-10', 'available', kasia), state('okienko-2', 'available', piotr));
    expect(presentClerks(peers).map((p) => p.where)).toEqual(['stanowisko 2', 'stanowisko 10']);
    expect(presentClerks(updatePeers(peers, { counter: 'okienko-2', state: null })).map((p) => p.name)).toEqual([kasia.name]);
    expect(counterPlace('kasa')).toBe('stanowisko kasa');
  });
});
