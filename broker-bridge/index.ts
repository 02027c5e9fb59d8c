// What other packages use (cli, bench, the demo's history): the rest is the bridge's own, and its
// tests reach it by path. Each room's README says what it owns.
export { startBridge, type Bridge, type BridgeOptions } from './bridge.ts';
export { startEmbeddedBroker, type EmbeddedBroker } from './broker/broker.ts';
export { PasswordFile, bridgeUsername, counterUsername, mosquittoAcl, hashSecret, verifySecret, HASH_ITERATIONS } from './broker/credentials.ts';
export type { CounterStore, EventStore, SettingStore, Store, WriteOp } from './store/types.ts';
export { SqliteStore } from './store/sqlite.ts';
export { PostgresStore } from './store/postgres.ts';
export { projectEvent } from './ingest/projection.ts';
export { createUser, removeUser } from './auth/users.ts';
export { demoMark, type DemoMark } from './demo.ts';
