import fs from 'node:fs';
import path from 'node:path';
import { CounterEvent, type UnsequencedEvent } from '@okienko/protocol/messages';
import { ERROR_CODES } from '@okienko/protocol/errors';

export type FsyncPolicy = 'always' | 'never';

export interface OutboxOptions {
  /** Most events the outbox holds unsent; past it a new event is refused, never an old one dropped. */
  maxPending: number;
  /** 'always' fdatasyncs each append before the press is confirmed; 'never' is for tests and benches of the floor. */
  fsync: FsyncPolicy;
  /** Truncate the log once everything is acknowledged and it has grown past this many bytes. */
  compactBytes: number;
  /** Longest delay before an acknowledgement reaches the ack file. */
  ackFlushMs: number;
  /**
   * Sequence numbers start after this, where earlier ones are already taken elsewhere: the demo's
   * history holds a simulated counter's first events, and the counter goes on after them (the
   * bridge ignores an event numbered at or below what it has). An outbox past it keeps its own.
   */
  startAfter: number;
}

export class OutboxFullError extends Error {
  readonly code = ERROR_CODES.OUTBOX_FULL;
  constructor(max: number) {
    super(`outbox holds ${max} unsent events (its limit); the press was not recorded. Check the link to the broker or raise outbox.maxPending.`);
  }
}

/** The SD card is full: nothing more can be recorded until space is freed. */
export class OutboxDiskFullError extends Error {
  readonly code = ERROR_CODES.DISK_FULL;
  constructor() {
    super("the counter's disk is full; the press was not recorded. Free space on the SD card (old logs: journalctl --vacuum-size=50M) — events already recorded are kept and still sent.");
  }
}

const isNoSpace = (err: unknown): boolean => ['ENOSPC', 'EDQUOT'].includes((err as NodeJS.ErrnoException).code ?? '');

/**
 * The device's durable queue of events: an append-only file of JSON lines, one per event, plus a
 * small file holding the highest acknowledged sequence number. An event is on disk before its
 * press is confirmed; a power cut can tear at most the last line, which is dropped on open
 * (it was never confirmed). Sequence numbers never go back: the ack file keeps the last one even
 * after the log is compacted.
 */
