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
 * runs between collections. Durations are in seconds (OpenTelemetry semantic convention);
 * quantiles are the pool's own (HdrHistogram since the pool was made), as gauges with a
 * `quantile` attribute, because the API has no summary instrument.
 */
import type { Attributes, Meter } from '@opentelemetry/api';
import type { PoolStats } from './index.js';

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

const outcomes = ['completed', 'failed', 'cancelled', 'timedOut'] as const;
const events = ['submitted', 'started', 'retried', 'dropped', 'rejected'] as const;
const phases = [
  ['wait', 'waitTime'],
  ['run', 'runTime'],
  ['total', 'totalTime'],
] as const;
const quantiles = [
  ['0.5', 'p50'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
  ['1', 'max'],
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
    description: 'Tasks whose outcome was decided, by outcome (and task name)',
  });
  const counted = meter.createObservableCounter(`${prefix}tasks.events`, {
    description: 'Tasks submitted, started, retried, dropped, rejected',
  });
  const durations = meter.createObservableGauge(`${prefix}task.duration`, {
    description: 'Task wait/run/total time quantiles since the pool was made',
    unit: 's',
  });
  const observables = [queued, running, workers, utilization, healthy, ended, counted, durations];

  const callback = (result: {
    observe(observable: (typeof observables)[number], value: number, attributes?: Attributes): void;
  }): void => {
    const s = pool.stats();
    result.observe(queued, s.queued, base);
    result.observe(running, s.running, base);
    result.observe(workers, s.workers, base);
    result.observe(utilization, s.utilization, base);
    result.observe(healthy, s.healthy ? 1 : 0, base);
    for (const outcome of outcomes) result.observe(ended, s[outcome], { ...base, outcome });
    for (const event of events) result.observe(counted, s[event], { ...base, event });
    const observeTimes = (
      figures: PoolStats['byName'][string] | PoolStats,
      attributes: Attributes,
    ): void => {
      for (const [phase, key] of phases) {
        const p = figures[key];
        if (p.count === 0) continue;
        for (const [quantile, q] of quantiles) {
          result.observe(durations, p[q] / 1000, { ...attributes, phase, quantile });
        }
      }
    };
    observeTimes(s, base);
    for (const [task, figures] of Object.entries(s.byName)) {
      for (const outcome of outcomes)
        result.observe(ended, figures[outcome], { ...base, outcome, task });
      observeTimes(figures, { ...base, task });
    }
  };
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
