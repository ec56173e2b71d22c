import { availableParallelism } from 'node:os';
import * as v from '../validate.js';
import { type Clock, systemClock } from './clock.js';
import type { ProgressListener } from './progress.js';
import { normalizeRate, type RateLimit } from './rate.js';
import { type NormalizedRetry, normalizeRetry, type RetryPolicy } from './retry-policy.js';

/**
 * Worker count limits. A number `n` means `{ min: n, max: n }`. `'auto'` (or
 * `adaptive: true`) tunes how many tasks run at once between min and max from measured
 * latency (see scheduler/adaptive.ts).
 */
export type Concurrency =
  | number
  | 'auto'
  | { readonly min?: number; readonly max: number; readonly adaptive?: boolean };

/** What happens to a task offered when `maxQueue` tasks already wait. */
export type Overflow = 'wait' | 'reject' | 'drop-oldest' | 'drop-lowest';

/** Fair share between task `key`s (tenants, users, hosts). */
export interface Fairness {
  /** Relative shares per key; keys not listed weigh 1. */
  readonly weights?: Readonly<Record<string, number>>;
  /** Most tasks of one key running at once. @default Infinity */
  readonly maxPerKey?: number;
}

/** Options every pool (in-process or threads) accepts. */
export interface SchedulerOptions {
  /**
   * How many workers may run at once. `{ min, max }` starts `min`, grows at once to `max`
   * while work waits, and retires workers idle for `idleTimeout`.
   * @default os.availableParallelism()
   */
  readonly concurrency?: Concurrency;
  /**
   * Most tasks that may wait in the queue. When full, `submit` and `run` wait for room,
   * `trySubmit` returns `undefined`.
   * @default Infinity
   */
  readonly maxQueue?: number;
  /**
   * Milliseconds a worker above `min` may sit idle before it is retired.
   * @default 10_000
   */
  readonly idleTimeout?: number;
  /**
   * Aging: milliseconds of waiting worth one step of priority, so low priorities never starve.
   * A task of priority p queued at t starts before any task of priority p' queued after
   * t + (p' - p) * agingInterval.
   * @default Infinity (strict priorities, no aging)
   */
  readonly agingInterval?: number;
  /**
   * When the queue is full: `'wait'` (submit and run wait for room; trySubmit returns
   * undefined), `'reject'` (QueueFullError at once), `'drop-oldest'` or `'drop-lowest'`
   * (the evicted task rejects TaskDroppedError; a newcomer that would itself rank lowest
   * is refused instead).
   * @default 'wait'
   */
  readonly overflow?: Overflow;
  /** At most `limit` task starts in any window of `interval` ms (a sliding window, exact). */
  readonly rate?: RateLimit;
  /** Fair share between task keys (deficit round robin), with optional weights and a per-key cap. */
  readonly fairness?: Fairness;
  /** Record wait/run histograms. @default true */
  readonly metrics?: boolean;
  /** Time source (inject a `ManualClock` in tests). @default the system clock */
  readonly clock?: Clock;
}

export interface NormalizedSchedulerOptions {
  readonly min: number;
  readonly max: number;
  readonly adaptive: boolean;
  readonly overflow: Overflow;
  readonly rate: RateLimit | undefined;
  readonly weights: ReadonlyMap<string, number> | undefined;
  readonly maxPerKey: number;
  readonly maxQueue: number;
  readonly idleTimeout: number;
  readonly agingInterval: number;
  readonly metrics: boolean;
  readonly clock: Clock;
}

export const schedulerOptionKeys: readonly string[] = [
  'concurrency',
  'maxQueue',
  'idleTimeout',
  'agingInterval',
  'overflow',
  'rate',
  'fairness',
  'metrics',
  'clock',
];

export const schedulerDefaults = Object.freeze({
  maxQueue: Number.POSITIVE_INFINITY,
  idleTimeout: 10_000,
  agingInterval: Number.POSITIVE_INFINITY,
  metrics: true,
});

