import { describe, expect, it } from 'vitest';
import { englishPlural, polishPlural } from '../../dashboard/src/plural.ts';

const ocen = (n: number): string => `${n} ${polishPlural(n, 'ocena', 'oceny', 'ocen')}`;

describe('Polish plurals', () => {
  it('says 1 ocena, 2-4 oceny, 5 ocen, 12-14 ocen, 22 oceny', () => {
    expect([0, 1, 2, 3, 4, 5, 11, 12, 13, 14, 15, 21, 22, 23, 24, 25, 101, 102, 111, 112, 122, 1000].map(ocen)).toEqual([
      '0 ocen', '1 ocena', '2 oceny', '3 oceny', '4 oceny', '5 ocen', '11 ocen', '12 ocen', '13 ocen', '14 ocen', '15 ocen',
      '21 ocen', '22 oceny', '23 oceny', '24 oceny', '25 ocen', '101 ocen', '102 oceny', '111 ocen', '112 ocen', '122 oceny', '1000 ocen',
    ]);
  });

  it('in English, one vote and any other number of votes', () => {
    expect([0, 1, 2].map((n) => `${n} ${englishPlural(n, 'vote', 'votes')}`)).toEqual(['0 votes', '1 vote', '2 votes']);
  });
});
