import { z } from 'zod';
import { CounterId, EpochMs, SiteId } from './ids.ts';
import { storable } from './text.ts';
import { ROLES, roleMay } from './roles.ts';
import { AwayNotice, Clerk, CounterEvent, CounterStatus, DeviceHealth, FleetStatus, Notice } from './messages.ts';

/** A counter as the bridge's HTTP API and live stream describe it to the dashboard. */
export const CounterView = z.object({
  site: SiteId,
  counter: CounterId,
  /** What residents would see: the counter's own status, or offline. */
  status: FleetStatus,
  /** What the counter itself last said, even while offline. */
  lastStatus: CounterStatus,
  online: z.boolean(),
  clerk: Clerk.nullable(),
  since: EpochMs.nullable(),
  notice: AwayNotice.nullable(),
  seq: z.number().int().nonnegative(),
  scale: z.number().int().min(3).max(5),
  lastSeen: EpochMs,
  panelUrl: z.string().nullable(),
  version: z.string().nullable(),
  /** Votes per face today (office time zone), misuse-flagged votes excluded. */
  feedbackToday: z.record(z.string(), z.number().int().nonnegative()),
  /** What the device last reported of itself. */
  health: DeviceHealth.nullable().optional(),
  clockSynced: z.boolean().nullable().optional(),
  /** Whether its opening hours say it should be open now (null: it has none). */
  inHours: z.boolean().nullable().optional(),
  /** When the bridge learned it went offline (null while online): the offline alert's grace counts from here. */
  offlineAt: EpochMs.nullable().optional(),
  /** Since when the bridge has heard the device say its clock is unsynchronised (null: synchronised or never said). */
  clockUnsyncedAt: EpochMs.nullable().optional(),
});
export type CounterView = z.infer<typeof CounterView>;

/** What a simulated counter's virtual panel draws (the demo's `/sim/api/<site>/<counter>`). */
export const PanelView = z.object({
  site: SiteId,
  counter: CounterId,
  clerk: z.string().nullable(),
  status: CounterStatus,
  hardware: z.object({
    light: z.enum(['green', 'amber', 'red', 'off']),
    flashing: z.enum(['green', 'amber', 'red', 'off']).nullable(),
    lines: z.array(z.string()),
    size: z.object({ cols: z.number().int().positive(), rows: z.number().int().positive() }),
    presses: z.number().int().nonnegative(),
  }),
  faces: z.array(z.string()),
  pendingEvents: z.number().int().nonnegative(),
  /** The sequence number of the last event the counter confirmed (its outbox's, kept across restarts). */
  lastSeq: z.number().int().nonnegative(),
  linkUp: z.boolean(),
  /** Badges the demo's reader can be shown. */
  badges: z.array(z.object({ badgeId: z.string(), name: z.string() })),
});
export type PanelView = z.infer<typeof PanelView>;

/** Each simulated counter's numbers at once (the simulator's `/sim/api/fleet`, for load and fault runs). */
export const SimFleetRow = z.object({
  site: SiteId,
  counter: CounterId,
  lastSeq: z.number().int().nonnegative(),
  pendingEvents: z.number().int().nonnegative(),
  linkUp: z.boolean(),
});
export type SimFleetRow = z.infer<typeof SimFleetRow>;

/** The simulator's press rate, set by `POST /sim/api/load` (0 stops pressing). */
export const SimLoadRequest = z.object({ pressesPerMinute: z.number().min(0).max(600) });
export type SimLoadRequest = z.infer<typeof SimLoadRequest>;

/** What a load run did: presses made, and those the counter refused (outbox or disk full). */
export const SimLoadStats = z.object({ presses: z.number().int().nonnegative(), refused: z.number().int().nonnegative() });
export type SimLoadStats = z.infer<typeof SimLoadStats>;

/**
 * A process's memory in MB (the simulator's `/sim/api/memory`). `heapAfterGcMb` is the JS heap
 * after a full collection — live objects only, where the plain heap swings with garbage not yet
 * collected — and is there only when Node runs with --expose-gc (the soak bench's processes).
 */
export const MemoryReport = z.object({ rssMb: z.number(), heapUsedMb: z.number(), heapAfterGcMb: z.number().nullable() });
export type MemoryReport = z.infer<typeof MemoryReport>;

