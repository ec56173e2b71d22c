import { checks as v } from '../internal.js';
import {
  type KeepJobs,
  keepJobs,
  type NormalizedRedisQueueOptions,
  normalizeRedisQueueOptions,
  type RedisQueueOptions,
  redisQueueKeys,
} from './options.js';

export interface DistributedPoolOptions extends RedisQueueOptions {
  /**
   * Most jobs that may wait in the queue (waiting, delayed, prioritized: all pools
   * together). When full, `submit` and `run` wait (or reject `QueueFullError` with
   * `overflow: 'reject'`); `trySubmit` returns `undefined`. A soft bound: pools check the
   * count, then add, so concurrent submitters may pass it by their number.
   * @default Infinity
   */
  readonly maxQueue?: number;
  /** @default 'wait' */
  readonly overflow?: 'wait' | 'reject';
  /** Finished jobs Redis keeps. @default { age: 3600, count: 10_000 } */
  readonly removeOnComplete?: boolean | { readonly age?: number; readonly count?: number };
  /** Failed jobs Redis keeps. @default { age: 7 * 24 * 3600, count: 10_000 } */
  readonly removeOnFail?: boolean | { readonly age?: number; readonly count?: number };
  /** Ms between checks against Redis of calls still waiting (a missed event is found here). @default 5000 */
  readonly reconcileInterval?: number;
  /** Ms between reads of the worker adverts. @default 2000 */
  readonly advertInterval?: number;
}

export interface NormalizedPoolOptions extends NormalizedRedisQueueOptions {
  readonly maxQueue: number;
  readonly overflow: 'wait' | 'reject';
  readonly removeOnComplete: KeepJobs | boolean;
  readonly removeOnFail: KeepJobs | boolean;
  readonly reconcileInterval: number;
  readonly advertInterval: number;
}

const ownKeys = [
  'maxQueue',
  'overflow',
  'removeOnComplete',
  'removeOnFail',
  'reconcileInterval',
  'advertInterval',
];
const knownKeys: ReadonlySet<string> = new Set([...redisQueueKeys, ...ownKeys]);

/** Pure: checks a DistributedPool's options and fills defaults. */
export function normalizePoolOptions(options: DistributedPoolOptions): NormalizedPoolOptions {
  const o = v.object('options', options);
  v.knownKeys('', o, knownKeys);
  const overflow = o.overflow ?? 'wait';
  if (overflow !== 'wait' && overflow !== 'reject')
    throw new TypeError(
      `Expected \`overflow\` to be 'wait' or 'reject', got ${v.describe(overflow)}`,
    );
  return Object.freeze({
    ...normalizeRedisQueueOptions(o),
    maxQueue:
      o.maxQueue === undefined
        ? Number.POSITIVE_INFINITY
        : v.integer('maxQueue', o.maxQueue, 0, true),
    overflow,
    removeOnComplete: keepJobs('removeOnComplete', o.removeOnComplete, {
      age: 3600,
      count: 10_000,
    }),
    removeOnFail: keepJobs('removeOnFail', o.removeOnFail, { age: 7 * 24 * 3600, count: 10_000 }),
    reconcileInterval:
      o.reconcileInterval === undefined
        ? 5000
        : v.number('reconcileInterval', o.reconcileInterval, 1),
    advertInterval:
      o.advertInterval === undefined ? 2000 : v.number('advertInterval', o.advertInterval, 1),
  });
}