/** Checks a concurrency value (the option, or an argument to `resize`). */
export function normalizeConcurrency(
  value: unknown,
  name = 'concurrency',
  auto: { min: number; max: number } = { min: 1, max: 256 },
): { min: number; max: number; adaptive: boolean } {
  if (typeof value === 'number') {
    const n = v.integer(name, value, 1);
    return { min: n, max: n, adaptive: false };
  }
  if (value === 'auto') return { ...auto, adaptive: true };
  if (typeof value === 'string') {
    throw new TypeError(
      `Expected \`${name}\` to be a number, 'auto' or { min, max }, got ${v.describe(value)}`,
    );
  }
  const o = v.object(name, value);
  v.knownKeys(name, o, new Set(['min', 'max', 'adaptive']));
  const max = v.integer(`${name}.max`, o.max, 1);
  const min = o.min === undefined ? 0 : v.integer(`${name}.min`, o.min, 0);
  if (min > max) {
    throw new RangeError(
      `Expected \`${name}.min\` (${min}) to be at most \`${name}.max\` (${max})`,
    );
  }
  const adaptive = o.adaptive === undefined ? false : v.boolean(`${name}.adaptive`, o.adaptive);
  return { min, max, adaptive };
}

const overflows: ReadonlySet<string> = new Set(['wait', 'reject', 'drop-oldest', 'drop-lowest']);

/** Pure: checks `fairness` (weights, maxPerKey). */
export function normalizeFairness(value: unknown): {
  weights: ReadonlyMap<string, number> | undefined;
  maxPerKey: number;
} {
  if (value === undefined) return { weights: undefined, maxPerKey: Number.POSITIVE_INFINITY };
  const o = v.object('fairness', value);
  v.knownKeys('fairness', o, new Set(['weights', 'maxPerKey']));
  let weights: Map<string, number> | undefined;
  if (o.weights !== undefined) {
    weights = new Map();
    for (const [key, weight] of Object.entries(v.object('fairness.weights', o.weights))) {
      weights.set(key, v.number(`fairness.weights.${key}`, weight, Number.MIN_VALUE));
    }
  }
  const maxPerKey =
    o.maxPerKey === undefined
      ? Number.POSITIVE_INFINITY
      : v.integer('fairness.maxPerKey', o.maxPerKey, 1, true);
  return { weights, maxPerKey };
}

/** Pure: returns a frozen copy with defaults filled; never mutates `options`. */
export function normalizeSchedulerOptions(
  options: SchedulerOptions,
  defaultConcurrency: number = availableParallelism(),
): NormalizedSchedulerOptions {
  const c =
    options.concurrency === undefined
      ? { min: defaultConcurrency, max: defaultConcurrency, adaptive: false }
      : normalizeConcurrency(options.concurrency);
  const overflow = options.overflow ?? 'wait';
  if (!overflows.has(overflow)) {
    throw new TypeError(
      `Expected \`overflow\` to be one of ${[...overflows].map((o) => `'${o}'`).join(', ')}, got ${v.describe(overflow)}`,
    );
  }
  const fairness = normalizeFairness(options.fairness);
  return Object.freeze({
    min: c.min,
    max: c.max,
    adaptive: c.adaptive,
    overflow,
    rate: normalizeRate(options.rate),
    weights: fairness.weights,
    maxPerKey: fairness.maxPerKey,
    maxQueue:
      options.maxQueue === undefined
        ? schedulerDefaults.maxQueue
        : v.integer('maxQueue', options.maxQueue, 0, true),
    idleTimeout:
      options.idleTimeout === undefined
        ? schedulerDefaults.idleTimeout
        : v.number('idleTimeout', options.idleTimeout, 0, true),
    agingInterval:
      options.agingInterval === undefined
        ? schedulerDefaults.agingInterval
        : v.number('agingInterval', options.agingInterval, Number.MIN_VALUE, true),
    metrics:
      options.metrics === undefined
        ? schedulerDefaults.metrics
        : v.boolean('metrics', options.metrics),
    clock: options.clock === undefined ? systemClock : checkClock(options.clock),
  });
}

