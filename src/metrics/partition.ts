import type { Percentiles } from './histogram.js';
import { type Counters, counterNames, type MetricsSnapshot } from './pool-metrics.js';

/** What an exporter reads of one part: the counters and the three duration histograms. */
export interface PartFigures extends Counters {
  readonly waitTime: Percentiles;
  readonly runTime: Percentiles;
  readonly totalTime: Percentiles;
}

/** One series of an export: a task name (`undefined`: tasks without one) and its figures. */
export interface Part {
  readonly task: string | undefined;
  readonly figures: PartFigures;
}

/** The outcomes in exports, with their label values (snake_case, the metrics convention). */
export const outcomeLabels = [
  ['completed', 'completed'],
  ['failed', 'failed'],
  ['cancelled', 'cancelled'],
  ['timedOut', 'timed_out'],
  ['dropped', 'dropped'],
] as const;

/**
 * Pure: splits a pool's figures into series that add up to the whole: one per task name,
 * plus one for the tasks without a name (the totals minus the named). An exporter that
 * labels each series with `task` then has one metric per thing, and `sum()` over the
 * labels is the pool's total (a total series beside per-name ones would count twice).
 */
export function partition(
  total: MetricsSnapshot,
  byName: Readonly<Record<string, MetricsSnapshot>>,
): Part[] {
  const named = Object.entries(byName);
  if (named.length === 0) return [{ task: undefined, figures: total }];
  const rest: Record<string, unknown> = {};
  for (const key of counterNames) {
    let n = total[key];
    for (const [, f] of named) n -= f[key] ?? 0;
    rest[key] = Math.max(0, n);
  }
  for (const key of ['waitTime', 'runTime', 'totalTime'] as const) {
    rest[key] = remainder(
      total[key],
      named.map(([, f]) => f[key]),
    );
  }
  const parts: Part[] = named.map(([task, figures]) => ({ task, figures }));
  const unnamed = rest as unknown as PartFigures;
  if (counterNames.some((k) => unnamed[k] > 0)) parts.push({ task: undefined, figures: unnamed });
  return parts;
}

/** Pure: the histogram of what `total` holds beyond `parts` (count, sum and buckets only). */
export function remainder(total: Percentiles, parts: readonly Percentiles[]): Percentiles {
  let count = total.count;
  let sum = total.sum ?? total.mean * total.count;
  const buckets = [...(total.buckets ?? [])];
  for (const p of parts) {
    count -= p.count;
    sum -= p.sum ?? p.mean * p.count;
    p.buckets?.forEach((n, i) => {
      buckets[i] = (buckets[i] ?? 0) - n;
    });
  }
  return {
    count: Math.max(0, count),
    mean: count > 0 ? sum / count : 0,
    p50: 0,
    p95: 0,
    p99: 0,
    max: 0,
    sum: Math.max(0, sum),
    buckets: buckets.map((n) => Math.max(0, n)),
  };
}