export class FileOutbox {
  private fd: number;
  private pendingEvents: CounterEvent[] = [];
  private acked: number;
  private last: number;
  private ackedOutOfOrder = new Set<number>();
  private logBytes: number;
  private ackedOnDisk: number;
  private ackTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly dir: string,
    private readonly options: OutboxOptions,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    const onDisk = readAckFile(this.ackPath);
    this.ackedOnDisk = onDisk;
    this.acked = Math.max(onDisk, options.startAfter);
    const { events, goodBytes } = readLog(this.logPath);
    // Drop a torn tail so the next append starts on a clean line.
    if (fs.existsSync(this.logPath) && fs.statSync(this.logPath).size !== goodBytes) {
      fs.truncateSync(this.logPath, goodBytes);
    }
    this.logBytes = goodBytes;
    this.pendingEvents = events.filter((e) => e.seq > this.acked);
    this.last = events.reduce((max, e) => Math.max(max, e.seq), this.acked);
    this.fd = fs.openSync(this.logPath, 'a');
  }

  static open(dir: string, options: Partial<OutboxOptions> = {}): FileOutbox {
    return new FileOutbox(dir, { maxPending: 100_000, fsync: 'always', compactBytes: 1 << 20, ackFlushMs: 250, startAfter: 0, ...options });
  }

  get lastSeq(): number {
    return this.last;
  }

  get size(): number {
    return this.pendingEvents.length;
  }

  /** Events not yet acknowledged by the broker, oldest first. */
  pending(): readonly CounterEvent[] {
    return this.pendingEvents;
  }

  /** Give the draft the next sequence number and make it durable. Throws OutboxFullError when full. */
  append(draft: UnsequencedEvent): CounterEvent {
    return this.appendAll([draft])[0]!;
  }

  /**
   * Several events of one step, durable together or not at all (one write). Throws
   * OutboxFullError past maxPending, OutboxDiskFullError when the disk has no room.
   */
  appendAll(drafts: readonly UnsequencedEvent[]): CounterEvent[] {
    if (this.pendingEvents.length + drafts.length > this.options.maxPending) throw new OutboxFullError(this.options.maxPending);
    const events = drafts.map((d, i) => CounterEvent.parse({ ...d, seq: this.last + 1 + i }));
    const bytes = Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    try {
      this.write(bytes);
    } catch (err) {
      if (!isNoSpace(err)) throw err;
      // All the space may be held by events the broker already has: give it back and try once more.
      if (this.pendingEvents.length > 0 || this.logBytes === 0 || !this.tryCompact()) throw new OutboxDiskFullError();
      try {
        this.write(bytes);
      } catch (again) {
        if (isNoSpace(again)) throw new OutboxDiskFullError();
        throw again;
      }
    }
    this.last += events.length;
    this.pendingEvents.push(...events);
    return events;
  }

  /** Append and make durable, or leave the log exactly as it was (a torn line would hide later ones). */
  private write(bytes: Buffer): void {
    try {
      const n = fs.writeSync(this.fd, bytes);
      if (n !== bytes.length) throw Object.assign(new Error(`short write: ${n} of ${bytes.length} bytes`), { code: 'ENOSPC' });
      if (this.options.fsync === 'always') fs.fdatasyncSync(this.fd);
    } catch (err) {
      fs.ftruncateSync(this.fd, this.logBytes);
      throw err;
    }
    this.logBytes += bytes.length;
  }

  /** The broker has the event with this sequence number. Acks may arrive out of order. */
  ack(seq: number): void {
    if (seq <= this.acked) return;
    this.ackedOutOfOrder.add(seq);
    let advanced = false;
    while (this.pendingEvents[0] && this.ackedOutOfOrder.has(this.pendingEvents[0].seq)) {
      const e = this.pendingEvents.shift()!;
      this.ackedOutOfOrder.delete(e.seq);
      this.acked = e.seq;
      advanced = true;
    }
    if (!advanced) return;
    if (this.pendingEvents.length === 0 && this.logBytes >= this.options.compactBytes && this.tryCompact()) return;
    // Losing the ack file only means re-sending events the bridge already has (it dedupes), so it
    // is written at most every ackFlushMs instead of renamed into place on every PUBACK.
    this.ackTimer ??= setTimeout(() => {
      try {
        this.flushAcks();
      } catch (err) {
        // A full disk: the acknowledged position stays older on disk, which only means re-sending
        // events the bridge already has (it dedupes). Tried again with the next acknowledgement.
        if (!isNoSpace(err)) throw err;
        this.ackTimer = null;
      }
    }, this.options.ackFlushMs);
    this.ackTimer.unref?.();
  }

  /** Write the acknowledged position now (also done on close and within ackFlushMs of an ack). */
  flushAcks(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    if (this.acked !== this.ackedOnDisk) {
      writeAtomically(this.ackPath, String(this.acked));
      this.ackedOnDisk = this.acked;
    }
  }

  close(): void {
    this.flushAcks();
    fs.closeSync(this.fd);
  }

  /** Compact if the disk lets us write the ack file first; false when it does not. */
  private tryCompact(): boolean {
    try {
      this.compact();
      return true;
    } catch (err) {
      if (isNoSpace(err)) return false;
      throw err;
    }
  }

  private compact(): void {
    // The ack file is now the only record of the last sequence number: make it durable first,
    // or a power cut could bring back an older one and sequence numbers would repeat.
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    writeAtomically(this.ackPath, String(this.acked), true);
    this.ackedOnDisk = this.acked;
    fs.ftruncateSync(this.fd, 0);
    this.logBytes = 0;
  }

  private get logPath(): string {
    return path.join(this.dir, 'outbox.log');
  }

  private get ackPath(): string {
    return path.join(this.dir, 'outbox.acked');
  }
}

function readAckFile(file: string): number {
  try {
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

function readLog(file: string): { events: CounterEvent[]; goodBytes: number } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { events: [], goodBytes: 0 };
  }
  const events: CounterEvent[] = [];
  let offset = 0;
  while (offset < text.length) {
    const end = text.indexOf('\n', offset);
    if (end === -1) break; // torn last line: never confirmed
    const parsed = CounterEvent.safeParse(safeJson(text.slice(offset, end)));
    if (!parsed.success) break;
    events.push(parsed.data);
    offset = end + 1;
  }
  return { events, goodBytes: Buffer.byteLength(text.slice(0, offset)) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function writeAtomically(file: string, content: string, durable = false): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, content);
    if (durable) fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true }); // a half-written copy would only hold on to space
    throw err;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  if (durable) {
    const dirFd = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  }
}
