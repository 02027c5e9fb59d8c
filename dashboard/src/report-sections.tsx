import { useMemo } from 'preact/hooks';
import type { ChartConfiguration } from 'chart.js';
import { calendarDate, dayMonth, w } from './i18n.ts';
import { ChartCanvas } from './chart.tsx';
import { weekOf } from './period.ts';

/**
 * The report page's sections, each drawn from the rows the bridge answers: a chart (Chart.js on
 * canvas, chart.tsx) and the same figures in a table, so a section reads without colour and with
 * a screen reader.
 */
export interface FeedbackRow {
  group: string;
  votes: number;
  faces: Record<string, number>;
  score: number | null;
}
export interface AvailabilityRow {
  group: string;
  ms: Record<'available' | 'serving' | 'away' | 'closed', number>;
  staffedPercent: number | null;
  sessions: number;
}
const BLUE = '#1d4ed8';
const GREEN = '#15803d';
const GREY = '#9ca3af';
const FACE_COLOURS = ['#b91c1c', '#c2410c', '#65a30d', '#15803d', '#166534'];
const pct = (n: number | null): string => (n === null ? '—' : String(n));
const round1 = (n: number): number => Math.round(n * 10) / 10;
const staffed = (ms: AvailabilityRow['ms']): number | null => {
  const open = ms.available + ms.serving + ms.away;
  return open ? round1(((ms.available + ms.serving) / open) * 100) : null;
};

interface WeekRow {
  week: string;
  votes: number;
  score: number | null;
  staffed: number | null;
  served: number;
}

/** Days added up into weeks (Monday first): the score weighed by votes, staffed time by time. */
function weeks(days: string[], fb: Map<string, FeedbackRow>, av: Map<string, AvailabilityRow>): WeekRow[] {
  const out = new Map<string, { votes: number; sum: number; ms: AvailabilityRow['ms']; served: number }>();
  for (const d of days) {
    const w0 = out.get(weekOf(d)) ?? { votes: 0, sum: 0, ms: { available: 0, serving: 0, away: 0, closed: 0 }, served: 0 };
    const f = fb.get(d);
    if (f && f.score !== null) {
      w0.votes += f.votes;
      w0.sum += f.score * f.votes;
    }
    const a = av.get(d);
    if (a) {
      for (const k of ['available', 'serving', 'away', 'closed'] as const) w0.ms[k] += a.ms[k];
      w0.served += a.sessions;
    }
    out.set(weekOf(d), w0);
  }
  return [...out].map(([week, r]) => ({ week, votes: r.votes, score: r.votes ? round1(r.sum / r.votes) : null, staffed: staffed(r.ms), served: r.served }));
}

