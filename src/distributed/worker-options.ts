import { availableParallelism } from 'node:os';
import { type Clock, type Fairness, systemClock } from '../index.js';
import { normalizeFairness, checks as v } from '../internal.js';
import {
  type NormalizedRedisQueueOptions,
  normalizeRedisQueueOptions,
  type RedisQueueOptions,
  redisQueueKeys,
} from './options.js';

/** Options of `startWorker`. */
export interface WorkerOptions extends RedisQueueOptions {
  /** The task module (as for ThreadPool): a file path or a `file:` URL. */
  readonly module: string | URL;
  /** Threads of the host's ThreadPool. @default os.availableParallelism() */
  readonly threads?: number;
  /** Jobs taken from Redis at once (they wait in the ThreadPool for a thread). @default threads */
  readonly concurrency?: number;
  /** Ms a timed-out or cancelled job may take to stop before its thread is killed. @default 1000 */
  readonly killGrace?: number;
  /** BullMQ lock: a job whose worker stops renewing it for this long is taken back. @default 30_000 */
  readonly lockDuration?: number;
  /** BullMQ: ms between checks for jobs whose lock expired (their host died). @default 30_000 */
  readonly stalledInterval?: number;
  /** BullMQ: times a job may stall (its host die) before it fails with `WorkerCrashedError`. @default 1 */
  readonly maxStalledCount?: number;
  /** Ms between heartbeats of the worker's advert (its TTL is 3 heartbeats). @default 5000 */
  readonly heartbeat?: number;
  /**
   * Fair share between the `key`s of keyed jobs (see keyed-lane.ts): `weights` (keys not
   * listed weigh 1) order this host's starts by deficit round robin; `maxPerKey` caps the
   * jobs of one key running at once across all hosts (BullMQ's global concurrency of the
   * key's queue). Hosts of one queue should agree. Keyed jobs take up to `concurrency`
   * jobs of their own, besides the unkeyed ones.
   */
  readonly fairness?: Fairness;
  /** Ms between reads of the keys that have queues (finds delayed and retried keyed jobs). @default 1000 */
  readonly keyPoll?: number;
  /**
   * Ms between the wedged-connection watchdog's checks (watchdog.ts): two checks in a row
   * with jobs waiting, a free slot and nothing started make the host reconnect.
   * `Infinity` turns it off. @default 10_000
   */
  readonly watchdogInterval?: number;
  /** Time source of the watchdog (inject a `ManualClock` in tests). @default the system clock */
  readonly clock?: Clock;
}

export interface NormalizedWorkerOptions extends NormalizedRedisQueueOptions {
  readonly module: string | URL;
  readonly threads: number;
  readonly concurrency: number;
  readonly killGrace: number;
  readonly lockDuration: number;
  readonly stalledInterval: number;
  readonly maxStalledCount: number;
  readonly heartbeat: number;
  readonly weights: ReadonlyMap<string, number> | undefined;
  readonly maxPerKey: number;
  readonly keyPoll: number;
  readonly watchdogInterval: number;
  readonly clock: Clock;
}

const knownKeys: ReadonlySet<string> = new Set([
  ...redisQueueKeys,
  'module',
  'threads',
  'concurrency',
  'killGrace',
  'lockDuration',
  'stalledInterval',
  'maxStalledCount',
  'heartbeat',
  'fairness',
  'keyPoll',
  'watchdogInterval',
  'clock',
]);

/** Pure: checks `startWorker`'s options and fills defaults. */
export function normalizeWorkerOptions(options: WorkerOptions): NormalizedWorkerOptions {
  const o = v.object('options', options);
  v.knownKeys('', o, knownKeys);
  if (!(o.module instanceof URL)) v.string('module', o.module);
  const threads =
    o.threads === undefined ? availableParallelism() : v.integer('threads', o.threads, 1);
  const ms = (name: string, fallback: number): number =>
    o[name] === undefined ? fallback : v.number(name, o[name], 1);
  return Object.freeze({
    ...normalizeRedisQueueOptions(o),
    module: o.module as string | URL,
    threads,
    concurrency: o.concurrency === undefined ? threads : v.integer('concurrency', o.concurrency, 1),
    killGrace: o.killGrace === undefined ? 1000 : v.number('killGrace', o.killGrace, 0),
    lockDuration: ms('lockDuration', 30_000),
    stalledInterval: ms('stalledInterval', 30_000),
    maxStalledCount:
      o.maxStalledCount === undefined ? 1 : v.integer('maxStalledCount', o.maxStalledCount, 0),
    heartbeat: ms('heartbeat', 5000),
    ...normalizeFairness(o.fairness),
    keyPoll: ms('keyPoll', 1000),
    watchdogInterval:
      o.watchdogInterval === undefined
        ? 10_000
        : v.number('watchdogInterval', o.watchdogInterval, 1, true),
    clock: o.clock === undefined ? systemClock : (v.object('clock', o.clock) as unknown as Clock),
  });
}
