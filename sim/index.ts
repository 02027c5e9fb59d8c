export * from './fleet.ts';
export * from './routes.ts';
