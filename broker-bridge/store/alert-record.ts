import type { AlertRecord } from './types.ts';

export interface AlertRow {
  id: string;
  key: string;
  kind: string;
  site: string;
  counter: string | null;
  message: string;
  raised_at: number;
  cleared_at: number | null;
  acked_at: number | null;
  acked_by: string | null;
  comment: string | null;
}

/** A stored alert row as the API returns it (shared with the PostgreSQL store). */
export function alertRecord(r: AlertRow): AlertRecord {
  return {
    id: r.id,
    key: r.key,
    kind: r.kind as AlertRecord['kind'],
    site: r.site,
    counter: r.counter,
    message: r.message,
    raisedAt: Number(r.raised_at),
    clearedAt: r.cleared_at === null ? null : Number(r.cleared_at),
    ackedAt: r.acked_at === null ? null : Number(r.acked_at),
    ackedBy: r.acked_by,
    comment: r.comment,
  };
}
