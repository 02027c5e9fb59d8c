import { describe, expect, it } from 'vitest';
import { counterNumber, isLate, noticePlace, paginate, shrinkPerPage } from '../../dashboard/src/lobby-screen.ts';
import { PHRASES } from '@okienko/protocol/wording';

const T = Date.UTC(2026, 11, 3, 7, 7); // 08:07 in Warsaw
const away = { backAt: T, reason: 'break' as const, substitute: null, signedBy: 'Anna Nowak' };

describe('the hall screen\'s arithmetic (dashboard/src/lobby-screen.ts)', () => {
  it('cuts tiles into pages in order, never none', () => {
    expect(paginate([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(paginate([1, 2, 3], Number.MAX_SAFE_INTEGER)).toEqual([[1, 2, 3]]);
    expect(paginate([], 4)).toEqual([[]]);
    expect(paginate([1, 2], 0)).toEqual([[1], [2]]);
  });

  it('takes fewer tiles when a page runs over, in proportion, at least one fewer, never below one', () => {
    expect(shrinkPerPage(8, 8, 1000, 1080)).toBe(8); // fits
    expect(shrinkPerPage(8, 8, 1200, 1080)).toBe(7);
    expect(shrinkPerPage(Number.MAX_SAFE_INTEGER, 1000, 20_000, 1000)).toBe(50); // one step, not 950
    expect(shrinkPerPage(8, 8, 1081, 1080)).toBe(7);
    expect(shrinkPerPage(1, 1, 5000, 1080)).toBe(1);
  });

  it('says a return is late once its time has passed by the bridge\'s clock, not before', () => {
    expect(isLate(away, T - 60_000)).toBe(false);
    expect(isLate(away, T)).toBe(false);
    expect(isLate(away, T + 14 * 60_000)).toBe(true);
    expect(PHRASES.late.pl).toBe('Powrót opóźniony');
  });

  it('names a notice\'s site only where two sites shown have that counter number', () => {
    const both = [
      { site: 'ratusz', counter: 'okienko-1' },
      { site: 'ratusz', counter: 'okienko-2' },
      { site: 'filia', counter: 'okienko-2' },
      { site: 'filia', counter: 'okienko-3' },
    ];
    expect(noticePlace({ site: 'filia', counter: 'okienko-2' }, both)).toEqual({ site: 'filia', number: '2' });
    expect(noticePlace({ site: 'filia', counter: 'okienko-3' }, both)).toEqual({ site: null, number: '3' });
    expect(noticePlace({ site: 'filia', counter: 'okienko-2' }, both.filter((c) => c.site === 'filia'))).toEqual({ site: null, number: '2' });
    // A site-wide notice names its site where the screen shows more than one.
    expect(noticePlace({ site: 'filia', counter: null }, both)).toEqual({ site: 'filia', number: null });
    expect(noticePlace({ site: 'filia', counter: null }, both.slice(2))).toEqual({ site: null, number: null });
    expect(counterNumber('okienko-12')).toBe('12');
  });
});
