/**
 * `workpool/prometheus`: a pool's stats as Prometheus metrics through prom-client. Loaded
 * only by those who import it (prom-client is never imported by the core).
 *
 * ```ts
 * import { Registry } from 'prom-client';
 * import { registerPoolMetrics } from 'workpool/prometheus';
 * const registry = new Registry();
 * const unregister = registerPoolMetrics(pool, { registry });
 * // GET /metrics → await registry.metrics()
 * ```
 *
 * Collect-on-scrape: nothing runs between scrapes; each scrape calls `pool.stats()` once.
 * Times are in seconds (Prometheus convention); quantiles are the pool's own (HdrHistogram,
 * since the pool was made), exposed as summaries.
 */
import type { Metric, Registry } from 'prom-client';
import type { Percentiles, PoolStats } from './index.js';
import { importPeer } from './peer.js';

const { register: defaultRegistry } = await importPeer(
  () => import('prom-client'),
  'prom-client',
  'workpool/prometheus',
);

/** Per-task-name figures (a pool's `byName`, or the server's own per-name counts). */
export interface TaskNameFigures {
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly timedOut: number;
  readonly started?: number;
  readonly retried?: number;
  /** Refused before queueing (e.g. 503 from the server). */
  readonly rejected?: number;
  readonly waitTime?: Percentiles;
  readonly runTime?: Percentiles;
  /** Admission (or request) to answer, in ms. */
  readonly totalTime?: Percentiles;
}

export interface PrometheusOptions {
  /** @default prom-client's global registry */
  readonly registry?: Registry;
  /** Prefix of every metric name. @default 'workpool_' */
  readonly prefix?: string;
  /** Constant labels on every series, e.g. `{ pool: 'images' }`. */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Per-task-name figures, labelled `task`. @default the pool's own `byName` figures,
   * when its stats carry them
   */
  readonly tasks?: () =>
    | ReadonlyMap<string, TaskNameFigures>
    | Readonly<Record<string, TaskNameFigures>>;
}

/** What the adapter reads: anything with `stats()` (a `Pool` or a `ThreadPool`). */
export interface StatsSource {
  stats(): PoolStats;
}

type Labels = Readonly<Record<string, string>>;
interface Sample {
  readonly value: number;
  readonly labels: Labels;
  readonly metricName?: string;
}
type MetricKind = 'counter' | 'gauge' | 'summary';

/** Counters a pool may carry beyond the base set (read if present). */
type OptionalCounters = Partial<Record<'retried' | 'dropped' | 'rejected', number>> & {
  readonly totalTime?: Percentiles;
  readonly byName?: Readonly<Record<string, TaskNameFigures>>;
};

const outcomes = [
  ['completed', 'completed'],
  ['failed', 'failed'],
  ['cancelled', 'cancelled'],
  ['timedOut', 'timed_out'],
] as const;

/**
 * Registers the pool's metrics in `registry` and returns a function that removes them.
 * One pool per registry and prefix (names must be unique): give each pool its own
 * `prefix`, or its own registry with `labels: { pool: '...' }` merged at scrape.
 */
