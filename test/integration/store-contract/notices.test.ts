import { describe, expect, it } from 'vitest';
import { at, bothStores } from './stores.ts';

// NoticeStore: notices to displays, kept on record.

const { stores } = bothStores();

describe.each(Object.entries(stores))('Store contract, notices: %s', (_name, open) => {
  it('keeps notices: lists those showing at a time, newest first, and a withdrawn one on record', async () => {
    const { store } = await open();
    const notice = (id: string, counter: string | null, minutes: number, offset: number) => ({
      id, site: 'ratusz', counter, text: `notice ${id.slice(0, 1)}`, from: 'BOM', at: at + offset, until: at + offset + minutes * 60_000, withdrawnAt: null,
    });
    const a = notice('a0000000-0000-4000-8000-000000000000', null, 10, 0);
    const b = notice('b0000000-0000-4000-8000-000000000000', 'okienko-1', 60, 1000);
    await store.addNotice(a);
    await store.addNotice(b);
    expect((await store.listNotices({ activeAt: at + 5 * 60_000, limit: 10 })).map((n) => n.id)).toEqual([b.id, a.id]);
    expect((await store.listNotices({ activeAt: at + 10 * 60_000, limit: 10 })).map((n) => n.id)).toEqual([b.id]);
    expect(await store.withdrawNotice(b.id, at + 2000)).toEqual({ ...b, withdrawnAt: at + 2000 });
    expect(await store.withdrawNotice(b.id, at + 3000)).toMatchObject({ withdrawnAt: at + 2000 }); // once
    expect(await store.listNotices({ activeAt: at + 3000, limit: 10 })).toEqual([a]);
    expect(await store.listNotices({ limit: 10 })).toEqual([{ ...b, withdrawnAt: at + 2000 }, a]);
    expect(await store.withdrawNotice('00000000-0000-4000-8000-000000000000', at)).toBeNull();
    await store.close();
  });
});
