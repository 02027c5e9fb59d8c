import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { SqliteStore } from '@okienko/broker-bridge';
import { NoticeBoard } from '../../broker-bridge/notices/board.ts';
import { projectAvailability } from '../../broker-bridge/ingest/projection.ts';
import { CounterNotices } from '@okienko/protocol';
import { availability } from '../helpers/messages.ts';
import { updateCounter } from '../helpers/store-writes.ts';

const T0 = Date.UTC(2026, 10, 23, 8, 0);

/** The board with a clock the test moves, publishing into a list (the broker is the integration test's). */
async function board() {
  const store = new SqliteStore(':memory:');
  for (const counter of ['okienko-1', 'okienko-2']) {
    await updateCounter(store, { site: 'ratusz', counter }, (row) => projectAvailability(row, { ...availability('online', 'b'), counter }, T0));
  }
  let now = T0;
  const published: { topic: string; texts: string[] | null }[] = [];
  const notices = new NoticeBoard(
    store,
    async (topic, payload) => void published.push({ topic, texts: payload === '' ? null : CounterNotices.parse(JSON.parse(payload)).notices.map((n) => n.text) }),
    pino({ level: 'silent' }),
    () => now,
  );
  await notices.start(3_600_000);
  const settled = () => new Promise((r) => setImmediate(r));
  return { store, notices, published, settled, advance: (ms: number) => (now += ms) };
}

describe('NoticeBoard', () => {
  it('re-sends each counter its list without a notice that ran out, and clears a list left empty', async () => {
    const b = await board();
    await b.notices.send({ site: 'ratusz', counter: null, text: 'Przerwa techniczna', from: 'BOM', minutes: 10 });
    await b.notices.send({ site: 'ratusz', counter: 'okienko-2', text: 'Tylko dowody', from: 'BOM', minutes: 60 });
    await b.settled();
    b.published.length = 0;
    b.advance(10 * 60_000 - 1);
    await b.notices.sweep();
    expect(b.published).toEqual([]);
    b.advance(1);
    await b.notices.sweep();
    expect(b.published).toEqual([
      { topic: 'okienko/v1/ratusz/okienko-1/notice', texts: null },
      { topic: 'okienko/v1/ratusz/okienko-2/notice', texts: ['Tylko dowody'] },
    ]);
    expect((await b.notices.list(true)).map((n) => n.text)).toEqual(['Tylko dowody']);
    expect(await b.notices.list(false)).toHaveLength(2);
    b.notices.stop();
  });

  it('picks up the notices still showing after a restart of the bridge', async () => {
    const b = await board();
    await b.notices.send({ site: 'ratusz', counter: null, text: 'Przerwa techniczna', from: 'BOM', minutes: 10 });
    await b.settled();
    const again = new NoticeBoard(b.store, async (topic, payload) => void b.published.push({ topic, texts: payload ? ['x'] : null }), pino({ level: 'silent' }), () => T0);
    await again.start(3_600_000);
    b.published.length = 0;
    await again.counterOnline({ site: 'ratusz', counter: 'okienko-1' });
    await again.counterOnline({ site: 'filia', counter: 'okienko-1' });
    expect(b.published.map((p) => p.topic)).toEqual(['okienko/v1/ratusz/okienko-1/notice']);
    again.stop();
    b.notices.stop();
  });
});
