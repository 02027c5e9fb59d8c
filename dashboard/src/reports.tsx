import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { dayMonth, loadOffice, officeDate, officePeriod, w } from './i18n.ts';
import { TopBar } from './top.tsx';

/**
 * Reports for managers (M1, M3, M7): satisfaction over days, an hour × weekday heat map, the share
 * of each face per site, per counter and clerk, and availability with clients served — for a
 * period picked here, each with the CSV of exactly what is drawn. Charts are plain SVG and every
 * figure is also written as text, so they read without colour and with a screen reader.
 */
interface FeedbackRow {
  group: string;
  votes: number;
  faces: Record<string, number>;
  score: number | null;
}
interface AvailabilityRow {
  group: string;
  ms: Record<'available' | 'serving' | 'away' | 'closed', number>;
  staffedPercent: number | null;
  sessions: number;
}

const DAY = 86_400_000;
const FACE_COLOURS = ['#b91c1c', '#c2410c', '#65a30d', '#15803d', '#166534'];

function useReport<T>(url: string): T[] | null {
  const [rows, setRows] = useState<T[] | null>(null);
  useEffect(() => {
    setRows(null);
    void fetch(url).then(async (r) => {
      if (r.status === 401) location.href = `/login?next=${encodeURIComponent(location.pathname)}`;
      else setRows(((await r.json()) as { rows: T[] }).rows);
    });
  }, [url]);
  return rows;
}

function Section({ title, csv, children }: { title: string; csv: string; children: preact.ComponentChildren }) {
  return (
    <section class="panel report">
      <h2>{title}</h2>
      <a class="csv" href={`${csv}&format=csv`} download>
        CSV
      </a>
      {children}
    </section>
  );
}

/** Score per day as bars, each with its number. */
function Trend({ rows }: { rows: FeedbackRow[] }) {
  if (rows.length === 0) return <p>{w.noVotes}</p>;
  const width = Math.max(320, rows.length * 56);
  const h = 180;
  const top = 20; // room for the number above a full bar
  const bar = (width - 20) / rows.length;
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${h + top + 40}`} role="img" aria-label={w.byDay} data-testid="trend">
      {rows.map((r, i) => {
        const bh = ((r.score ?? 0) / 100) * h;
        return (
          <g key={r.group}>
            <rect x={10 + i * bar + 4} y={top + h - bh} width={bar - 8} height={bh} fill="#1d4ed8" />
            <text x={10 + i * bar + bar / 2} y={top + h - bh - 5} text-anchor="middle" font-size="12">
              {r.score ?? '—'}
            </text>
            <text x={10 + i * bar + bar / 2} y={top + h + 18} text-anchor="middle" font-size="11">
              {dayMonth(r.group)} ({r.votes})
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Hour × weekday: each cell's score as a shade and as a number. */
function HeatMap({ rows }: { rows: FeedbackRow[] }) {
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
              // Light to dark blue; text switches to white where the cell is dark.
              const bg = score === null ? '#fff' : `hsl(215, 80%, ${92 - score * 0.6}%)`;
              return (
                <td key={k} style={{ background: bg, color: score !== null && score > 55 ? '#fff' : '#111' }} data-cell={`${k} ${hour}`}>
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

/** Share of each face, as a stacked bar per group with the counts written out. */
function FaceShares({ rows }: { rows: FeedbackRow[] }) {
  return (
    <ul class="shares" data-testid="shares">
      {rows.map((r) => {
        const scale = Math.max(4, ...Object.keys(r.faces).map(Number));
        // Faces by number: emoji need fonts a kiosk browser may not have.
        const labels = Array.from({ length: scale }, (_, i) => `${i + 1}/${scale}`);
        return (
          <li key={r.group}>
            <strong>{r.group}</strong> — {w.sharesLine(r.votes, r.score === null ? '—' : String(r.score))}
            <div class="stack" aria-hidden="true">
              {labels.map((_, i) => {
                const n = r.faces[String(i + 1)] ?? 0;
                return n ? <span key={i} style={{ width: `${(n / r.votes) * 100}%`, background: FACE_COLOURS[Math.round((i / (scale - 1)) * 4)] }} /> : null;
              })}
            </div>
            <span class="counts">{labels.map((l, i) => `${l} ${r.faces[String(i + 1)] ?? 0}`).join(' · ')}</span>
          </li>
        );
      })}
    </ul>
  );
}

function Scores({ rows, label }: { rows: FeedbackRow[]; label: string }) {
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

function Availability({ rows }: { rows: AvailabilityRow[] }) {
  const min = (ms: number): number => Math.round(ms / 60_000);
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
            <td>{r.staffedPercent ?? '—'}</td>
            <td>{r.sessions}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Reports() {
  const [from, setFrom] = useState(officeDate(Date.now() - 6 * DAY));
  const [to, setTo] = useState(officeDate(Date.now()));
  // Whole days as the office counts them, whatever zone this browser is in.
  const p = officePeriod(from, to);
  const period = `from=${p.from}&to=${p.to}`;
  const url = (kind: string, groupBy: string): string => `/api/reports/${kind}?${period}&groupBy=${groupBy}`;
  const byDay = useReport<FeedbackRow>(url('feedback', 'day'));
  const heat = useReport<FeedbackRow>(url('feedback', 'weekday_hour'));
  const bySite = useReport<FeedbackRow>(url('feedback', 'site'));
  const byCounter = useReport<FeedbackRow>(url('feedback', 'counter'));
  const byClerk = useReport<FeedbackRow>(url('feedback', 'clerk'));
  const availability = useReport<AvailabilityRow>(url('availability', 'counter'));
  return (
    <>
      <TopBar title={w.reportsTitle} />
      <main id="main" class="reports">
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            {w.from} <input type="date" value={from} max={to} onChange={(e) => setFrom((e.target as HTMLInputElement).value)} data-testid="from" />
          </label>
          <label>
            {w.to} <input type="date" value={to} min={from} onChange={(e) => setTo((e.target as HTMLInputElement).value)} data-testid="to" />
          </label>
        </form>
        <Section title={w.byDay} csv={url('feedback', 'day')}>
          {byDay ? <Trend rows={byDay} /> : <p>{w.loading}</p>}
        </Section>
        <Section title={w.heatMap} csv={url('feedback', 'weekday_hour')}>
          {heat ? <HeatMap rows={heat} /> : <p>{w.loading}</p>}
        </Section>
        <Section title={w.shares} csv={url('feedback', 'site')}>
          {bySite ? <FaceShares rows={bySite} /> : <p>{w.loading}</p>}
        </Section>
        <Section title={w.counters} csv={url('feedback', 'counter')}>
          {byCounter ? <Scores rows={byCounter} label={w.counter} /> : <p>{w.loading}</p>}
        </Section>
        <Section title={w.clerks} csv={url('feedback', 'clerk')}>
          {byClerk ? <Scores rows={byClerk} label={w.clerk} /> : <p>{w.loading}</p>}
        </Section>
        <Section title={w.availability} csv={url('availability', 'counter')}>
          {availability ? <Availability rows={availability} /> : <p>{w.loading}</p>}
        </Section>
      </main>
    </>
  );
}

await loadOffice();
render(<Reports />, document.getElementById('app')!);
