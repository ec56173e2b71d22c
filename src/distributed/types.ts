import type { HandlerInput, HandlerName, Outcome, Percentiles } from '../index.js';
import type { WorkerAdvert } from './adverts.js';
import type { ClusterStats, JobCounts } from './cluster.js';
import type { DistributedTaskOptions } from './options.js';

/** `run`'s arguments after the name: the input is optional when the handler accepts `undefined`. */
export type DistributedRunArgs<M, K extends HandlerName<M>> =
  undefined extends HandlerInput<M, K>
    ? [input?: HandlerInput<M, K>, options?: DistributedTaskOptions]
    : [input: HandlerInput<M, K>, options?: DistributedTaskOptions];

export interface DistributedPoolEvents {
  /** A worker took the job (BullMQ `active`). */
  start: { readonly id: string; readonly name: string; readonly waitMs: number };
  /** The caller's answer was decided. */
  end: {
    readonly id: string;
    readonly name: string;
    readonly outcome: Outcome;
    readonly error?: unknown;
  };
  /** The pool retries a failed job itself (policies BullMQ cannot run: `retryIf`, a backoff function). */
  retry: {
    readonly id: string;
    readonly attempt: number;
    readonly delayMs: number;
    readonly error: unknown;
  };
  /** The pool's own Redis connection dropped (`healthy: false`) or came back. */
  health: { readonly healthy: boolean; readonly error?: Error };
}

export type { JobCounts };

export interface DistributedStats {
  /**
   * Calls this pool made whose job is in Redis (or being written), and how they ended:
   * `submitted` = completed + failed + cancelled + timedOut + dropped + pending. A call
   * left waiting when `close()`'s deadline passes ends `cancelled` (its job still runs).
   */
  readonly submitted: number;
  /** Calls seen starting on a worker host (first attempt). */
  readonly started: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly timedOut: number;
  readonly dropped: number;
  /** Calls refused before their job got into Redis (unknown handler, queue full, Redis out of reach, closed). */
  readonly rejected: number;
  /** Always 0 here: threads are killed on the hosts (their adverts and `cluster` count them). */
  readonly killed: number;
  /** Caller-side retries (BullMQ's own retries show in `cluster`). */
  readonly retried: number;
  /** Calls of this pool waiting for an answer, and of those, the ones a worker runs now. */
  readonly pending: number;
  readonly running: number;
  /** `submit` and `run` calls waiting for room in the queue (`maxQueue`, overflow `'wait'`). */
  readonly blocked: number;
  /** As seen here: submit to start, start to end, submit to end. */
  readonly waitTime: Percentiles;
  readonly runTime: Percentiles;
  readonly totalTime: Percentiles;
  /** Worker hosts as last read (their adverts). */
  readonly workers: readonly WorkerAdvert[];
  /** The whole cluster as last read by `clusterStats()`. */
  readonly cluster?: ClusterStats;
  readonly connected: boolean;
  readonly closed: boolean;
}
