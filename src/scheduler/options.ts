import { availableParallelism } from 'node:os';
import { type Clock, systemClock } from './clock.js';
import * as v from './validate.js';

/** Worker count limits. A number `n` means `{ min: n, max: n }`. */
export type Concurrency = number | { readonly min?: number; readonly max: number };

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
  /** Record wait/run histograms. @default true */
  readonly metrics?: boolean;
  /** Time source (inject a `ManualClock` in tests). @default the system clock */
  readonly clock?: Clock;
}

export interface NormalizedSchedulerOptions {
  readonly min: number;
  readonly max: number;
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
export function normalizeConcurrency(value: unknown, name = 'concurrency'): { min: number; max: number } {
  if (typeof value === 'number') {
    const n = v.integer(name, value, 1);
    return { min: n, max: n };
  }
  const o = v.object(name, value);
  v.knownKeys(name, o, new Set(['min', 'max']));
  const max = v.integer(`${name}.max`, o.max, 1);
  const min = o.min === undefined ? 0 : v.integer(`${name}.min`, o.min, 0);
  if (min > max) {
    throw new RangeError(`Expected \`${name}.min\` (${min}) to be at most \`${name}.max\` (${max})`);
  }
  return { min, max };
}

/** Pure: returns a frozen copy with defaults filled; never mutates `options`. */
export function normalizeSchedulerOptions(
  options: SchedulerOptions,
  defaultConcurrency: number = availableParallelism(),
): NormalizedSchedulerOptions {
  const c =
    options.concurrency === undefined
      ? { min: defaultConcurrency, max: defaultConcurrency }
      : normalizeConcurrency(options.concurrency);
  return Object.freeze({
    min: c.min,
    max: c.max,
    maxQueue:
      options.maxQueue === undefined ? schedulerDefaults.maxQueue : v.integer('maxQueue', options.maxQueue, 0, true),
    idleTimeout:
      options.idleTimeout === undefined
        ? schedulerDefaults.idleTimeout
        : v.number('idleTimeout', options.idleTimeout, 0, true),
    agingInterval:
      options.agingInterval === undefined
        ? schedulerDefaults.agingInterval
        : v.number('agingInterval', options.agingInterval, Number.MIN_VALUE, true),
    metrics: options.metrics === undefined ? schedulerDefaults.metrics : v.boolean('metrics', options.metrics),
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
}

export interface NormalizedTaskOptions {
  readonly priority: number;
  readonly timeout: number;
  readonly queueTimeout: number;
  readonly signal: AbortSignal | undefined;
}

const taskKeys = new Set(['priority', 'timeout', 'queueTimeout', 'signal']);

export const noTaskOptions: NormalizedTaskOptions = Object.freeze({
  priority: 0,
  timeout: Number.POSITIVE_INFINITY,
  queueTimeout: Number.POSITIVE_INFINITY,
  signal: undefined,
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
    timeout: options.timeout === undefined ? Number.POSITIVE_INFINITY : v.number('timeout', options.timeout, 0, true),
    queueTimeout:
      options.queueTimeout === undefined
        ? Number.POSITIVE_INFINITY
        : v.number('queueTimeout', options.queueTimeout, 0, true),
    signal: options.signal === undefined ? undefined : v.signal('signal', options.signal),
  };
}
