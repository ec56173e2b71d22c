/**
 * Options of the distributed mode, each checked by one pure normaliser (TypeError for a
 * wrong type, RangeError for a value out of range, naming the option), and the mapping of
 * a task's options onto BullMQ's job options.
 */
import type { JobsOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import type { TaskOptions } from '../index.js';
import {
  type NormalizedRetry,
  type NormalizedTaskOptions,
  normalizeTaskOptions,
  checks as v,
} from '../internal.js';

/** Where Redis is: a `redis://` / `rediss://` URL, or ioredis options (`{ host, port }`). */
export type Connection = string | RedisOptions;

/** How many finished jobs Redis keeps: the newest `count`, none older than `age` seconds. */
export interface KeepJobs {
  readonly age?: number;
  readonly count?: number;
}

/** Options shared by `DistributedPool` and `startWorker`. */
export interface RedisQueueOptions {
  /** Where Redis is. */
  readonly connection: Connection;
  /** The BullMQ queue name (one queue per kind of work; pools and workers must agree). */
  readonly queue: string;
  /** BullMQ key prefix. On a Redis Cluster it must hold a hash tag, e.g. `{jobs}`. @default 'bull' */
  readonly prefix?: string;
  /** Ms to wait for Redis at start before failing with `RedisUnavailableError`. @default 10_000 */
  readonly readyTimeout?: number;
}

export interface NormalizedRedisQueueOptions {
  readonly redis: RedisOptions;
  readonly address: string;
  readonly queue: string;
  readonly prefix: string;
  readonly readyTimeout: number;
}

export const redisQueueKeys = ['connection', 'queue', 'prefix', 'readyTimeout'];

/** Pure: the Redis side of pool and worker options. */
export function normalizeRedisQueueOptions(
  o: Record<string, unknown>,
): NormalizedRedisQueueOptions {
  const redis = redisOptions(o.connection);
  const queue = v.string('queue', o.queue);
  // ':' is BullMQ's separator; '~' separates a queue from its keys' queues (keys.ts).
  if (queue === '' || queue.includes(':') || queue.includes('~'))
    throw new RangeError(
      `Expected \`queue\` to be a non-empty name without ":" or "~", got ${v.describe(queue)}`,
    );
  const prefix = o.prefix === undefined ? 'bull' : v.string('prefix', o.prefix);
  if (prefix === '') throw new RangeError('Expected `prefix` to be non-empty, got `""` (string)');
  return Object.freeze({
    redis,
    address: `${redis.host ?? '127.0.0.1'}:${redis.port ?? 6379}`,
    queue,
    prefix,
    readyTimeout:
      o.readyTimeout === undefined ? 10_000 : v.number('readyTimeout', o.readyTimeout, 0),
  });
}

function redisOptions(value: unknown): RedisOptions {
  if (typeof value === 'string') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new TypeError(`Expected \`connection\` to be a redis:// URL, got ${v.describe(value)}`);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new RangeError(
        `Expected \`connection\` to be a redis:// or rediss:// URL, got ${v.describe(value)}`,
      );
    }
    const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
    return {
      host: url.hostname,
      port: url.port === '' ? 6379 : Number(url.port),
      ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
      ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
      ...(db === undefined || Number.isNaN(db) ? {} : { db }),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    };
  }
  return { ...(v.object('connection', value) as RedisOptions) };
}

/** Options of one distributed task: the local ones, plus `delay` and an idempotency `id`. */
export interface DistributedTaskOptions extends TaskOptions {
  /** Ms to wait before the job may start. @default 0 */
  readonly delay?: number;
  /**
   * The job's id: submitting the same id again while Redis still holds that job adds
   * nothing, and the caller gets that job's result (idempotency). Not an integer, no ":".
   * @default a random UUID
   */
  readonly id?: string;
}

export interface NormalizedDistributedTaskOptions extends NormalizedTaskOptions {
  readonly delay: number;
  readonly id: string | undefined;
}

const distributedTaskKeys: ReadonlySet<string> = new Set(['delay', 'id']);

