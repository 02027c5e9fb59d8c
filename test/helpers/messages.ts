import { randomUUID } from 'node:crypto';
import type { Availability, CounterEvent, CounterState } from '@okienko/protocol';

export const REF = { site: 'ratusz', counter: 'okienko-1' };
export const CLERK = { id: 'k1', name: 'Anna Nowak' };

export function feedback(seq: number, overrides: Partial<CounterEvent> = {}): CounterEvent {
  return {
    v: 1,
    ...REF,
    id: randomUUID(),
    seq,
    at: Date.now(),
    clockSynced: true,
    bootId: 'boot-1',
    type: 'feedback',
    face: 4,
    scale: 4,
    clerk: CLERK,
    sessionId: null,
    flagged: false,
    ...overrides,
  } as CounterEvent;
}

export function stateChange(seq: number, to: CounterState['status'], from: CounterState['status'] = 'available'): CounterEvent {
  return { v: 1, ...REF, id: randomUUID(), seq, at: Date.now(), clockSynced: true, bootId: 'boot-1', type: 'state_changed', from, to, clerk: CLERK, notice: null, cause: 'clerk' };
}

export function availability(status: 'online' | 'offline', bootId: string): Availability {
  return { v: 1, ...REF, status, bootId, at: Date.now() };
}

export const buf = (x: unknown): Buffer => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x));
