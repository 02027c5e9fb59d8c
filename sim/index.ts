export * from './fleet.ts';
export * from './routes.ts';
export * from './load.ts';
export * from './random.ts';
export * from './demo-history.ts';
export * from './demo-activity.ts';
export * from './index-page.ts';
