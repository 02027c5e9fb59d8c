export * from './broker.ts';
export * from './bridge.ts';
export * from './ingest.ts';
export * from './live.ts';
export * from './projection.ts';
export * from './http.ts';
export * from './store/types.ts';
export * from './store/sqlite.ts';
