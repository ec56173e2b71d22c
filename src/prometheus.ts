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
 * Times are in seconds (Prometheus convention), as histograms with the fixed bounds of
 * `durationBuckets`, so they add up across pools and instances. Every counter and
 * histogram carries a `task` label per task name, and one series without it for tasks
 * that have none: the series of one metric add up to the pool's total (docs/ARCHITECTURE.md,
 * "Outcomes" and "Metrics").
 */
import type { Metric, Registry } from 'prom-client';
import { durationBuckets, type Percentiles, type PoolStats } from './index.js';
import { outcomeLabels, type Part, partition } from './metrics/partition.js';
import { importPeer } from './peer.js';

const { register: defaultRegistry } = await importPeer(
  () => import('prom-client'),
  'prom-client',
  'workpool/prometheus',
);

export interface PrometheusOptions {
  /** @default prom-client's global registry */
  readonly registry?: Registry;
  /** Prefix of every metric name. @default 'workpool_' */
  readonly prefix?: string;
  /** Constant labels on every series, e.g. `{ pool: 'images' }`. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** What the adapter reads: anything with `stats()` (a `Pool` or a `ThreadPool`). */
export interface StatsSource {
  stats(): PoolStats;
}

type Labels = Readonly<Record<string, string>>;
export interface Sample {
  readonly value: number;
  readonly labels: Labels;
  readonly metricName?: string;
}
type MetricKind = 'counter' | 'gauge' | 'histogram';

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
  const p = checkPrefix(options.prefix ?? 'workpool_');
  const base: Labels = { ...options.labels };
  // One stats() per scrape: the registry calls every metric's get() in the same turn.
  let cached: { stats: PoolStats; parts: Part[] } | undefined;
  const read = (): { stats: PoolStats; parts: Part[] } => {
    if (cached === undefined) {
      const stats = pool.stats();
      cached = { stats, parts: partition(stats, stats.byName) };
      queueMicrotask(() => {
        cached = undefined;
      });
    }
    return cached;
  };
  const labelled = (part: Part, extra?: Labels): Labels =>
    part.task === undefined ? { ...base, ...extra } : { ...base, task: part.task, ...extra };
  const counter = (
    name: string,
    help: string,
    key: 'submitted' | 'started' | 'rejected' | 'retried' | 'killed',
  ): CollectedMetric =>
    new CollectedMetric(`${p}${name}`, help, 'counter', () =>
      read().parts.map((part) => ({ value: part.figures[key], labels: labelled(part) })),
    );
  const gauge = (name: string, help: string, value: (s: PoolStats) => number): CollectedMetric =>
    new CollectedMetric(`${p}${name}`, help, 'gauge', () => [
      { value: value(read().stats), labels: base },
    ]);
  const histogram = (
    name: string,
    help: string,
    key: 'waitTime' | 'runTime' | 'totalTime',
  ): CollectedMetric =>
    new CollectedMetric(`${p}${name}`, help, 'histogram', () =>
      read().parts.flatMap((part) =>
        histogramSamples(`${p}${name}`, labelled(part), part.figures[key]),
      ),
    );

  const metrics: CollectedMetric[] = [
    counter(
      'tasks_submitted_total',
      'Tasks accepted by the pool (map items one each).',
      'submitted',
    ),
    counter('tasks_started_total', 'Task attempts started.', 'started'),
    new CollectedMetric(
      `${p}tasks_finished_total`,
      'Accepted tasks settled, by outcome (completed, failed, cancelled, timed_out, dropped).',
      'counter',
      () =>
        read().parts.flatMap((part) =>
          outcomeLabels.map(([key, outcome]) => ({
            value: part.figures[key],
            labels: labelled(part, { outcome }),
          })),
        ),
    ),
    counter('tasks_rejected_total', 'Tasks refused because the queue was full.', 'rejected'),
    counter('tasks_retried_total', 'Failed attempts tried again.', 'retried'),
    counter('tasks_killed_total', 'Attempts whose work was stopped by force.', 'killed'),
    gauge('queued', 'Tasks waiting in the queue.', (s) => s.queued),
    gauge('running', 'Tasks running now.', (s) => s.running),
    gauge('workers', 'Workers (threads or slots) alive or starting.', (s) => s.workers),
    gauge('workers_max', 'Most workers the pool may have.', (s) => s.concurrency.max),
    gauge('utilization', 'Running tasks over capacity, 0 to 1.', (s) => s.utilization),
    gauge('healthy', '1 if the pool is healthy (its task module loads), else 0.', (s) =>
      s.healthy ? 1 : 0,
    ),
    histogram('wait_seconds', 'Time from admission to start.', 'waitTime'),
    histogram('run_seconds', 'Time from start to the end of the work.', 'runTime'),
    histogram('total_seconds', 'Time from admission to the answer.', 'totalTime'),
  ];
  return registerAll(registry, metrics);
}

/** Registers `metrics`; returns the function that removes them again. */
export function registerAll(registry: Registry, metrics: readonly CollectedMetric[]): () => void {
  for (const m of metrics) registry.registerMetric(m.asMetric());
  return () => {
    for (const m of metrics) registry.removeSingleMetric(m.name);
  };
}

/** Throws a TypeError naming `prefix` unless it starts valid metric names. */
export function checkPrefix(prefix: string): string {
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(`${prefix}x`)) {
    throw new TypeError(
      `Expected \`prefix\` to be a valid metric name prefix, got ${JSON.stringify(prefix)}`,
    );
  }
  return prefix;
}

/**
 * The samples of a Prometheus histogram from a duration distribution in ms: cumulative
 * `_bucket` counts per `le` (in seconds, the bounds of `durationBuckets`, then `+Inf`),
 * `_sum` in seconds and `_count`.
 */
export function histogramSamples(name: string, labels: Labels, t: Percentiles): Sample[] {
  const out: Sample[] = [];
  let cumulative = 0;
  for (let i = 0; i < durationBuckets.length; i++) {
    cumulative += t.buckets?.[i] ?? 0;
    const le = String((durationBuckets[i] as number) / 1000);
    out.push({ value: cumulative, labels: { ...labels, le }, metricName: `${name}_bucket` });
  }
  out.push({ value: t.count, labels: { ...labels, le: '+Inf' }, metricName: `${name}_bucket` });
  const sum = t.sum ?? t.mean * t.count;
  out.push({ value: sum / 1000, labels, metricName: `${name}_sum` });
  out.push({ value: t.count, labels, metricName: `${name}_count` });
  return out;
}

/**
 * A metric whose samples are computed at scrape time. prom-client's Counter and Histogram
 * accumulate observations themselves; the pool already has the totals and buckets, so
 * this hands the registry the same `get()` shape its own metrics return.
 */
export class CollectedMetric {
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
