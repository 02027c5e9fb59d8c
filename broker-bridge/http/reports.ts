import type { FastifyPluginAsync } from 'fastify';
import { AVAILABILITY_GROUPS, DEFAULT_TIME_ZONE, ReportQuery, describeIssues, isAvailabilityGroup, replyError, type AvailabilityReport } from '@okienko/protocol';
import { availabilityReport, faceColumns, feedbackReport, toCsv } from '../reports/reports.ts';
import type { CounterStore, EventStore } from '../store/types.ts';

export type ReportsDeps = { store: EventStore & CounterStore; now: () => number; timeZone?: string | undefined };

const MAX_REPORT_EVENTS = 2_000_000;

/** GET /api/reports/feedback and /api/reports/availability, as JSON or CSV. */
export const reportsRoutes: FastifyPluginAsync<ReportsDeps> = async (app, deps) => {
  const reportQuery = (query: unknown) => {
    const q = ReportQuery.safeParse(query);
    if (!q.success) return { problem: describeIssues(q.error).join('; ') };
    const to = q.data.to ?? deps.now();
    return { ...q.data, to, from: q.data.from ?? to - 7 * 86_400_000 };
  };

  app.get('/api/reports/feedback', async (req, reply) => {
    const q = reportQuery(req.query);
    if ('problem' in q) return replyError(reply, 'bad_query', q.problem);
    const events = await deps.store.listEvents({ type: 'feedback', from: q.from, to: q.to, limit: MAX_REPORT_EVENTS });
    const rows = feedbackReport(events, q.groupBy, deps.timeZone ?? DEFAULT_TIME_ZONE, q.includeFlagged);
    if (q.format === 'json') return { from: q.from, to: q.to, groupBy: q.groupBy, includeFlagged: q.includeFlagged, rows };
    // Columns follow the scale the votes were cast on: no face_5 on a four-face office.
    const faces = faceColumns(events);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="oceny-${q.groupBy}.csv"`)
      .send(toCsv([q.groupBy, 'votes', 'score', ...faces.map((f) => `face_${f}`)], rows.map((r) => [r.group, r.votes, r.score, ...faces.map((f) => r.faces[f] ?? 0)]), q.lang));
  });

  app.get('/api/reports/availability', async (req, reply) => {
    const q = reportQuery(req.query);
    if ('problem' in q) return replyError(reply, 'bad_query', q.problem);
    const groupBy = q.groupBy;
    if (!isAvailabilityGroup(groupBy)) return replyError(reply, 'bad_query', `groupBy: the availability report groups by ${AVAILABILITY_GROUPS.join(', ')} (not ${groupBy})`);
    // Time not yet lived is no one's: a period reaching into the future ends now.
    const to = Math.min(q.to, deps.now());
    // The state at the start of the period is the one each counter's last change before it left,
    // however long ago; every counter known is counted, those that never changed too.
    const [before, within, counters] = await Promise.all([
      deps.store.lastStateChanges(q.from),
      deps.store.listEvents({ type: 'state_changed', from: q.from, to, limit: MAX_REPORT_EVENTS }),
      deps.store.listCounters(),
    ]);
    const rows = availabilityReport([...before, ...within], q.from, to, groupBy, { counters, timeZone: deps.timeZone });
    if (q.format === 'json') return { from: q.from, to: q.to, groupBy, rows } satisfies AvailabilityReport;
    const min = (ms: number) => Math.round(ms / 60_000);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="dostepnosc-${groupBy}.csv"`)
      .send(
        toCsv(
          [groupBy, 'available_min', 'serving_min', 'away_min', 'closed_min', 'staffed_percent', 'clients_served'],
          rows.map((r) => [r.group, min(r.ms.available), min(r.ms.serving), min(r.ms.away), min(r.ms.closed), r.staffedPercent, r.sessions]),
          q.lang,
        ),
      );
  });
};
