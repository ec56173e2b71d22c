import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResourceLimits, SHARE_ENV } from 'node:worker_threads';
import type { SpawnOptions } from '../executors/thread/thread.js';
import {
  type NormalizedSchedulerOptions,
  normalizeSchedulerOptions,
  type SchedulerOptions,
  schedulerOptionKeys,
} from '../scheduler/options.js';
import * as v from '../validate.js';

/** Options of a `ThreadPool`. Scheduler options (`maxQueue`, `idleTimeout`, ...) mean what they mean for `Pool`. */
export interface ThreadPoolOptions extends Omit<SchedulerOptions, 'concurrency'> {
  /**
   * The task module: a `file:` URL (`new URL('./tasks.js', import.meta.url)`, relative to your
   * own file) or a file path (a relative one resolves against the working directory,
   * `process.cwd()`, not your file). `.ts` needs tsx installed.
   */
  readonly module: string | URL;
  /** Threads kept even when idle. @default maxThreads */
  readonly minThreads?: number;
  /** Most threads. @default os.availableParallelism() (or minThreads, if larger) */
  readonly maxThreads?: number;
  /** Tasks one thread runs at once (async handlers overlap; sync ones queue in the thread). @default 1 */
  readonly concurrentTasksPerThread?: number;
  /**
   * Tasks sent to each thread ahead of those it runs, so the next one is already there when
   * one ends (no round trip between tasks). They do not count as running, and their
   * `timeout` starts when they really begin. A thread with nothing to do steals half of the
   * tasks waiting in the busiest other thread, so a task sent ahead never waits behind a long
   * one while another thread idles (tasks whose input was transferred stay where they are).
   * `pause()` takes them back; a thread that dies, is killed or retires gives them back too
   * (to the front of the queue). Order: priorities, aging and fair shares decide among the
   * tasks the pool still holds; a task already sent ahead keeps its place in its thread, so
   * a more urgent task arriving later may start after up to `prefetch` tasks per thread.
   * 0 sends a task only when a thread can begin it (strict order).
   * @default 1
   */
  readonly prefetch?: number;
  /**
   * Most µs the pool's thread may busy-wait for a thread's reply after sending it tasks,
   * reading it synchronously instead of waiting for the event loop to wake (which takes
   * tens of µs). Adaptive: spins that time out make the next ones rarer, so long tasks cost
   * almost none, and at most 1 ms of each event-loop turn goes to spinning. 0 never spins.
   * @default 50, or 0 when the process may use only one core (`availableParallelism()` is 1,
   * e.g. under `taskset -c 0`): there a spinning end only keeps the other from running.
   */
  readonly spin?: number;
  /** V8 heap limits of each thread; a thread past them dies and its tasks reject `WorkerCrashedError`. */
  readonly resourceLimits?: ResourceLimits;
  /** Ms a timed-out or cancelled task may take to end after its signal aborts, before its thread is killed. @default 1000 */
  readonly killGrace?: number;
  /** Times a task module whose import throws is retried (with doubling delays) before the pool turns unhealthy; a missing file, a directory or a syntax error is not retried. @default 3 */
  readonly loadRetries?: number;
  /** Ms before the first load retry; doubles each time. @default 250 */
  readonly loadRetryDelay?: number;
  /** Environment of the threads (`SHARE_ENV` to share the parent's). @default a copy of process.env */
  readonly env?: NodeJS.Dict<string> | typeof SHARE_ENV;
  /** Appended to `process.argv` in the threads. */
  readonly argv?: readonly unknown[];
  /** Node flags of the threads. @default the parent's */
  readonly execArgv?: readonly string[];
}

export interface NormalizedThreadPoolOptions extends SpawnOptions {
  readonly scheduler: NormalizedSchedulerOptions;
  readonly perWorker: number;
  readonly prefetch: number;
  readonly spin: number;
  readonly killGrace: number;
  readonly loadRetries: number;
  readonly loadRetryDelay: number;
}

/** `spin` unless given: none on one core, where both ends of a channel share it. */
function defaultSpin(): number {
  return availableParallelism() > 1 ? threadPoolDefaults.spin : 0;
}

export const threadPoolDefaults = Object.freeze({
  concurrentTasksPerThread: 1,
  prefetch: 1,
  spin: 50,
  killGrace: 1000,
  loadRetries: 3,
  loadRetryDelay: 250,
});

/** Most tasks one thread may hold (running + prefetched): each has a claim in shared memory. */
const MAX_DEPTH = 65_536;

