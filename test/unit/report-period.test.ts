import { describe, expect, it } from 'vitest';
import { addDays, datesOf, isCalendarDate, periodSearch, readPeriod, weekOf } from '../../dashboard/src/period.ts';

describe('the reports\' period in the address', () => {
  it('reads back what was written, keeping the other parameters', () => {
    const search = periodSearch('?lang=en', { from: '2026-11-02', to: '2026-11-29' });
    expect(search).toBe('?lang=en&from=2026-11-02&to=2026-11-29');
    expect(readPeriod(search, '2026-12-03')).toEqual({ from: '2026-11-02', to: '2026-11-29' });
  });

  it('is four weeks to today without one, and ignores dates that are not dates', () => {
    expect(readPeriod('', '2026-03-05')).toEqual({ from: '2026-02-06', to: '2026-03-05' });
    expect(readPeriod('?from=2026-02-30&to=yesterday', '2027-01-01')).toEqual({ from: '2026-12-05', to: '2027-01-01' });
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2027-02-29')).toBe(false);
  });

  it('keeps a backwards period as given, so the page can say what is wrong', () => {
    expect(readPeriod('?from=2026-12-10&to=2026-12-01', '2026-12-03')).toEqual({ from: '2026-12-10', to: '2026-12-01' });
    expect(datesOf({ from: '2026-12-10', to: '2026-12-01' })).toEqual([]);
  });

  it('counts calendar days across a year\'s end and the DST switches, weeks from Monday', () => {
    expect(datesOf({ from: '2026-12-30', to: '2027-01-02' })).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
    expect(weekOf('2027-01-03')).toBe('2026-12-28'); // a Sunday belongs to the week before
    expect(weekOf('2026-12-28')).toBe('2026-12-28');
  });
});
