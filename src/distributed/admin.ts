/**
 * `ClusterAdmin`: what an operator's page reads and does on a queue, through Redis, without
 * being a pool (no events stream, no calls of its own). One ioredis client and a BullMQ
 * `Queue` per lane on it (the queue, and each fair-share key's queue).
 *
 * - `read()`: one sample, a bounded number of commands whatever the backlog: the lanes'
 *   counts (the queue's own and at most `lanesPerRead` key lanes, in turn; the others as
 *   last read), whether the queue is paused, the hosts' adverts. Pipelined by ioredis
 *   (`enableAutoPipelining`): one or two round trips.
 * - `pause()` / `resume()`: every lane (BullMQ's own pause: hosts fetch nothing from a
 *   paused queue, new jobs wait in it).
 * - `cancel(id)`: a waiting job is removed; a running one gets the pools' cancel message,
 *   which aborts it on whichever host runs it (its thread is killed after `killGrace`).
 * - `retry(id)`: a failed job goes back to waiting (BullMQ `job.retry`), same id.
 * - `jobs(...)` / `job(id)`: recent failed jobs, jobs in flight, one job with its stack.
 *
 * A client that is not connected answers at once with `RedisUnavailableError` (no command
 * is queued for later), and every call is bounded by `timeout` ms.
 *
 * Over ~300 lines: one class per Redis client and its bounds; the reads and the actions
 * share the lane lookup and the bounded call, which is what a split would have to copy.
 */
