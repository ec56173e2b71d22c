import { durationBuckets } from '../index.js';

/** Latency percentiles in ms over a window; `null` where nothing finished in it. */
export interface WindowLatency {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

const none: WindowLatency = Object.freeze({ p50: null, p95: null, p99: null });

/**
 * Pure: per-bucket counts of `now` minus `before`, two readings of the same cumulative
 * histogram (`Percentiles.buckets`, one count per bound of `durationBuckets` plus one above
 * them all). What happened between the readings, whatever happened before: a window's
 * distribution comes from two snapshots and nothing else, so it adds up across pools and
 * hosts, and an hour-long window costs what a one-second one does.
 */
export function bucketDelta(
  now: readonly number[] | undefined,
  before: readonly number[] | undefined,
): number[] {
  const out = new Array<number>(durationBuckets.length + 1).fill(0);
  if (now === undefined) return out;
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, (now[i] ?? 0) - (before?.[i] ?? 0));
  return out;
}

/** Pure: adds `b` into `a` bucket by bucket (a cluster's hosts, several names). */
export function addBuckets(a: number[], b: readonly number[]): number[] {
  for (let i = 0; i < a.length; i++) a[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return a;
}

/**
 * Pure: the `q` quantile (0..1) of bucket counts, as Prometheus' `histogram_quantile`
 * computes it: find the bucket holding rank `q × count` and interpolate linearly inside it
 * (from 0 for the first bucket). Past the last bound the answer is that bound (60 s).
 * `null` for an empty window: nothing finished, which a chart must draw as a gap, not 0.
 */
export function quantile(buckets: readonly number[], q: number): number | null {
  let count = 0;
  for (const n of buckets) count += n;
  if (count === 0) return null;
  const rank = q * count;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    const n = buckets[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const upper = durationBuckets[i];
      if (upper === undefined) return durationBuckets[durationBuckets.length - 1] ?? null;
      const lower = i === 0 ? 0 : (durationBuckets[i - 1] ?? 0);
      return round(lower + (upper - lower) * ((rank - seen) / n));
    }
    seen += n;
  }
  return null;
}

/** Pure: p50, p95 and p99 of bucket counts. */
export function latencyOf(buckets: readonly number[]): WindowLatency {
  const p50 = quantile(buckets, 0.5);
  if (p50 === null) return none;
  return { p50, p95: quantile(buckets, 0.95), p99: quantile(buckets, 0.99) };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
