export * from './machine.ts';
export * from './display-text.ts';
export * from './outbox.ts';
export * from './link.ts';
export * from './clock.ts';
export * from './counter.ts';
export * from './config.ts';
export * from './gestures.ts';