const ownKeys = [
  'module',
  'minThreads',
  'maxThreads',
  'concurrentTasksPerThread',
  'prefetch',
  'spin',
  'resourceLimits',
  'killGrace',
  'loadRetries',
  'loadRetryDelay',
  'env',
  'argv',
  'execArgv',
];
const knownKeys: ReadonlySet<string> = new Set([
  ...schedulerOptionKeys.filter((k) => k !== 'concurrency'),
  ...ownKeys,
]);

/** Pure: checks a ThreadPool's options and fills defaults; never mutates `options`. */
export function normalizeThreadPoolOptions(
  options: ThreadPoolOptions,
): NormalizedThreadPoolOptions {
  const o = v.object('options', options);
  v.knownKeys('', o, knownKeys);
  const module = moduleUrl(o.module);
  const min = o.minThreads === undefined ? undefined : v.integer('minThreads', o.minThreads, 0);
  const max =
    o.maxThreads === undefined
      ? Math.max(availableParallelism(), min ?? 1)
      : v.integer('maxThreads', o.maxThreads, 1);
  if (min !== undefined && min > max) {
    throw new RangeError(`Expected \`minThreads\` (${min}) to be at most \`maxThreads\` (${max})`);
  }
  const perWorker =
    o.concurrentTasksPerThread === undefined
      ? threadPoolDefaults.concurrentTasksPerThread
      : v.integer('concurrentTasksPerThread', o.concurrentTasksPerThread, 1);
  const prefetch =
    o.prefetch === undefined ? threadPoolDefaults.prefetch : v.integer('prefetch', o.prefetch, 0);
  if (perWorker + prefetch > MAX_DEPTH) {
    throw new RangeError(
      `Expected \`concurrentTasksPerThread\` + \`prefetch\` to be at most ${MAX_DEPTH}, got ${perWorker} + ${prefetch}`,
    );
  }
  const { module: _m, minThreads: _min, maxThreads: _max, ...rest } = options;
  const scheduler = normalizeSchedulerOptions({
    ...pick(rest, schedulerOptionKeys),
    concurrency: { min: min ?? max, max },
  });
  return Object.freeze({
    module,
    scheduler,
    perWorker,
    prefetch,
    spin: o.spin === undefined ? defaultSpin() : v.number('spin', o.spin, 0),
    killGrace:
      o.killGrace === undefined
        ? threadPoolDefaults.killGrace
        : v.number('killGrace', o.killGrace, 0),
    loadRetries:
      o.loadRetries === undefined
        ? threadPoolDefaults.loadRetries
        : v.integer('loadRetries', o.loadRetries, 0),
    loadRetryDelay:
      o.loadRetryDelay === undefined
        ? threadPoolDefaults.loadRetryDelay
        : v.number('loadRetryDelay', o.loadRetryDelay, 0),
    resourceLimits:
      o.resourceLimits === undefined
        ? undefined
        : (v.object('resourceLimits', o.resourceLimits) as ResourceLimits),
    env: options.env === undefined ? undefined : envOption(options.env),
    argv: o.argv === undefined ? undefined : v.array('argv', o.argv),
    execArgv:
      o.execArgv === undefined
        ? undefined
        : v.array('execArgv', o.execArgv).map((a, i) => v.string(`execArgv[${i}]`, a)),
  });
}

function moduleUrl(value: unknown): URL {
  if (value instanceof URL) {
    if (value.protocol !== 'file:') {
      throw new RangeError(`Expected \`module\` to be a file: URL, got ${v.describe(value.href)}`);
    }
    return value;
  }
  if (typeof value !== 'string') {
    throw new TypeError(
      `Expected \`module\` to be a file: URL or a file path, got ${v.describe(value)}: e.g. new URL('./tasks.js', import.meta.url)`,
    );
  }
  const s = value;
  if (s === '')
    throw new RangeError('Expected `module` to be a file path or file: URL, got `""` (string)');
  if (s.startsWith('file:')) return new URL(s);
  return pathToFileURL(isAbsolute(s) ? s : resolve(s));
}

function envOption(value: unknown): NodeJS.Dict<string> | typeof SHARE_ENV {
  if (typeof value === 'symbol') return value as typeof SHARE_ENV;
  return v.object('env', value) as NodeJS.Dict<string>;
}

function pick(o: object, keys: readonly string[]): SchedulerOptions {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (key in o) out[key] = (o as Record<string, unknown>)[key];
  return out as SchedulerOptions;
}
