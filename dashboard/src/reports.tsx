import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { calendarDate, loadOffice, officeDate, officePeriod, w, lang } from './i18n.ts';
import { TopBar } from './top.tsx';
import { loadMe } from './me.ts';
import { datesOf, periodSearch, readPeriod, type Period } from './period.ts';
import { Availability, FaceShares, HeatMap, Scores, Sites, Trend, type AvailabilityRow, type FeedbackRow } from './report-sections.tsx';

/**
 * Reports for managers (M1, M3, M7): satisfaction and availability week by week, the sites side
 * by side, the share of each face, an hour × weekday heat map, scores per counter and clerk, and
 * availability with clients served — for a period kept in the address (a link shows the same),
 * each section with the CSV of what it draws (the sections: report-sections.tsx).
 */
type Loaded<T> = { rows: T[] } | { error: number } | null;

function useReport<T>(url: string | null): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>(null);
  useEffect(() => {
    setLoaded(null);
    if (!url) return;
    let current = true;
    void fetch(url).then(async (r) => {
      if (r.status === 401) location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
      else if (current) setLoaded(r.ok ? { rows: ((await r.json()) as { rows: T[] }).rows } : { error: r.status });
    });
    return () => {
      current = false;
    };
  }, [url]);
  return loaded;
}

/** The rows once loaded; a word while loading or when it failed. */
function Rows<T>({ loaded, children }: { loaded: Loaded<T>; children: (rows: T[]) => preact.ComponentChildren }) {
  if (!loaded) return <p>{w.loading}</p>;
  if ('error' in loaded) return <p role="alert">{w.loadFailed(loaded.error)}</p>;
  return <>{children(loaded.rows)}</>;
}

function Section({ title, csv, children, wide }: { title: string; csv: [string, string][]; children: preact.ComponentChildren; wide?: boolean }) {
  return (
    <section class={`panel report${wide ? ' wide' : ''}`}>
      <h2>{title}</h2>
      <span class="csv">
        {csv.map(([label, href]) => (
          <a key={href} href={`${href}&format=csv`} download>
            CSV{label ? ` (${label})` : ''}
          </a>
        ))}
      </span>
      {children}
    </section>
  );
}

function Reports() {
  const [period, setPeriod] = useState<Period>(() => readPeriod(location.search, officeDate(Date.now())));
  // The period is the address's: a link sent to someone shows them the same.
  const choose = (change: Partial<Period>): void => {
    const next = { ...period, ...change };
    history.replaceState(null, '', periodSearch(location.search, next));
    setPeriod(next);
  };
  const backwards = period.from > period.to;
  // Whole days as the office counts them, whatever zone this browser is in.
  const p = backwards ? null : officePeriod(period.from, period.to);
  // The CSV comes in the page's language: Polish Excel's `;` and decimal comma, or English's.
  const url = (kind: string, groupBy: string): string => `/api/reports/${kind}?from=${p?.from}&to=${p?.to}&groupBy=${groupBy}&lang=${lang}`;
  const get = (kind: string, groupBy: string): string | null => (p ? url(kind, groupBy) : null);
  const byDay = useReport<FeedbackRow>(get('feedback', 'day'));
  const availabilityByDay = useReport<AvailabilityRow>(get('availability', 'day'));
  const bySite = useReport<FeedbackRow>(get('feedback', 'site'));
  const availabilityBySite = useReport<AvailabilityRow>(get('availability', 'site'));
  const heat = useReport<FeedbackRow>(get('feedback', 'weekday_hour'));
  const byCounter = useReport<FeedbackRow>(get('feedback', 'counter'));
  const byClerk = useReport<FeedbackRow>(get('feedback', 'clerk'));
  const availability = useReport<AvailabilityRow>(get('availability', 'counter'));
  const days = useMemo(() => datesOf(period), [period.from, period.to]);
  const both = <A, B>(a: Loaded<A>, b: Loaded<B>): Loaded<[A[], B[]]> =>
    !a || !b ? null : 'error' in a ? a : 'error' in b ? b : { rows: [[a.rows, b.rows]] };
  return (
    <>
      <TopBar title={w.reportsTitle} />
      <main id="main" class="reports">
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            {w.from} <input type="date" value={period.from} onChange={(e) => choose({ from: (e.target as HTMLInputElement).value })} data-testid="from" aria-invalid={backwards} />
          </label>
          <label>
            {w.to} <input type="date" value={period.to} onChange={(e) => choose({ to: (e.target as HTMLInputElement).value })} data-testid="to" aria-invalid={backwards} />
          </label>
        </form>
        {backwards ? (
          <p class="period-problem" role="alert" data-testid="period-problem">
            {w.periodBackwards(calendarDate(period.from), calendarDate(period.to))}
          </p>
        ) : (
          <>
            <p class="explain" data-testid="score-explained">
              {w.scoreExplained}
            </p>
            <Section title={w.trend} csv={[[w.votes, url('feedback', 'day')], [w.availability, url('availability', 'day')]]} wide>
              <Rows loaded={both(byDay, availabilityByDay)}>{(r) => <Trend days={days} feedback={r[0]![0]} availability={r[0]![1]} />}</Rows>
            </Section>
            <Section title={w.sites} csv={[[w.votes, url('feedback', 'site')], [w.availability, url('availability', 'site')]]}>
              <Rows loaded={both(bySite, availabilityBySite)}>{(r) => <Sites feedback={r[0]![0]} availability={r[0]![1]} />}</Rows>
            </Section>
            <Section title={w.shares} csv={[['', url('feedback', 'site')]]}>
              <Rows loaded={bySite}>{(rows) => <FaceShares rows={rows} />}</Rows>
            </Section>
            <Section title={w.heatMap} csv={[['', url('feedback', 'weekday_hour')]]}>
              <Rows loaded={heat}>{(rows) => <HeatMap rows={rows} />}</Rows>
            </Section>
            <Section title={w.counters} csv={[['', url('feedback', 'counter')]]}>
              <Rows loaded={byCounter}>{(rows) => <Scores rows={rows} label={w.counter} />}</Rows>
            </Section>
            <Section title={w.clerks} csv={[['', url('feedback', 'clerk')]]}>
              <Rows loaded={byClerk}>{(rows) => <Scores rows={rows} label={w.clerk} />}</Rows>
            </Section>
            <Section title={w.availability} csv={[['', url('availability', 'counter')]]}>
              <Rows loaded={availability}>{(rows) => <Availability rows={rows} />}</Rows>
            </Section>
          </>
        )}
      </main>
    </>
  );
}

// The office's zone and who is signed in, before anything is drawn.
await Promise.all([loadOffice(), loadMe()]);
render(<Reports />, document.getElementById('app')!);
