export interface NoticeRecord {
  id: string;
  site: string;
  /** Null: every counter at the site. */
  counter: string | null;
  text: string;
  from: string;
  at: number;
  until: number;
  withdrawnAt: number | null;
}


/** Notices to displays (notices/board.ts): kept, so what was shown where stays on record. */
export interface NoticeStore {
  addNotice(notice: NoticeRecord): Promise<void>;
  /** Take a notice down before its time; null when there is no such notice. */
  withdrawNotice(id: string, at: number): Promise<NoticeRecord | null>;
  /** Newest first; with `activeAt`, only those neither expired nor withdrawn then. */
  listNotices(filter: { activeAt?: number | undefined; limit: number }): Promise<NoticeRecord[]>;
}