export function registerPoolMetrics(
  pool: StatsSource,
  options: PrometheusOptions = {},
): () => void {
  const registry = options.registry ?? defaultRegistry;
  const p = options.prefix ?? 'workpool_';
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(`${p}x`)) {
    throw new TypeError(
      `Expected \`prefix\` to be a valid metric name prefix, got ${JSON.stringify(p)}`,
    );
  }
  const base: Labels = { ...options.labels };
  // One stats() per scrape: the registry calls every metric's get() in the same turn.
  let cached: (PoolStats & OptionalCounters) | undefined;
  const stats = (): PoolStats & OptionalCounters => {
    if (cached === undefined) {
      cached = pool.stats();
      queueMicrotask(() => {
        cached = undefined;
      });
    }
    return cached;
  };
  const tasks = (): [string, TaskNameFigures][] => {
    const source = options.tasks?.() ?? stats().byName;
    if (source === undefined) return [];
    return source instanceof Map ? [...source] : Object.entries(source);
  };
  const one = (value: number): Sample[] => [{ value, labels: base }];
  const optional = (key: 'retried' | 'dropped' | 'rejected'): Sample[] => {
    const value = stats()[key];
    return typeof value === 'number' ? one(value) : [];
  };

  const metrics: CollectedMetric[] = [
    new CollectedMetric(`${p}tasks_submitted_total`, 'Tasks accepted by the pool.', 'counter', () =>
      one(stats().submitted),
    ),
    new CollectedMetric(`${p}tasks_started_total`, 'Task attempts started.', 'counter', () =>
      one(stats().started),
    ),
    new CollectedMetric(`${p}tasks_finished_total`, 'Tasks settled, by outcome.', 'counter', () =>
      outcomes.map(([key, outcome]) => ({ value: stats()[key], labels: { ...base, outcome } })),
    ),
    new CollectedMetric(`${p}tasks_retried_total`, 'Failed attempts tried again.', 'counter', () =>
      optional('retried'),
    ),
    new CollectedMetric(
      `${p}tasks_dropped_total`,
      'Queued tasks evicted by the overflow policy.',
      'counter',
      () => optional('dropped'),
    ),
    new CollectedMetric(
      `${p}tasks_rejected_total`,
      'Tasks refused because the queue was full.',
      'counter',
      () => optional('rejected'),
    ),
    new CollectedMetric(`${p}queued`, 'Tasks waiting in the queue.', 'gauge', () =>
      one(stats().queued),
    ),
    new CollectedMetric(`${p}running`, 'Tasks running now.', 'gauge', () => one(stats().running)),
    new CollectedMetric(
      `${p}workers`,
      'Workers (threads or slots) alive or starting.',
      'gauge',
      () => one(stats().workers),
    ),
    new CollectedMetric(`${p}workers_max`, 'Most workers the pool may have.', 'gauge', () =>
      one(stats().concurrency.max),
    ),
    new CollectedMetric(`${p}utilization`, 'Running tasks over capacity, 0 to 1.', 'gauge', () =>
      one(stats().utilization),
    ),
    new CollectedMetric(
      `${p}healthy`,
      '1 if the pool is healthy (its task module loads), else 0.',
      'gauge',
      () => one(stats().healthy ? 1 : 0),
    ),
    new CollectedMetric(`${p}wait_seconds`, 'Time from admission to start.', 'summary', () =>
      summary(`${p}wait_seconds`, base, stats().waitTime),
    ),
    new CollectedMetric(
      `${p}run_seconds`,
      'Time from start to the end of the work.',
      'summary',
      () => summary(`${p}run_seconds`, base, stats().runTime),
    ),
    new CollectedMetric(
      `${p}total_seconds`,
      'Time from admission to the answer.',
      'summary',
      () => {
        const t = stats().totalTime;
        return t === undefined ? [] : summary(`${p}total_seconds`, base, t);
      },
    ),
    new CollectedMetric(
      `${p}task_finished_total`,
      'Tasks settled per task name, by outcome.',
      'counter',
      () =>
        tasks().flatMap(([task, f]) => [
          ...outcomes.map(([key, outcome]) => ({
            value: f[key],
            labels: { ...base, task, outcome },
          })),
          ...(f.rejected === undefined
            ? []
            : [{ value: f.rejected, labels: { ...base, task, outcome: 'rejected' } }]),
        ]),
    ),
    new CollectedMetric(`${p}task_run_seconds`, 'Run time per task name.', 'summary', () =>
      tasks().flatMap(([task, f]) =>
        f.runTime === undefined
          ? []
          : summary(`${p}task_run_seconds`, { ...base, task }, f.runTime),
      ),
    ),
    new CollectedMetric(
      `${p}task_total_seconds`,
      'Time to answer per task name (wait + run).',
      'summary',
      () =>
        tasks().flatMap(([task, f]) =>
          f.totalTime === undefined
            ? []
            : summary(`${p}task_total_seconds`, { ...base, task }, f.totalTime),
        ),
    ),
  ];
  for (const m of metrics) registry.registerMetric(m.asMetric());
  return () => {
    for (const m of metrics) registry.removeSingleMetric(m.name);
  };
}

function summary(name: string, labels: Labels, t: Percentiles): Sample[] {
  return [
    { value: t.p50 / 1000, labels: { ...labels, quantile: '0.5' } },
    { value: t.p95 / 1000, labels: { ...labels, quantile: '0.95' } },
    { value: t.p99 / 1000, labels: { ...labels, quantile: '0.99' } },
    { value: t.max / 1000, labels: { ...labels, quantile: '1' } },
    { value: (t.mean * t.count) / 1000, labels, metricName: `${name}_sum` },
    { value: t.count, labels, metricName: `${name}_count` },
  ];
}

/**
 * A metric whose samples are computed at scrape time. prom-client's Counter and Summary
 * accumulate observations themselves; the pool already has the totals and quantiles, so
 * this hands the registry the same `get()` shape its own metrics return.
 */
class CollectedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: MetricKind;
  readonly aggregator = 'sum';
  readonly #read: () => Sample[];

  constructor(name: string, help: string, type: MetricKind, read: () => Sample[]) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.#read = read;
  }

  async get(): Promise<{
    name: string;
    help: string;
    type: MetricKind;
    aggregator: string;
    values: Sample[];
  }> {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.#read(),
    };
  }

  reset(): void {}

  /** The registry only calls `get()`, `reset()` and reads `name`/`type`; its type names its own classes. */
  asMetric(): Metric {
    return this as unknown as Metric;
  }
}