/** Pure: checks one task's options (the local checks, then `delay` and `id`). */
export function normalizeDistributedTaskOptions(
  options: DistributedTaskOptions | undefined,
): NormalizedDistributedTaskOptions {
  const base = normalizeTaskOptions(options, distributedTaskKeys);
  if (base.onProgress !== undefined)
    throw new TypeError(
      'Expected `onProgress` to be unset: progress reports do not travel between hosts (yet)',
    );
  const delay = options?.delay === undefined ? 0 : v.number('delay', options.delay, 0);
  let id: string | undefined;
  if (options?.id !== undefined) {
    id = v.string('id', options.id);
    if (id === '' || id.includes(':') || `${Number.parseInt(id, 10)}` === id) {
      throw new RangeError(
        `Expected \`id\` to be a non-empty string that is not an integer and has no ":", got ${v.describe(id)}`,
      );
    }
  }
  return { ...base, delay, id };
}

/** BullMQ's priorities run 1 (first) to 2^21; workpool's are any number, higher first. */
const PRIORITY_ZERO = 2 ** 20;

/** Pure: workpool's priority (higher first, rounded) as BullMQ's (lower first). */
export function bullPriority(priority: number): number {
  return Math.min(2 ** 21, Math.max(1, PRIORITY_ZERO - Math.round(priority)));
}

/**
 * Whether BullMQ itself can retry with this policy (so retries survive the caller):
 * `'fixed'` or `'exponential'` backoff that never reaches `maxDelay`, and no `retryIf`.
 * Otherwise the caller retries (see pool.ts).
 */
export function retriedByBull(r: NormalizedRetry): boolean {
  if (r.retryIf !== undefined || typeof r.backoff === 'function') return false;
  const longest = r.backoff === 'fixed' ? r.delay : r.delay * 2 ** Math.max(0, r.attempts - 1);
  return longest <= r.maxDelay;
}

/** Pure: the BullMQ options of one job (ids and retention are the pool's). */
export function jobOptions(
  o: NormalizedDistributedTaskOptions,
  jobId: string,
  keep: {
    readonly removeOnComplete: KeepJobs | boolean;
    readonly removeOnFail: KeepJobs | boolean;
  },
): JobsOptions {
  const r = o.retries;
  const bull = r !== undefined && retriedByBull(r);
  return {
    jobId,
    priority: bullPriority(o.priority),
    ...(o.delay > 0 ? { delay: o.delay } : {}),
    attempts: bull && r !== undefined ? r.attempts + 1 : 1,
    ...(bull && r !== undefined && r.delay > 0
      ? {
          backoff: {
            type: r.backoff === 'fixed' ? 'fixed' : 'exponential',
            delay: r.delay,
            ...(r.jitter === 0 ? {} : { jitter: r.jitter === -1 ? 1 : r.jitter }),
          },
        }
      : {}),
    removeOnComplete: keep.removeOnComplete,
    removeOnFail: keep.removeOnFail,
  } as JobsOptions;
}

/** What a job carries besides its handler name (BullMQ's job name). Short keys: it is per job. */
export interface JobData {
  /** The input, `encodeValue`d. */
  readonly i: string;
  /** Run timeout in ms. */
  readonly t?: number;
  /** Latest start time (epoch ms, the caller's clock) from `queueTimeout`. */
  readonly q?: number;
  /** The `queueTimeout` itself, in ms (for the error). */
  readonly qt?: number;
  /** 1: `i` is an array of inputs, each run on its own; the result is the array of results. */
  readonly b?: 1;
  /** Fair-share key. */
  readonly k?: string;
  /** The caller's attempt, from 2 (its retries are new jobs); BullMQ counts its own on top. */
  readonly a?: number;
}

/** Pure: checks `removeOnComplete` / `removeOnFail`. */
export function keepJobs(name: string, value: unknown, fallback: KeepJobs): KeepJobs | boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  const o = v.object(name, value);
  v.knownKeys(name, o, new Set(['age', 'count']));
  return {
    ...(o.age === undefined ? {} : { age: v.integer(`${name}.age`, o.age, 1) }),
    ...(o.count === undefined ? {} : { count: v.integer(`${name}.count`, o.count, 0) }),
  };
}
