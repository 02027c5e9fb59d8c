import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';

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
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const WEEKDAYS_PL = ['pon', 'wt', 'śr', 'czw', 'pt', 'sob', 'nd'];
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
  if (rows.length === 0) return <p>Brak ocen w tym okresie. / No votes in this period.</p>;
  const w = Math.max(320, rows.length * 56);
  const h = 180;
  const top = 20; // room for the number above a full bar
  const bar = (w - 20) / rows.length;
  return (
    <svg class="chart" viewBox={`0 0 ${w} ${h + top + 40}`} role="img" aria-label="Zadowolenie dzień po dniu / satisfaction by day" data-testid="trend">
      {rows.map((r, i) => {
        const bh = ((r.score ?? 0) / 100) * h;
        return (
          <g key={r.group}>
            <rect x={10 + i * bar + 4} y={top + h - bh} width={bar - 8} height={bh} fill="#1d4ed8" />
            <text x={10 + i * bar + bar / 2} y={top + h - bh - 5} text-anchor="middle" font-size="12">
              {r.score ?? '—'}
            </text>
            <text x={10 + i * bar + bar / 2} y={top + h + 18} text-anchor="middle" font-size="11">
              {r.group.slice(5)} ({r.votes})
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
  if (hours.length === 0) return <p>Brak ocen w tym okresie. / No votes in this period.</p>;
  const keys = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  return (
    <table class="heat" data-testid="heatmap">
      <caption>Średnia ocena (0-100) i liczba ocen / score and votes</caption>
      <thead>
        <tr>
          <th scope="col">godz.</th>
          {WEEKDAYS_PL.map((d) => (
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
            <strong>{r.group}</strong> — {r.votes} ocen, wynik {r.score ?? '—'}
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
          <th scope="col">ocen / votes</th>
          <th scope="col">wynik / score</th>
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
          <th scope="col">stanowisko</th>
          <th scope="col">wolne min</th>
          <th scope="col">obsługa min</th>
          <th scope="col">nieobecność min</th>
          <th scope="col">obsadzone %</th>
          <th scope="col">obsłużeni klienci</th>
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
  const [from, setFrom] = useState(isoDay(Date.now() - 6 * DAY));
  const [to, setTo] = useState(isoDay(Date.now()));
  // Whole days in the office's zone are the server's business: we pass the local midnights.
  const period = `from=${encodeURIComponent(new Date(`${from}T00:00:00`).toISOString())}&to=${encodeURIComponent(new Date(new Date(`${to}T00:00:00`).getTime() + DAY).toISOString())}`;
  const url = (kind: string, groupBy: string): string => `/api/reports/${kind}?${period}&groupBy=${groupBy}`;
  const byDay = useReport<FeedbackRow>(url('feedback', 'day'));
  const heat = useReport<FeedbackRow>(url('feedback', 'weekday_hour'));
  const bySite = useReport<FeedbackRow>(url('feedback', 'site'));
  const byCounter = useReport<FeedbackRow>(url('feedback', 'counter'));
  const byClerk = useReport<FeedbackRow>(url('feedback', 'clerk'));
  const availability = useReport<AvailabilityRow>(url('availability', 'counter'));
  return (
    <>
      <header class="top">
        <h1>okienko — raporty</h1>
        <a href="/">tablica na żywo</a>
      </header>
      <main class="reports">
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            od / from <input type="date" value={from} max={to} onChange={(e) => setFrom((e.target as HTMLInputElement).value)} data-testid="from" />
          </label>
          <label>
            do / to <input type="date" value={to} min={from} onChange={(e) => setTo((e.target as HTMLInputElement).value)} data-testid="to" />
          </label>
        </form>
        <Section title="Zadowolenie dzień po dniu / satisfaction by day" csv={url('feedback', 'day')}>
          {byDay ? <Trend rows={byDay} /> : <p>…</p>}
        </Section>
        <Section title="Godzina × dzień tygodnia / hour × weekday" csv={url('feedback', 'weekday_hour')}>
          {heat ? <HeatMap rows={heat} /> : <p>…</p>}
        </Section>
        <Section title="Udział ocen / share of each face" csv={url('feedback', 'site')}>
          {bySite ? <FaceShares rows={bySite} /> : <p>…</p>}
        </Section>
        <Section title="Stanowiska / counters" csv={url('feedback', 'counter')}>
          {byCounter ? <Scores rows={byCounter} label="stanowisko" /> : <p>…</p>}
        </Section>
        <Section title="Urzędnicy / clerks" csv={url('feedback', 'clerk')}>
          {byClerk ? <Scores rows={byClerk} label="urzędnik" /> : <p>…</p>}
        </Section>
        <Section title="Dostępność i obsłużeni klienci / availability and clients served" csv={url('availability', 'counter')}>
          {availability ? <Availability rows={availability} /> : <p>…</p>}
        </Section>
      </main>
    </>
  );
}

render(<Reports />, document.getElementById('app')!);
