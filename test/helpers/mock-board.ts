import { createRequire } from 'node:module';
import { connectBoard, type J5Board } from '@okienko/hardware';

const require = createRequire(import.meta.url);

/**
 * johnny-five on mock-firmata (its own test double), with the wires a test needs: the bytes
 * sent over I²C, the PWM level on each pin, and a way to change what a digital input reads.
 */
export async function mockBoard(): Promise<{ board: J5Board; i2c: number[]; pwm: Map<number, number>; setInput(pin: number, value: 0 | 1): void }> {
  const { Firmata } = require('mock-firmata') as { Firmata: new () => Record<string, unknown> & { emit(e: string): void } };
  const io = new Firmata();
  const i2c: number[] = [];
  const pwm = new Map<number, number>();
  const readers = new Map<number, (value: number) => void>();
  io.i2cConfig = () => io;
  io.i2cWrite = (_address: number, data: number | number[]) => {
    i2c.push(...(Array.isArray(data) ? data : [data]));
    return io;
  };
  io.analogWrite = (pin: number, value: number) => {
    pwm.set(pin, value);
    return io;
  };
  io.digitalRead = (pin: number, cb: (value: number) => void) => {
    readers.set(pin, cb);
    return io;
  };
  const ready = connectBoard({ io });
  io.emit('connect');
  io.emit('ready');
  const board = await ready;
  return {
    board,
    i2c,
    pwm,
    setInput: (pin, value) => {
      const cb = readers.get(pin);
      if (!cb) throw new Error(`nothing reads pin ${pin}`);
      cb(value);
    },
  };
}
