/** Percentile of an unsorted sample (nearest rank). */
export function percentile(sample: number[], p: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

export interface Figure {
  figure: string;
  unit: string;
  ours: number;
  floor: number;
  /** ours / floor; for a rate, higher is better; for a latency, lower is better. */
  ratio: number;
  floorIs: string;
  goal?: string;
  /** What else the run showed that explains the figure. */
  note?: string;
}

export function figure(f: Omit<Figure, 'ratio'>): Figure {
  return { ...f, ours: round(f.ours), floor: round(f.floor), ratio: round(f.ours / f.floor) };
}
