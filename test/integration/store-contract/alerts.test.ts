import { describe, expect, it } from 'vitest';
import { at, bothStores } from './stores.ts';

// AlertStore: one alert per situation while it lasts, its history, acknowledgements.

const { stores } = bothStores();

describe.each(Object.entries(stores))('Store contract, alerts: %s', (_name, open) => {
  it('keeps one alert per situation, clears it when it ends, and records who acknowledged it', async () => {
    const { store } = await open();
    const c = { key: 'ratusz/okienko-1/offline/1', kind: 'offline' as const, site: 'ratusz', counter: 'okienko-1', message: 'offline', facts: { at: at - 5 } };
    const raised = await store.raiseAlert(c, at);
    expect(raised).toMatchObject({ ...c, raisedAt: at, clearedAt: null, ackedAt: null });
    expect(await store.raiseAlert(c, at + 1)).toBeNull();
    expect(await store.clearAlerts([c.key], at + 2)).toEqual([]);
    expect((await store.listAlerts({ open: true, limit: 10 })).map((a) => a.key)).toEqual([c.key]);
    const cleared = await store.clearAlerts([], at + 3);
    expect(cleared).toEqual([expect.objectContaining({ key: c.key, clearedAt: at + 3 })]);
    expect(await store.listAlerts({ open: true, limit: 10 })).toEqual([]);
    expect(await store.ackAlert(raised!.id, 'kierownik', 'wymieniony kabel', at + 4)).toMatchObject({ ackedBy: 'kierownik', comment: 'wymieniony kabel', ackedAt: at + 4 });
    expect(await store.ackAlert('00000000-0000-4000-8000-000000000000', 'x', '', at)).toBeNull();
    await store.close();
  });

  it('raises a situation again once it cleared, never twice while it is open', async () => {
    const { store } = await open();
    const c = { key: 'ratusz/no_counter_available', kind: 'no_counter_available' as const, site: 'ratusz', counter: null, message: 'nobody', facts: {} };
    const first = await store.raiseAlert(c, at);
    expect(first).toMatchObject({ key: c.key, raisedAt: at, clearedAt: null });
    expect(await store.raiseAlert(c, at + 1)).toBeNull();
    expect(await store.clearAlerts([], at + 2)).toEqual([expect.objectContaining({ id: first!.id, clearedAt: at + 2 })]);
    // The same situation again: a new alert, the old one kept as it ended.
    const second = await store.raiseAlert(c, at + 3);
    expect(second).toMatchObject({ key: c.key, raisedAt: at + 3, clearedAt: null });
    expect(second!.id).not.toBe(first!.id);
    expect(await store.raiseAlert(c, at + 4)).toBeNull();
    expect(await store.clearAlerts([c.key], at + 5)).toEqual([]);
    expect((await store.listAlerts({ limit: 10 })).map((a) => [a.id, a.raisedAt, a.clearedAt])).toEqual([
      [second!.id, at + 3, null],
      [first!.id, at, at + 2],
    ]);
    // And a third time, after the second cleared.
    await store.clearAlerts([], at + 6);
    expect(await store.raiseAlert(c, at + 7)).toMatchObject({ raisedAt: at + 7 });
    expect(await store.listAlerts({ open: true, limit: 10 })).toHaveLength(1);
    await store.close();
  });

  it('raises a condition whose key names one occurrence (once) never again, even after it cleared', async () => {
    const { store } = await open();
    const run = { key: 'ratusz/okienko-1/unhappy_run/7', kind: 'unhappy_run' as const, site: 'ratusz', counter: 'okienko-1', message: 'run', facts: { count: 3 }, once: true as const };
    expect(await store.raiseAlert(run, at)).toMatchObject({ key: run.key, raisedAt: at });
    expect(await store.raiseAlert(run, at + 1)).toBeNull();
    await store.clearAlerts([], at + 2);
    expect(await store.raiseAlert(run, at + 3)).toBeNull();
    expect(await store.raiseAlert({ ...run, key: 'ratusz/okienko-1/unhappy_run/12' }, at + 4)).toMatchObject({ raisedAt: at + 4 });
    expect((await store.listAlerts({ kind: 'unhappy_run', limit: 10 })).map((a) => a.key)).toEqual(['ratusz/okienko-1/unhappy_run/12', run.key]);
    await store.close();
  });

  it('raises an open situation once between two bridges sharing the store', async () => {
    const { store, reopen } = await open();
    const other = await reopen();
    const c = { key: 'ratusz/okienko-1/clock_unsynced', kind: 'clock_unsynced' as const, site: 'ratusz', counter: 'okienko-1', message: 'clock', facts: {} };
    for (const t of [at, at + 10]) {
      const raised = await Promise.all([store.raiseAlert(c, t), other.raiseAlert(c, t), store.raiseAlert(c, t), other.raiseAlert(c, t)]);
      expect(raised.filter((r) => r !== null)).toHaveLength(1);
      await other.clearAlerts([], t + 5);
    }
    expect((await store.listAlerts({ limit: 10 })).map((a) => a.raisedAt)).toEqual([at + 10, at]);
    await other.close();
    await store.close();
  });

  it('lists the alert history by site, kind and when raised, newest first', async () => {
    const { store } = await open();
    const raise = (site: string, kind: 'offline' | 'unhappy_run', t: number) =>
      store.raiseAlert({ key: `${site}/${kind}/${t}`, kind, site, counter: 'okienko-1', message: kind, facts: kind === 'unhappy_run' ? { count: 3 } : {} }, t);
    await raise('ratusz', 'offline', at);
    await raise('ratusz', 'unhappy_run', at + 10);
    await raise('filia', 'offline', at + 20);
    await store.clearAlerts([`filia/offline/${at + 20}`], at + 30);
    const keys = async (f: Parameters<typeof store.listAlerts>[0]) => (await store.listAlerts(f)).map((a) => a.key);
    expect(await keys({ limit: 10 })).toEqual([`filia/offline/${at + 20}`, `ratusz/unhappy_run/${at + 10}`, `ratusz/offline/${at}`]);
    expect(await keys({ site: 'ratusz', limit: 10 })).toEqual([`ratusz/unhappy_run/${at + 10}`, `ratusz/offline/${at}`]);
    expect(await keys({ kind: 'offline', limit: 10 })).toEqual([`filia/offline/${at + 20}`, `ratusz/offline/${at}`]);
    expect(await keys({ from: at + 10, to: at + 20, limit: 10 })).toEqual([`ratusz/unhappy_run/${at + 10}`]);
    expect(await keys({ open: false, site: 'ratusz', limit: 10 })).toEqual([`ratusz/unhappy_run/${at + 10}`, `ratusz/offline/${at}`]);
    expect(await keys({ open: true, limit: 10 })).toEqual([`filia/offline/${at + 20}`]);
    expect(await keys({ limit: 1 })).toEqual([`filia/offline/${at + 20}`]);
    expect((await store.listAlerts({ kind: 'unhappy_run', limit: 1 }))[0]!.facts).toEqual({ count: 3 });
    await store.close();
  });
});
