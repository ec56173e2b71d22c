/**
 * `workpool/opentelemetry`: a pool's stats as OpenTelemetry metrics through
 * `@opentelemetry/api` (an optional peer dependency, loaded only by those who import this).
 *
 * ```ts
 * import { metrics } from '@opentelemetry/api';
 * import { instrumentPool } from 'workpool/opentelemetry';
 * const stop = instrumentPool(pool, metrics.getMeter('my-service'), { attributes: { pool: 'images' } });
 * ```
 *
 * Observe-on-collect: one batch callback reads `pool.stats()` once per collection; nothing
 * runs between collections. Outcomes and names are those of `stats()` and the Prometheus
 * export (`outcome`: completed, failed, cancelled, timed_out, dropped; a `task` attribute
 * per task name, none for tasks without one, so the points of an instrument add up to the
 * pool's total). Durations are in seconds. The API has no observable histogram, so each
 * of wait/run/total is exported as cumulative counters that aggregate like one:
 * `task.duration.count`, `task.duration.sum` and `task.duration.bucket` with an `le`
 * attribute (the fixed bounds of `durationBuckets`, in seconds, then `+Inf`).
 */
import type { Attributes, Meter } from '@opentelemetry/api';
import { durationBuckets, type PoolStats } from './index.js';
import { outcomeLabels, type Part, partition } from './metrics/partition.js';

export interface OpenTelemetryOptions {
  /** Prefix of every instrument name. @default 'workpool.' */
  readonly prefix?: string;
  /** Attributes on every observation, e.g. `{ pool: 'images' }`. */
  readonly attributes?: Attributes;
}

/** Anything with `stats()`: a `Pool` or a `ThreadPool`. */
export interface StatsSource {
  stats(): PoolStats;
}

const events = ['submitted', 'started', 'rejected', 'retried', 'killed'] as const;
const phases = [
  ['wait', 'waitTime'],
  ['run', 'runTime'],
  ['total', 'totalTime'],
] as const;

/** Registers the pool's instruments on `meter`; returns a function that removes them. */
export function instrumentPool(
  pool: StatsSource,
  meter: Meter,
  options: OpenTelemetryOptions = {},
): () => void {
  const prefix = options.prefix ?? 'workpool.';
  const base = options.attributes ?? {};
  const queued = meter.createObservableGauge(`${prefix}tasks.queued`, {
    description: 'Tasks waiting to start',
  });
  const running = meter.createObservableGauge(`${prefix}tasks.running`, {
    description: 'Tasks running',
  });
  const workers = meter.createObservableGauge(`${prefix}workers`, {
    description: 'Workers alive or starting',
  });
  const utilization = meter.createObservableGauge(`${prefix}utilization`, {
    description: 'Running tasks over worker capacity, 0..1',
  });
  const healthy = meter.createObservableGauge(`${prefix}healthy`, {
    description: '1 when the pool can run tasks',
  });
  const ended = meter.createObservableCounter(`${prefix}tasks.ended`, {
    description: 'Accepted tasks settled, by outcome (and task name)',
  });
  const counted = meter.createObservableCounter(`${prefix}tasks.events`, {
    description: 'Tasks submitted, started, rejected, retried, killed',
  });
  const count = meter.createObservableCounter(`${prefix}task.duration.count`, {
    description: 'Durations recorded, by phase (wait, run, total)',
  });
  const sum = meter.createObservableCounter(`${prefix}task.duration.sum`, {
    description: 'Sum of the durations, by phase',
    unit: 's',
  });
  const bucket = meter.createObservableCounter(`${prefix}task.duration.bucket`, {
    description: 'Durations at most `le` seconds, by phase (cumulative histogram buckets)',
  });
  const observables = [
    queued,
    running,
    workers,
    utilization,
    healthy,
    ended,
    counted,
    count,
    sum,
    bucket,
  ];

  const callback = (result: {
    observe(observable: (typeof observables)[number], value: number, attributes?: Attributes): void;
  }): void => {
    const s = pool.stats();
    result.observe(queued, s.queued, base);
    result.observe(running, s.running, base);
    result.observe(workers, s.workers, base);
    result.observe(utilization, s.utilization, base);
    result.observe(healthy, s.healthy ? 1 : 0, base);
    for (const part of partition(s, s.byName)) observePart(part);
    function observePart({ task, figures }: Part): void {
      const attributes = task === undefined ? base : { ...base, task };
      for (const [key, outcome] of outcomeLabels)
        result.observe(ended, figures[key], { ...attributes, outcome });
      for (const event of events) result.observe(counted, figures[event], { ...attributes, event });
      for (const [phase, key] of phases) {
        const t = figures[key];
        const at = { ...attributes, phase };
        result.observe(count, t.count, at);
        result.observe(sum, (t.sum ?? t.mean * t.count) / 1000, at);
        let cumulative = 0;
        durationBuckets.forEach((le, i) => {
          cumulative += t.buckets?.[i] ?? 0;
          result.observe(bucket, cumulative, { ...at, le: String(le / 1000) });
        });
        result.observe(bucket, t.count, { ...at, le: '+Inf' });
      }
    }
  };
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