export function Trend({ days, feedback, availability }: { days: string[]; feedback: FeedbackRow[]; availability: AvailabilityRow[] }) {
  const fb = new Map(feedback.map((r) => [r.group, r]));
  const av = new Map(availability.map((r) => [r.group, r]));
  const config = useMemo(
    (): ChartConfiguration => ({
      type: 'bar',
      data: {
        labels: days.map(dayMonth),
        datasets: [
          { type: 'line', label: `${w.score} (0–100)`, data: days.map((d) => fb.get(d)?.score ?? null), borderColor: BLUE, backgroundColor: BLUE, yAxisID: 'y', spanGaps: true, pointRadius: 3 },
          { type: 'line', label: w.staffedPct, data: days.map((d) => av.get(d)?.staffedPercent ?? null), borderColor: GREEN, backgroundColor: GREEN, borderDash: [6, 4], yAxisID: 'y', spanGaps: true, pointStyle: 'rectRot', pointRadius: 4 },
          { type: 'bar', label: w.votes, data: days.map((d) => fb.get(d)?.votes ?? 0), backgroundColor: GREY, yAxisID: 'votes' },
        ],
      },
      options: {
        scales: {
          y: { min: 0, max: 100, title: { display: true, text: '0–100' } },
          votes: { position: 'right', beginAtZero: true, grid: { display: false }, title: { display: true, text: w.votes } },
        },
      },
    }),
    [days, feedback, availability],
  );
  if (feedback.length === 0 && availability.length === 0) return <p>{w.noData}</p>;
  return (
    <>
      <ChartCanvas config={config} label={w.trendChart} testId="trend" />
      <table class="scores" data-testid="trend-table">
        <thead>
          <tr>
            <th scope="col">{w.weekOf}</th>
            <th scope="col">{w.votes}</th>
            <th scope="col">{w.score}</th>
            <th scope="col">{w.staffedPct}</th>
            <th scope="col">{w.served}</th>
          </tr>
        </thead>
        <tbody>
          {weeks(days, fb, av).map((r) => (
            <tr key={r.week}>
              <th scope="row">{calendarDate(r.week)}</th>
              <td>{r.votes}</td>
              <td>{pct(r.score)}</td>
              <td>{pct(r.staffed)}</td>
              <td>{r.served}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function Sites({ feedback, availability }: { feedback: FeedbackRow[]; availability: AvailabilityRow[] }) {
  const sites = [...new Set([...feedback.map((r) => r.group), ...availability.map((r) => r.group)])].sort();
  const fb = new Map(feedback.map((r) => [r.group, r]));
  const av = new Map(availability.map((r) => [r.group, r]));
  const config = useMemo(
    (): ChartConfiguration => ({
      type: 'bar',
      data: {
        labels: sites,
        datasets: [
          { label: `${w.score} (0–100)`, data: sites.map((s) => fb.get(s)?.score ?? null), backgroundColor: BLUE },
          { label: w.staffedPct, data: sites.map((s) => av.get(s)?.staffedPercent ?? null), backgroundColor: GREEN },
        ],
      },
      options: { scales: { y: { min: 0, max: 100 } } },
    }),
    [feedback, availability],
  );
  if (sites.length === 0) return <p>{w.noData}</p>;
  return (
    <>
      <ChartCanvas config={config} label={w.sitesChart} testId="sites" />
      <table class="scores" data-testid="sites-table">
        <thead>
          <tr>
            <th scope="col">{w.site}</th>
            <th scope="col">{w.votes}</th>
            <th scope="col">{w.score}</th>
            <th scope="col">{w.staffedPct}</th>
            <th scope="col">{w.served}</th>
          </tr>
        </thead>
        <tbody>
          {sites.map((s) => (
            <tr key={s}>
              <th scope="row">{s}</th>
              <td>{fb.get(s)?.votes ?? 0}</td>
              <td>{pct(fb.get(s)?.score ?? null)}</td>
              <td>{pct(av.get(s)?.staffedPercent ?? null)}</td>
              <td>{av.get(s)?.sessions ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Share of each face per site: a stacked bar each, with the counts written out. */
export function FaceShares({ rows }: { rows: FeedbackRow[] }) {
  const scale = Math.max(4, ...rows.flatMap((r) => Object.keys(r.faces).map(Number)));
  const faces = Array.from({ length: scale }, (_, i) => i + 1);
  const config = useMemo(
    (): ChartConfiguration => ({
      type: 'bar',
      data: {
        labels: rows.map((r) => r.group),
        datasets: faces.map((f) => ({
          label: w.face(f, scale),
          data: rows.map((r) => round1(((r.faces[String(f)] ?? 0) / r.votes) * 100)),
          backgroundColor: FACE_COLOURS[Math.round(((f - 1) / (scale - 1)) * 4)],
        })),
      },
      options: { indexAxis: 'y', scales: { x: { stacked: true, min: 0, max: 100, title: { display: true, text: '%' } }, y: { stacked: true } } },
    }),
    [rows],
  );
  if (rows.length === 0) return <p>{w.noVotes}</p>;
  return (
    <>
      <ChartCanvas config={config} label={w.sharesChart} testId="shares-chart" />
      <ul class="shares" data-testid="shares">
        {rows.map((r) => (
          <li key={r.group}>
            <strong>{r.group}</strong> — {w.sharesLine(r.votes, r.score === null ? '—' : String(r.score))}
            <span class="counts">{faces.map((f) => `${w.face(f, scale)}: ${r.faces[String(f)] ?? 0} (${Math.round(((r.faces[String(f)] ?? 0) / r.votes) * 100)} %)`).join(' · ')}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Hour × weekday: each cell's score as a shade and as a number. */
export function HeatMap({ rows }: { rows: FeedbackRow[] }) {
  const cells = new Map(rows.map((r) => [r.group.replace(/^\d /, ''), r]));
  const hours = [...new Set(rows.map((r) => r.group.slice(-5)))].sort();
  if (hours.length === 0) return <p>{w.noVotes}</p>;
  const keys = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  return (
    <table class="heat" data-testid="heatmap">
      <caption>{w.heatCaption}</caption>
      <thead>
        <tr>
          <th scope="col">{w.hour}</th>
          {w.weekdays.map((d) => (
            <th scope="col" key={d}>{d}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {hours.map((hour) => (
          <tr key={hour}>
            <th scope="row">{hour}</th>
            {keys.map((k) => {
              const r = cells.get(`${k} ${hour}`);
              const score = r?.score ?? null;
              // Light to dark blue, set through the CSSOM (the CSP allows it). Black text on 53 %
              // lightness or more, white on 50 % or less, each at least 4.5:1 (WCAG AA); between the
              // two neither is, so a shade there takes the nearer of them.
              const raw = score === null ? 100 : 95 - score * 0.7;
              const light = raw > 50 && raw < 53 ? (raw < 51.5 ? 50 : 53) : raw;
              const bg = score === null ? '#fff' : `hsl(215, 80%, ${light}%)`;
              return (
                <td key={k} style={{ background: bg, color: light <= 50 ? '#fff' : '#000' }} data-cell={`${k} ${hour}`}>
                  {r ? `${score} (${r.votes})` : ''}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Scores({ rows, label }: { rows: FeedbackRow[]; label: string }) {
  if (rows.length === 0) return <p>{w.noVotes}</p>;
  return (
    <table class="scores">
      <thead>
        <tr>
          <th scope="col">{label}</th>
          <th scope="col">{w.votes}</th>
          <th scope="col">{w.score}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.group}>
            <th scope="row">{r.group}</th>
            <td>{r.votes}</td>
            <td>{r.score ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Availability({ rows }: { rows: AvailabilityRow[] }) {
  const min = (ms: number): number => Math.round(ms / 60_000);
  if (rows.length === 0) return <p>{w.noData}</p>;
  return (
    <table class="scores" data-testid="availability">
      <thead>
        <tr>
          <th scope="col">{w.counter}</th>
          <th scope="col">{w.freeMin}</th>
          <th scope="col">{w.servingMin}</th>
          <th scope="col">{w.awayMin}</th>
          <th scope="col">{w.staffedPct}</th>
          <th scope="col">{w.served}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.group}>
            <th scope="row">{r.group}</th>
            <td>{min(r.ms.available)}</td>
            <td>{min(r.ms.serving)}</td>
            <td>{min(r.ms.away)}</td>
            <td>{pct(r.staffedPercent)}</td>
            <td>{r.sessions}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
