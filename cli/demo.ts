import type { Logger } from 'pino';
import { demoMark, projectEvent, type CounterStore, type DemoMark, type EventStore, type SettingStore, type WriteOp } from '@okienko/broker-bridge';
import { demoCounters, demoHistory, type SimFleetOptions } from '@okienko/sim';

/** Events per transaction while the history is written: a few commits for four weeks of an office. */
const BATCH = 2000;

/**
 * The demo's history in the store, once per data folder (`okienko start`, unless `--demo false`).
 * A fresh store is marked as the demo's and gets four weeks of made-up office days up to `now`
 * (sim/demo-history.ts), written as the bridge writes what counters send: each event stored once
 * by its id, moving its counter's row on. A store with data of its own, or one that began without
 * the demo, gets none. The history is made again from the mark (same "now", same seed, same ids)
 * and written only where a counter's row has not reached its end: a start cut short finishes it,
 * a second start adds nothing.
 *
 * Returns what the simulated counters need to go on after it, or undefined without a history.
 */
export async function prepareDemo(store: EventStore & CounterStore & SettingStore, opts: { now: number; timeZone: string; counters: number; seed?: number; log: Logger }): Promise<SimFleetOptions['past']> {
  const fresh = (await store.listCounters()).length === 0;
  const initial: DemoMark = { since: opts.now, seed: opts.seed ?? Math.floor(Math.random() * 2 ** 31), counters: opts.counters };
  const mark = await demoMark(store, fresh && opts.counters > 0 ? initial : null);
  if (!mark || mark.counters === 0) return undefined;
  const history = demoHistory({ counters: demoCounters(mark.counters), now: mark.since, timeZone: opts.timeZone, seed: mark.seed });
  const rows = new Map((await store.listCounters()).map((r) => [`${r.site}/${r.counter}`, r]));
  const todo = history.events.filter((e) => (rows.get(`${e.site}/${e.counter}`)?.lastEventSeq ?? 0) < history.lastSeq[`${e.site}/${e.counter}`]!);
  for (let i = 0; i < todo.length; i += BATCH) {
    const ops: WriteOp[] = todo.slice(i, i + BATCH).map((event) => ({
      kind: 'event',
      event,
      times: { receivedAt: event.at, effectiveAt: event.at },
      project: (row) => projectEvent(row, event, event.at),
    }));
    await store.write(ops);
  }
  if (todo.length > 0) opts.log.info({ events: todo.length, since: new Date(mark.since).toISOString() }, 'demo history written');
  return { lastSeq: history.lastSeq, resume: history.resume };
}
