export * from './interfaces.ts';
export * from './sim.ts';
