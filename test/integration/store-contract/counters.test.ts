import { describe, expect, it } from 'vitest';
import { projectEvent } from '@okienko/broker-bridge';
import { projectAvailability } from '../../../broker-bridge/ingest/projection.ts';
import { REF, availability, feedback } from '../../helpers/messages.ts';
import { recordEvent, updateCounter } from '../../helpers/store-writes.ts';
import { at, bothStores, times } from './stores.ts';

// CounterStore: the counters' rows, as writes left them.

const { stores } = bothStores();

describe.each(Object.entries(stores))('Store contract, counters: %s', (_name, open) => {
  it('keeps counters and events across a restart', async () => {
    const { store, reopen } = await open();
    const online = availability('online', 'boot-1');
    await updateCounter(store, REF, (row) => projectAvailability(row, online, at));
    const e = feedback(1, { at });
    await recordEvent(store, e, times(at), (row) => projectEvent(row, e, at));
    await store.close();
    const again = await reopen();
    expect(await again.getCounter(REF.site, REF.counter)).toMatchObject({ online: true, bootId: 'boot-1' });
    expect(await again.listCounters()).toHaveLength(1);
    expect(await again.listEvents({ limit: 10 })).toHaveLength(1);
    await again.close();
  });

  it('leaves a counter alone when the projector changes nothing', async () => {
    const { store } = await open();
    expect(await updateCounter(store, REF, () => null)).toBeNull();
    expect(await store.getCounter(REF.site, REF.counter)).toBeNull();
    await store.close();
  });

  // JSON carries a NUL (\u0000) and half a surrogate pair (\ud800) as escapes; PostgreSQL's jsonb
  // refuses both. Let through, one such message failed its whole batch again at every re-send.
});
