/** Small statistics over repetitions; inputs are never mutated. */

export function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Nearest-rank percentile (0..100) of a non-empty list; NaN if empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = sorted(values);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank] ?? Number.NaN;
}

/** Median (mean of the middle two for an even count); NaN if empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = sorted(values);
  const mid = s.length >> 1;
  const hi = s[mid] ?? Number.NaN;
  if (s.length % 2 === 1) return hi;
  return ((s[mid - 1] ?? Number.NaN) + hi) / 2;
}

export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function summarize(values: readonly number[]): Summary {
  const s = sorted(values);
  return {
    n: s.length,
    min: s[0] ?? Number.NaN,
    median: median(s),
    max: s[s.length - 1] ?? Number.NaN,
  };
}

/** Ratio of medians plus the range of per-repetition ratios. */
export interface RatioSummary {
  readonly ofMedians: number;
  readonly min: number;
  readonly max: number;
}

/**
 * `a / b` where both lists are indexed by repetition (NaN where a repetition is missing).
 * The per-rep range only uses repetitions where both have a value.
 */
export function ratio(a: readonly number[], b: readonly number[]): RatioSummary {
  const per: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y) && y !== 0) {
      per.push(x / y);
    }
  }
  const fa = a.filter(Number.isFinite);
  const fb = b.filter(Number.isFinite);
  const s = summarize(per);
  return { ofMedians: median(fa) / median(fb), min: s.min, max: s.max };
}
