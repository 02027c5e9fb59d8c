export * from './interfaces.ts';
export * from './sim.ts';
export * from './text.ts';
export * from './blink.ts';
export * from './gpio.ts';
export * from './johnny-five.ts';
export * from './serial.ts';