import type { Job, JobType, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { TaskCancelledError, TaskTimeoutError } from '../index.js';
import { checks as v } from '../internal.js';
import { type AdvertRecord, readAdverts } from './adverts.js';
import { decodeError, decodeValue } from './codec.js';
import { connect, quit } from './connection.js';
import { JobNotFoundError, JobStateError, RedisUnavailableError } from './errors.js';
import { type Keys, keyQueue, keys } from './keys.js';
import {
  type NormalizedRedisQueueOptions,
  normalizeRedisQueueOptions,
  type RedisQueueOptions,
  redisQueueKeys,
} from './options.js';
import { bullmq } from './peers.js';
import type { JobCounts } from './types.js';

export interface ClusterAdminOptions extends RedisQueueOptions {
  /** Ms any one read or action may take before it fails with `RedisUnavailableError`. @default 2000 */
  readonly timeout?: number;
  /** Key lanes whose counts one `read()` refreshes (the others keep their last counts). @default 32 */
  readonly lanesPerRead?: number;
}

/** One sample of the queue. */
export interface ClusterRead {
  /** Job counts by BullMQ state, every lane added up. */
  readonly counts: JobCounts;
  /** The queue's own lane is paused. */
  readonly paused: boolean;
  /** The live hosts' adverts, with their histograms' data. */
  readonly adverts: readonly AdvertRecord[];
  /** Lanes: the queue and its keys' queues. */
  readonly lanes: number;
}

/** A job as the page lists it. */
export interface JobSummary {
  readonly id: string;
  readonly name: string;
  readonly key: string | null;
  /** BullMQ's state: waiting, prioritized, delayed, paused, active, completed, failed. */
  readonly state: string;
  /** Attempts made (BullMQ `attemptsMade`). */
  readonly attempts: number;
  /** Epoch ms: submitted, begun, ended. */
  readonly timestamp: number;
  readonly processedOn: number | null;
  readonly finishedOn: number | null;
  /** What a failed job's caller got, as workpool decodes it. */
  readonly error: Error | null;
  /** `failed`, `timedOut` or `cancelled`, for a failed job. */
  readonly outcome: 'failed' | 'timedOut' | 'cancelled' | null;
  /** The job's input, decoded (`undefined` when it cannot be). */
  readonly input: unknown;
}

/** An action's effect. */
export interface ActionResult {
  readonly id: string;
  /** The job's state when the action found it. */
  readonly was: string;
  /** `removed` (it was waiting), `signalled` (the cancel message went to the hosts), `retried`. */
  readonly done: 'removed' | 'signalled' | 'retried';
}

const noop = (): void => {};
const waitingStates: ReadonlySet<string> = new Set([
  'waiting',
  'prioritized',
  'delayed',
  'paused',
  'waiting-children',
]);

export class ClusterAdmin {
  readonly #o: NormalizedRedisQueueOptions;
  readonly #timeout: number;
  readonly #lanesPerRead: number;
  readonly #client: Redis;
  readonly #keys: Keys;
  readonly #lanes = new Map<string, { queue: Queue; counts: JobCounts }>();
  #turn = 0;

  private constructor(
    o: NormalizedRedisQueueOptions,
    timeout: number,
    lanesPerRead: number,
    client: Redis,
  ) {
    this.#o = o;
    this.#timeout = timeout;
    this.#lanesPerRead = lanesPerRead;
    this.#client = client;
    this.#keys = keys(o.prefix, o.queue);
  }

  /** Connects within `readyTimeout`; rejects `RedisUnavailableError` (and leaves nothing open). */
  static async open(options: ClusterAdminOptions): Promise<ClusterAdmin> {
    v.object('options', options);
    const o = normalizeRedisQueueOptions(options as unknown as Record<string, unknown>);
    v.knownKeys(
      'options',
      options as unknown as Record<string, unknown>,
      new Set([...redisQueueKeys, 'timeout', 'lanesPerRead']),
    );
    const timeout = options.timeout === undefined ? 2000 : v.number('timeout', options.timeout, 1);
    const lanesPerRead =
      options.lanesPerRead === undefined ? 32 : v.integer('lanesPerRead', options.lanesPerRead, 0);
    const client = await connect(
      { ...o, redis: { ...o.redis, enableAutoPipelining: true } },
      `workpool:admin:${o.queue}`,
    );
    client.setMaxListeners(0); // each lane's Queue listens on it
    return new ClusterAdmin(o, timeout, lanesPerRead, client);
  }

  /** `host:port` of Redis. */
  get address(): string {
    return this.#o.address;
  }

  get connected(): boolean {
    return this.#client.status === 'ready';
  }

  async read(): Promise<ClusterRead> {
    return this.#bounded(async () => {
      const keyed = await this.#client.smembers(this.#keys.keyed);
      const names = [this.#o.queue, ...keyed.map((k) => keyQueue(this.#o.queue, k))];
      for (const name of this.#lanes.keys()) if (!names.includes(name)) this.#lanes.delete(name);
      // The queue's own lane every time; key lanes in turn, at most `lanesPerRead` of them.
      const fresh = [names[0] as string];
      const others = names.length - 1;
      for (let i = 0; i < Math.min(this.#lanesPerRead, others); i++) {
        fresh.push(names[1 + ((this.#turn + i) % others)] as string);
      }
      this.#turn = others === 0 ? 0 : (this.#turn + fresh.length - 1) % others;
      const main = this.#lane(this.#o.queue).queue;
      const [counted, paused, adverts] = await Promise.all([
        Promise.all(fresh.map((name) => this.#lane(name).queue.getJobCounts())),
        main.isPaused(),
        readAdverts(this.#client, this.#keys),
      ]);
      fresh.forEach((name, i) => {
        this.#lane(name).counts = counted[i] ?? {};
      });
      const counts: Record<string, number> = {};
      for (const name of names)
        for (const [state, n] of Object.entries(this.#lane(name).counts))
          counts[state] = (counts[state] ?? 0) + n;
      return { counts, paused, adverts, lanes: names.length };
    });
  }

  /** Pauses every lane; resolves with how many. */
  async pause(): Promise<number> {
    return this.#bounded(async () => {
      const lanes = await this.#allLanes();
      await Promise.all(lanes.map((q) => q.pause()));
      return lanes.length;
    });
  }

  /** Resumes every lane; resolves with how many. */
  async resume(): Promise<number> {
    return this.#bounded(async () => {
      const lanes = await this.#allLanes();
      await Promise.all(lanes.map((q) => q.resume()));
      return lanes.length;
    });
  }

  /**
   * Cancels job `id`: removed if it waits, else (it runs) the cancel message goes to every
   * host. `JobNotFoundError` if no lane has it, `JobStateError` if it has ended.
   */
  async cancel(id: string): Promise<ActionResult> {
    return this.#bounded(async () => {
      const { queue, state } = await this.#find(id);
      if (waitingStates.has(state) && (await queue.remove(id)) === 1) {
        return { id, was: state, done: 'removed' };
      }
      if (state === 'completed' || state === 'failed') {
        throw new JobStateError(id, state, 'cancel');
      }
      // Running (or it began since the look): the host that holds it aborts it.
      await this.#client.publish(this.#keys.cancel, id);
      return { id, was: state, done: 'signalled' };
    });
  }

  /** Runs failed job `id` again (same id, back to waiting). */
  async retry(id: string): Promise<ActionResult> {
    return this.#bounded(async () => {
      const { queue, state } = await this.#find(id);
      if (state !== 'failed') throw new JobStateError(id, state, 'retry');
      const job = await queue.getJob(id);
      if (job === undefined) throw new JobNotFoundError(id);
      await job.retry('failed');
      return { id, was: state, done: 'retried' };
    });
  }

  /**
   * The newest `limit` jobs in `states` (each lane's newest, merged by time), from the
   * queue's own lane and the key lanes that had such jobs at the last `read()`, the fullest
   * `lanesPerRead` of them: bounded however many keys there are.
   */
  async jobs(states: readonly JobType[], limit: number): Promise<JobSummary[]> {
    return this.#bounded(async () => {
      const held = (counts: JobCounts): number =>
        states.reduce((n, state) => n + (counts[state] ?? 0), 0);
      const keyed = [...this.#lanes]
        .filter(([name, l]) => name !== this.#o.queue && held(l.counts) > 0)
        .sort((a, b) => held(b[1].counts) - held(a[1].counts))
        .slice(0, this.#lanesPerRead)
        .map(([, l]) => l.queue);
      const lanes = [this.#lane(this.#o.queue).queue, ...keyed];
      const found = await Promise.all(
        lanes.map((q) => q.getJobs([...states], 0, limit - 1, false)),
      );
      const all: JobSummary[] = [];
      for (const list of found)
        for (const job of list) if (job) all.push(summary(job as Job, stateOf(job as Job)));
      const time = (j: JobSummary): number => j.finishedOn ?? j.processedOn ?? j.timestamp;
      return all.sort((a, b) => time(b) - time(a)).slice(0, limit);
    });
  }

  /** Job `id` with its state; `JobNotFoundError` if no lane has it. */
  async job(id: string): Promise<JobSummary> {
    return this.#bounded(async () => {
      const { queue, state } = await this.#find(id);
      const job = await queue.getJob(id);
      if (job === undefined) throw new JobNotFoundError(id);
      return summary(job, state);
    });
  }

  /** Closes within `ms`. */
  async close(ms = 2000): Promise<void> {
    const lanes = [...this.#lanes.values()];
    this.#lanes.clear();
    await Promise.race([
      Promise.all(lanes.map((l) => l.queue.close().catch(noop))),
      new Promise((r) => setTimeout(r, ms).unref()),
    ]);
    await quit(this.#client, ms);
  }

  // ---- internals -------------------------------------------------------------------------

  #lane(name: string): { queue: Queue; counts: JobCounts } {
    let l = this.#lanes.get(name);
    if (l === undefined) {
      const queue = new bullmq.Queue(name, {
        connection: this.#client as never,
        prefix: this.#o.prefix,
      });
      queue.on('error', noop);
      l = { queue, counts: {} };
      this.#lanes.set(name, l);
    }
    return l;
  }

  async #allLanes(): Promise<Queue[]> {
    const keyed = await this.#client.smembers(this.#keys.keyed);
    return [this.#o.queue, ...keyed.map((k) => keyQueue(this.#o.queue, k))].map(
      (name) => this.#lane(name).queue,
    );
  }

  /** The lane holding job `id` (one round trip over every lane), and the job's state. */
  async #find(id: string): Promise<{ queue: Queue; state: string }> {
    const lanes = await this.#allLanes();
    const exists = await Promise.all(
      lanes.map((q) => this.#client.exists(keys(this.#o.prefix, q.name).job(id))),
    );
    const queue = lanes[exists.indexOf(1)];
    if (queue === undefined) throw new JobNotFoundError(id);
    const state = await queue.getJobState(id);
    if (state === 'unknown') throw new JobNotFoundError(id);
    return { queue, state };
  }

  /** Runs `fn` if connected, within the timeout; else `RedisUnavailableError`. */
  async #bounded<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.connected) {
      const error = new RedisUnavailableError(this.#o.address, 0);
      error.message = `Redis at ${this.#o.address} is not connected (${this.#client.status})`;
      throw error;
    }
    let timer: NodeJS.Timeout | undefined;
    const work = fn();
    work.catch(noop);
    try {
      return await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const error = new RedisUnavailableError(this.#o.address, this.#timeout);
            error.message = `Redis at ${this.#o.address} did not answer within ${this.#timeout} ms`;
            reject(error);
          }, this.#timeout);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function stateOf(job: Job): string {
  if (job.finishedOn !== undefined && job.finishedOn !== null)
    return job.failedReason ? 'failed' : 'completed';
  if (job.processedOn !== undefined && job.processedOn !== null) return 'active';
  return job.delay > 0 ? 'delayed' : 'waiting';
}

function summary(job: Job, state: string): JobSummary {
  const data = (job.data ?? {}) as { i?: unknown; k?: string };
  let input: unknown;
  try {
    input = decodeValue(data.i);
  } catch {
    input = undefined;
  }
  const error = state === 'failed' && job.failedReason ? decodeError(job.failedReason) : null;
  return {
    id: job.id ?? '',
    name: job.name,
    key: data.k ?? null,
    state,
    attempts: job.attemptsMade,
    timestamp: job.timestamp,
    processedOn: job.processedOn ?? null,
    finishedOn: job.finishedOn ?? null,
    error,
    outcome:
      error === null
        ? null
        : error instanceof TaskTimeoutError
          ? 'timedOut'
          : error instanceof TaskCancelledError
            ? 'cancelled'
            : 'failed',
    input,
  };
}
