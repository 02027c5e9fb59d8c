import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileOutbox, OutboxFullError } from '@okienko/device';
import type { UnsequencedEvent } from '@okienko/protocol';

let dir: string;
afterEach(() => {
  vi.useRealTimers();
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okienko-outbox-'));
});

function draft(face = 4): UnsequencedEvent {
  return {
    v: 1,
    site: 'ratusz',
    counter: 'okienko-1',
    id: randomUUID(),
    at: 1_790_000_000_000,
    clockSynced: true,
    bootId: 'b',
    type: 'feedback',
    face,
    scale: 4,
    clerk: null,
    sessionId: null,
    flagged: false,
  };
}

describe('FileOutbox', () => {
  it('numbers events from 1 and keeps them across a reopen (a restart)', () => {
    const a = FileOutbox.open(dir);
    expect([a.append(draft()).seq, a.append(draft()).seq, a.append(draft()).seq]).toEqual([1, 2, 3]);
    a.close();
    const b = FileOutbox.open(dir);
    expect(b.pending().map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(b.append(draft()).seq).toBe(4);
  });

  it('forgets acknowledged events, also after a reopen; acks may come out of order', () => {
    const a = FileOutbox.open(dir);
    for (let i = 0; i < 4; i++) a.append(draft());
    a.ack(2); // out of order: 1 is not acked yet, so nothing is released
    expect(a.size).toBe(4);
    a.ack(1);
    expect(a.pending().map((e) => e.seq)).toEqual([3, 4]);
    a.close();
    expect(FileOutbox.open(dir).pending().map((e) => e.seq)).toEqual([3, 4]);
  });

  it('drops a torn last line (power cut mid-write) and appends cleanly after it', () => {
    const a = FileOutbox.open(dir);
    a.append(draft());
    a.append(draft());
    a.close();
    fs.appendFileSync(path.join(dir, 'outbox.log'), '{"v":1,"site":"ratusz","cou');
    const b = FileOutbox.open(dir);
    expect(b.pending().map((e) => e.seq)).toEqual([1, 2]);
    expect(b.append(draft()).seq).toBe(3);
    b.close();
    expect(FileOutbox.open(dir).pending().map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('never reuses a sequence number after compaction', () => {
    const a = FileOutbox.open(dir, { compactBytes: 1 });
    for (let i = 0; i < 3; i++) a.append(draft());
    a.ack(3);
    a.ack(1);
    a.ack(2);
    expect(fs.statSync(path.join(dir, 'outbox.log')).size).toBe(0);
    a.close();
    const b = FileOutbox.open(dir);
    expect(b.size).toBe(0);
    expect(b.append(draft()).seq).toBe(4);
  });

  it('refuses a new event when full and keeps every old one', () => {
    const a = FileOutbox.open(dir, { maxPending: 2 });
    a.append(draft());
    a.append(draft());
    expect(() => a.append(draft())).toThrow(OutboxFullError);
    expect(a.pending().map((e) => e.seq)).toEqual([1, 2]);
    a.ack(1);
    expect(a.append(draft()).seq).toBe(3);
  });

  it('writes acknowledgements lazily: a crash before the flush re-sends, never loses', () => {
    vi.useFakeTimers();
    const a = FileOutbox.open(dir, { ackFlushMs: 250 });
    for (let i = 0; i < 3; i++) a.append(draft());
    a.ack(1);
    a.ack(2);
    // Power cut now: the ack file is not written yet, so both come back to be sent again.
    const crashed = FileOutbox.open(dir);
    expect(crashed.pending().map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(crashed.lastSeq).toBe(3);
    vi.advanceTimersByTime(250);
    expect(FileOutbox.open(dir).pending().map((e) => e.seq)).toEqual([3]);
  });

  it('refuses to write an event that breaks the schema', () => {
    const a = FileOutbox.open(dir);
    expect(() => a.append({ ...draft(), face: 9 } as UnsequencedEvent)).toThrow();
    expect(a.size).toBe(0);
    expect(a.lastSeq).toBe(0);
  });
});