/** A time as epoch ms or an ISO 8601 string with its offset. */
const TimeParam = z.union([
  z.string().regex(/^\d+$/).transform(Number),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

/** GET /api/events query. */
export const EventsQuery = z
  .object({
    site: SiteId.optional(),
    counter: CounterId.optional(),
    type: z.enum(['state_changed', 'feedback', 'clerk_changed']).optional(),
    from: TimeParam.optional(),
    to: TimeParam.optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .strict();

/** GET /api/health. */
export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  mqtt: z.enum(['connected', 'disconnected']),
  uptimeS: z.number().int().nonnegative(),
  stored: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  gaps: z.number().int().nonnegative(),
  rejected: z.record(z.string(), z.number().int().nonnegative()),
});
export type Health = z.infer<typeof Health>;

/** An event as GET /api/events returns it: the counter's own, plus when the bridge got it and dated it. */
export const StoredEventView = z.intersection(CounterEvent, z.object({ receivedAt: EpochMs, effectiveAt: EpochMs }));

/** GET /api/reports/feedback and /api/reports/availability: a period (default the last 7 days), a grouping, JSON or CSV. */
/** The language (and spreadsheet conventions) of a CSV export. */
export const CsvLang = z.enum(['pl', 'en']);
export type CsvLang = z.infer<typeof CsvLang>;

export const ReportQuery = z
  .object({
    from: TimeParam.optional(),
    to: TimeParam.optional(),
    /** weekday_hour: "1 mon 09:00" … for an hour × weekday heat map. */
    groupBy: z.enum(['counter', 'clerk', 'site', 'day', 'hour', 'weekday_hour']).default('counter'),
    /** Include votes flagged as misuse (left out by default). */
    includeFlagged: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
    format: z.enum(['json', 'csv']).default('json'),
    /** CSV only: `pl` (Polish Excel: `;`, decimal comma, 03.12.2026 08:07) or `en` (`,`, point, 2026-12-03 08:07); times in the office's zone. */
    lang: CsvLang.default('pl'),
  })
  .strict();

/** What the availability report groups by: a subset of ReportQuery's groupBy (no hours). */
export const AVAILABILITY_GROUPS = ['counter', 'clerk', 'site', 'day'] as const;
export type AvailabilityGroup = (typeof AVAILABILITY_GROUPS)[number];
export const isAvailabilityGroup = (g: string): g is AvailabilityGroup => (AVAILABILITY_GROUPS as readonly string[]).includes(g);

/**
 * One row of GET /api/reports/availability: a counter (`site/counter`), clerk, site or the
 * office's day (`2026-12-03`). Every counter known is counted over the whole period (up to now),
 * so per counter the four states add up to the period, or to the part of it the counter existed.
 */
export const AvailabilityRow = z
  .object({
    group: z.string(),
    /** Milliseconds in each state within the period. */
    ms: z.object({ available: z.number().int().nonnegative(), serving: z.number().int().nonnegative(), away: z.number().int().nonnegative(), closed: z.number().int().nonnegative() }).strict(),
    /** Share of the open time (not closed) spent free or serving, 0-100; null with no open time. */
    staffedPercent: z.number().min(0).max(100).nullable(),
    /** Service sessions begun (clients served). */
    sessions: z.number().int().nonnegative(),
  })
  .strict();
export type AvailabilityRow = z.infer<typeof AvailabilityRow>;

/** GET /api/reports/availability (JSON): the period asked for, and its rows in group order. */
export const AvailabilityReport = z.object({ from: EpochMs, to: EpochMs, groupBy: z.enum(AVAILABILITY_GROUPS), rows: z.array(AvailabilityRow) }).strict();
export type AvailabilityReport = z.infer<typeof AvailabilityReport>;

/** POST /api/notices: a message for one counter's display, or (no counter) every display at a site. */
export const NoticeRequest = z
  .object({
    site: SiteId,
    counter: CounterId.nullable().default(null),
    text: Notice.shape.text,
    from: Notice.shape.from,
    /** How long it shows: stale information is a fault (S7), so there is always an end. */
    minutes: z.number().int().min(1).max(7 * 24 * 60),
  })
  .strict();
export type NoticeRequest = z.infer<typeof NoticeRequest>;

/** A notice as the API lists it: where it shows, until when, and whether it still does. */
export const NoticeView = Notice.extend({
  site: SiteId,
  /** Null: every counter at the site. */
  counter: CounterId.nullable(),
  withdrawnAt: EpochMs.nullable(),
  active: z.boolean(),
});
export type NoticeView = z.infer<typeof NoticeView>;

/**
 * One counter on the lobby board (GET /api/public/lobby): only what its own display already tells
 * anyone standing in front of it — status, the clerk's name, the away notice. Nothing about
 * clients, votes or devices.
 */
export const LobbyCounter = z
  .object({
    site: SiteId,
    counter: CounterId,
    /** `unknown`: the counter is offline, so the lobby does not guess. */
    status: z.enum(['available', 'serving', 'away', 'closed', 'unknown']),
    clerk: z.string().nullable(),
    away: z
      .object({
        backAt: EpochMs,
        reason: AwayNotice.shape.reason,
        substitute: AwayNotice.shape.substitute,
        /** Who signed the notice: the clerk who left, whoever has badged in since (as the counter's display and the board show it). */
        signedBy: AwayNotice.shape.signedBy.shape.name,
      })
      .strict()
      .nullable(),
  })
  .strict();
export type LobbyCounter = z.infer<typeof LobbyCounter>;

/** GET /api/public/lobby: the hall screen's data, public and read-only. */
export const LobbyView = z
  .object({
    at: EpochMs,
    counters: z.array(LobbyCounter),
    /** The office's notices showing now, as the counters' displays show them. */
    notices: z.array(z.object({ site: SiteId, counter: CounterId.nullable(), text: Notice.shape.text, from: Notice.shape.from, until: EpochMs }).strict()),
  })
  .strict();
export type LobbyView = z.infer<typeof LobbyView>;

/** What managers are alerted to (DESIGN "Manager"; STANDARDS S1, S5, M1, M4). */
export const AlertKind = z.enum(['away_overdue', 'no_counter_available', 'offline', 'unhappy_run', 'outbox_backlog', 'clock_unsynced', 'disk_full']);
export type AlertKind = z.infer<typeof AlertKind>;

/** What an alert's words are made of, so each reader sees them in their language and zone. */
export const AlertFacts = z
  .object({
    /** The clerk who signed the away notice. */
    who: z.string().optional(),
    /** The announced return (away_overdue) or last seen (offline). */
    at: EpochMs.optional(),
    /** Unhappy votes in the run, or events waiting in the outbox. */
    count: z.number().int().nonnegative().optional(),
  })
  .strict();
export type AlertFacts = z.infer<typeof AlertFacts>;

/** An alert as GET /api/alerts and the live stream's `alert` messages carry it. */
export const AlertView = z.object({
  id: z.string(),
  /** Stable while the same situation lasts: one alert per situation, not one per check. */
  key: z.string(),
  kind: AlertKind,
  site: SiteId,
  counter: CounterId.nullable(),
  /** In English, times in UTC: for logs and scripts. People read `alertText` of the facts. */
  message: z.string(),
  facts: AlertFacts,
  raisedAt: EpochMs,
  /** When the situation ended by itself (the clerk came back, the counter reconnected…). */
  clearedAt: EpochMs.nullable(),
  ackedAt: EpochMs.nullable(),
  ackedBy: z.string().nullable(),
  comment: z.string().nullable(),
});
export type AlertView = z.infer<typeof AlertView>;

/** GET /api/alerts: the alert history, newest first, filtered (the dashboard's /alerts page). */
export const AlertsQuery = z
  .object({
    /** true: those still holding; false: those that ended. */
    open: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    site: SiteId.optional(),
    kind: AlertKind.optional(),
    /** Raised at or after / before. */
    from: TimeParam.optional(),
    to: TimeParam.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
    format: z.enum(['json', 'csv']).default('json'),
    /** CSV only: the language of the messages and the spreadsheet's conventions (see ReportQuery). */
    lang: CsvLang.default('pl'),
  })
  .strict();
export type AlertsQuery = z.infer<typeof AlertsQuery>;

/** GET /api/public/office: what every page needs to show times as the office keeps them. */
export const Office = z
  .object({
    timeZone: z.string(),
    /** Set while the store holds the demo's made-up history (`okienko start`): every page says so. */
    demo: z.object({ since: EpochMs }).strict().nullable().optional(),
  })
  .strict();
export type Office = z.infer<typeof Office>;

/** Who may do what on the dashboard: viewers look, managers also act (alerts, notices), admins also manage users. */
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;
export { roleMay };

/** POST /api/auth/login. */
export const LoginRequest = z.object({ username: storable(z.string().min(1).max(64)), password: z.string().min(1).max(200) }).strict();
export type LoginRequest = z.infer<typeof LoginRequest>;

/** GET /api/auth/me, and the answer to a login: who is signed in, and the token state-changing requests must echo (CSRF). */
export const Me = z.object({ username: z.string(), role: Role, csrf: z.string() });
export type Me = z.infer<typeof Me>;
