export * from './fleet.ts';
export * from './routes.ts';
export * from './load.ts';
