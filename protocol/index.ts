export * from './ids.ts';
export * from './topics.ts';
export * from './messages.ts';
export * from './wording.ts';
export * from './json-schema.ts';
export * from './time.ts';
export * from './errors.ts';
export * from './api.ts';
