import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CounterRef } from '@okienko/protocol';
import { counterKey, eventJson, type CounterRow, type EventWrite, type WriteOp, type Written } from './types.ts';
import { batchRefs, planWrites, type PlannedEvent } from './batch.ts';

const EVENT_COLUMNS = 'id, site, counter, seq, type, at, clock_synced, received_at, effective_at, face, flagged, payload';

/** COPY's text format: a backslash, and the tab, newline and carriage return that separate fields and rows, escaped. */
function copyText(s: string): string {
  // Most text has none of them: looked for first, the string is not copied.
  if (!SPECIAL.test(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
const SPECIAL = /[\\\t\n\r]/;
const NULL = '\\N';
const NEWLINE = 0x0a;

/**
 * copyText for an event's JSON. JSON.stringify's holds no tab, newline or carriage return (it
 * escapes them, with a backslash): only backslashes to double, looked for as a plain character —
 * the pattern's scan of every payload was 2 % of the bridge's time. JSON as a counter sent it may
 * hold them between its tokens: then all four are escaped.
 */
function copyJson(json: string, sent: boolean): string {
  if (sent && (json.includes('\t') || json.includes('\n') || json.includes('\r'))) return copyText(json);
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
}

/**
 * A batch's event ids as sent (`all`), and those that may already be stored as far as their
 * counters' rows (read under the write lock) tell (`unsure`): every stored event moved its row's
 * lastEventSeq up to at least its own sequence number in the same transaction, so an event above
 * it, or of a counter with no row yet, is new — a re-send, a late event, a counter whose numbers
 * started again are unsure. A counter re-using an id stored under another is not caught here: the
 * insert finds it, and writeBatch works the batch out again with `all` looked up. (SQLite looks
 * up every id: in-process that costs less than the savepoint this needs.)
 */
function eventIds(ops: readonly WriteOp[], read: (ref: CounterRef) => CounterRow | null): { unsure: string[]; all: string[] } {
  const unsure: string[] = [];
  const all: string[] = [];
  for (const op of ops) {
    if (op.kind !== 'event') continue;
    all.push(op.event.id);
    const row = read(op.event);
    if (row && (typeof row.lastEventSeq !== 'number' || op.event.seq <= row.lastEventSeq)) unsure.push(op.event.id);
  }
  return { unsure, all };
}

const UNIQUE_VIOLATION = '23505';

/**
 * A batch in a fixed number of round trips, whatever its size: lock its counters and read their
 * rows (one), look up the events they can't vouch for (in a steady stream none), work every write
 * out in memory in order (batch.ts), then the events (COPY, behind a savepoint) and the vote
 * counts with the rows (one statement). Round trips, not rows, are what a networked database
 * costs — one at a time this was eight per event — and under the locks each also waits its turn
 * on a busy bridge's event loop: the next batch waits for all of them.
 */
export async function writeBatch(db: pg.PoolClient, ops: readonly WriteOp[], locked: () => void = () => {}): Promise<Written> {
  const refs = batchRefs(ops);
  // Every bridge takes its counters' locks in the same (hash) order, so two bridges never wait on
  // each other in a circle; a hash shared by two counters is the same lock, taken once. Then the
  // rows, read under the locks (okienko_lock_counters, a migration of postgres.ts).
  // Named, so each connection parses and plans a batch's statements once, not at every batch.
  const locking = db.query<{ row: CounterRow }>({
    name: 'okienko_lock_counters',
    text: 'SELECT row FROM okienko_lock_counters($1::text[], $2::text[]) AS row',
    values: [refs.map((r) => r.site), refs.map((r) => r.counter)],
  });
  // While the locks are waited for (the batch before holds them until its commit), each event's
  // line for COPY is made, all but its times: less to do once they are held.
  const lines = copyLines(ops);
  const current = await locking;
  // From here a batch written next waits on these locks for every counter it shares with this one.
  locked();
  const rows = new Map<string, CounterRow | null>();
  for (const r of current.rows) rows.set(counterKey(r.row), r.row);
  const read = (ref: CounterRef): CounterRow | null => rows.get(counterKey(ref)) ?? null;
  // Only the events their rows can't vouch for are looked up (eventIds): in a steady
  // stream none — the lookup of every id was a quarter of the server's time per event.
  const { unsure, all } = eventIds(ops, read);
  const plan = planWrites(ops, read, await storedAmong(db, unsure));
  if (unsure.length === all.length) {
    await insertEvents(db, lines, plan.events);
  } else {
    // An id re-used by another counter makes the insert fail: then, still under the locks, the
    // batch is worked out again with every id looked up, and that event counts as a duplicate.
    // The savepoint goes in the same message as the COPY: one round trip fewer.
    try {
      await insertEvents(db, lines, plan.events, 'SAVEPOINT events; ');
    } catch (err) {
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
      await db.query('ROLLBACK TO SAVEPOINT events');
      Object.assign(plan, planWrites(ops, read, await storedAmong(db, all)));
      await insertEvents(db, lines, plan.events);
    }
  }
  const { results, changed, votes: v } = plan;
  if (v.length > 0 || changed.length > 0) {
    // Vote counts and rows in one statement: a round trip less while the counters are locked.
    await db.query({
      name: 'okienko_votes_and_rows',
      text: `WITH votes AS (
         INSERT INTO feedback_hourly (site, counter, hour, face, n)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::smallint[], $5::integer[])
         ON CONFLICT (site, counter, hour, face) DO UPDATE SET n = feedback_hourly.n + excluded.n
       )
       INSERT INTO counters (site, counter, row) SELECT * FROM unnest($6::text[], $7::text[], $8::jsonb[])
       ON CONFLICT (site, counter) DO UPDATE SET row = excluded.row`,
      values: [
        v.map((x) => x.site), v.map((x) => x.counter), v.map((x) => x.hour), v.map((x) => x.face), v.map((x) => x.n),
        changed.map((r) => r.site), changed.map((r) => r.counter), changed.map((r) => JSON.stringify(r)),
      ],
    });
  }
  return { results, votes: v };
}

/** Which of these ids are stored already (none asked: no round trip). */
async function storedAmong(db: pg.PoolClient, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  return new Set((await db.query<{ id: string }>('SELECT id::text FROM events WHERE id = ANY($1::uuid[])', [ids])).rows.map((r) => r.id));
}

/**
 * Each event's COPY line but for its times: `head` goes before them, `tail` after, and after
 * that `json`, the event's JSON as the bytes received, where they can go into COPY as they are.
 */
type CopyLine = { head: string; tail: string; json: Buffer | undefined };

// Two times as digits (any number takes at most 24 characters), a tab between, a newline after.
const TIMES_ROOM = 64;

/**
 * The JSON's bytes as received, where COPY can take them as they are: valid UTF-8 (ingest checked)
 * with no backslash to double, and no tab, newline or carriage return to escape.
 */
function copyBytes(op: EventWrite): Buffer | undefined {
  const b = op.raw?.bytes;
  if (!b || b.includes(0x5c) || b.includes(0x09) || b.includes(0x0a) || b.includes(0x0d)) return undefined;
  return b;
}

function copyLines(ops: readonly WriteOp[]): Map<EventWrite, CopyLine> {
  const lines = new Map<EventWrite, CopyLine>();
  for (const op of ops) {
    if (op.kind !== 'event') continue;
    const e = op.event;
    const feedback = e.type === 'feedback';
    const json = copyBytes(op);
    lines.set(op, {
      head: `${e.id}\t${copyText(e.site)}\t${copyText(e.counter)}\t${e.seq}\t${e.type}\t${e.at}\t${e.clockSynced ? 't' : 'f'}\t`,
      tail: `\t${feedback ? e.face : NULL}\t${feedback ? (e.flagged ? 't' : 'f') : NULL}\t${json ? '' : copyJson(eventJson(op), op.raw !== undefined)}`,
      json,
    });
  }
  return lines;
}

/**
 * COPY, not INSERT: PostgreSQL's bulk path takes a third less of the server's time per event
 * than unpacking one JSON parameter (measured 6.7–7.7 against 10.0–11.7 µs), and the server's
 * time is what ingest runs short of. No ON CONFLICT (COPY has none): every event here is new,
 * or the id clashes and the insert fails as a whole (writeBatch). `before`: statements sent in
 * the same message, ahead of the COPY.
 */
async function insertEvents(db: pg.PoolClient, lines: ReadonlyMap<EventWrite, CopyLine>, events: readonly PlannedEvent[], before = ''): Promise<void> {
  if (events.length === 0) return;
  // Each line written into one buffer as it is made, the JSON copied as received where it can
  // be: joined into one string first, the batch's text was a rope of thousands of pieces, which
  // the stream then flattened and encoded — 5 % of the bridge's time. UTF-8 takes at most three
  // bytes for a UTF-16 unit: room enough.
  let room = 0;
  for (const { op } of events) {
    const line = lines.get(op)!;
    room += 3 * (line.head.length + line.tail.length + TIMES_ROOM) + (line.json?.length ?? 0);
  }
  const data = Buffer.allocUnsafe(room);
  let at = 0;
  for (const { op, receivedAt, effectiveAt } of events) {
    const line = lines.get(op)!;
    at += data.write(`${line.head}${receivedAt}\t${effectiveAt}${line.tail}`, at, 'utf8');
    if (line.json) at += line.json.copy(data, at);
    data[at++] = NEWLINE;
  }
  await pipeline(Readable.from([data.subarray(0, at)]), db.query(copyFrom(`${before}COPY events (${EVENT_COLUMNS}) FROM STDIN`)));
}
