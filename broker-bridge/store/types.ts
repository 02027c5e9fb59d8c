import type { AlertStore } from './contract/alerts.ts';
import type { CounterStore } from './contract/counters.ts';
import type { EventStore } from './contract/events.ts';
import type { NoticeStore } from './contract/notices.ts';
import type { SettingStore } from './contract/settings.ts';
import type { UserStore } from './contract/users.ts';

// The store's contract, one file per kind of record (contract/): a part of the bridge asks for
// the narrowest of them it needs; `Store` is all of them, which both stores implement.
export * from './contract/alerts.ts';
export * from './contract/counters.ts';
export * from './contract/events.ts';
export * from './contract/notices.ts';
export * from './contract/settings.ts';
export * from './contract/users.ts';

/**
 * Where the bridge keeps events, the current state of every counter, alerts, notices, users and
 * settings. Every method is async so a networked database fits behind the same interface; each
 * write is durable when it resolves.
 */
export type Store = EventStore & CounterStore & AlertStore & NoticeStore & UserStore & SettingStore & {
  close(): Promise<void>;
};
