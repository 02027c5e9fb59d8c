/**
 * Polish plurals: "1 ocena", "2 oceny", "5 ocen", "22 oceny", "12 ocen". One for exactly 1;
 * "few" for 2-4 at the end, except 12-14; "many" for the rest (0, 5-21, 25-31, …). Whole numbers
 * only, as counts are.
 */
export function polishPlural(n: number, one: string, few: string, many: string): string {
  if (n === 1) return one;
  const tens = Math.abs(n) % 100;
  const units = tens % 10;
  return units >= 2 && units <= 4 && !(tens >= 12 && tens <= 14) ? few : many;
}

/** English: one vote, any other number of votes. */
export const englishPlural = (n: number, one: string, other: string): string => (n === 1 ? one : other);