function checkClock(clock: unknown): Clock {
  const c = v.object('clock', clock);
  for (const m of ['now', 'setTimeout', 'clearTimeout']) v.fn(`clock.${m}`, c[m]);
  return clock as Clock;
}

/** Options of one task, for any pool. */
export interface TaskOptions {
  /** Higher starts first; FIFO among equals. @default 0 */
  readonly priority?: number;
  /** Run time allowed, from start, in ms; then the task's signal aborts and it rejects `TaskTimeoutError`. */
  readonly timeout?: number;
  /** Time allowed to wait in the queue, in ms; then it rejects `TaskTimeoutError` (phase `'queue'`). */
  readonly queueTimeout?: number;
  /** Aborting it cancels the task (queued: removed; running: its signal aborts). */
  readonly signal?: AbortSignal;
  /** Fair-share key (a tenant, a user, a host): keys take turns for workers. */
  readonly key?: string;
  /** Retries after a failure: a count, or a policy with backoff, jitter and `retryIf`. */
  readonly retries?: number | RetryPolicy;
  /** A label for per-name metrics (a ThreadPool task is labelled with its handler name). */
  readonly name?: string;
  /**
   * Called with each value the task reports with `ctx.progress(value)` while it runs (in
   * order, before it settles; reports of a task already settled are dropped). The pool's
   * `progress` event sees them too.
   */
  readonly onProgress?: ProgressListener;
}

export interface NormalizedTaskOptions {
  readonly priority: number;
  readonly timeout: number;
  readonly queueTimeout: number;
  readonly signal: AbortSignal | undefined;
  readonly key: string | undefined;
  readonly retries: NormalizedRetry | undefined;
  readonly name: string | undefined;
  readonly onProgress: ProgressListener | undefined;
  /**
   * Not a task of the caller's but a pool's own (a `Pool.map` lease, which reports its items
   * itself): no counters, no timings, no `start`/`end` events. Never set by a normaliser.
   */
  readonly internal?: true;
}

const taskKeys = new Set([
  'priority',
  'timeout',
  'queueTimeout',
  'signal',
  'key',
  'retries',
  'name',
  'onProgress',
]);

export const noTaskOptions: NormalizedTaskOptions = Object.freeze({
  priority: 0,
  timeout: Number.POSITIVE_INFINITY,
  queueTimeout: Number.POSITIVE_INFINITY,
  signal: undefined,
  key: undefined,
  retries: undefined,
  name: undefined,
  onProgress: undefined,
});

/** Pure: checks one task's options; `extraKeys` are keys a facade handles itself (e.g. `transfer`). */
export function normalizeTaskOptions(
  options: TaskOptions | undefined,
  extraKeys?: ReadonlySet<string>,
): NormalizedTaskOptions {
  if (options === undefined) return noTaskOptions;
  const o = v.object('options', options);
  if (extraKeys === undefined) v.knownKeys('', o, taskKeys);
  else v.knownKeys('', o, new Set([...taskKeys, ...extraKeys]));
  return {
    priority: options.priority === undefined ? 0 : v.finite('priority', options.priority),
    timeout:
      options.timeout === undefined
        ? Number.POSITIVE_INFINITY
        : v.number('timeout', options.timeout, 0, true),
    queueTimeout:
      options.queueTimeout === undefined
        ? Number.POSITIVE_INFINITY
        : v.number('queueTimeout', options.queueTimeout, 0, true),
    signal: options.signal === undefined ? undefined : v.signal('signal', options.signal),
    key: options.key === undefined ? undefined : v.string('key', options.key),
    retries: normalizeRetry(options.retries),
    name: options.name === undefined ? undefined : v.string('name', options.name),
    onProgress:
      options.onProgress === undefined
        ? undefined
        : (v.fn('onProgress', options.onProgress) as ProgressListener),
  };
}
