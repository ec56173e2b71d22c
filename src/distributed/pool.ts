/**
 * `DistributedPool`: the ThreadPool's surface over a BullMQ queue. Jobs go to Redis; any
 * `startWorker` host runs them on its own ThreadPool; results come back on the queue's
 * events stream (one `QueueEvents` per pool), with a reconciliation read of Redis after a
 * reconnect and for calls that wait long, so each caller settles exactly once even when an
 * event was missed. Delivery is BullMQ's: at-least-once, a stalled job runs again.
 */
import { randomUUID } from 'node:crypto';
import {
  type CloseReport,
  Emitter,
  type Handler,
  type HandlerInput,
  type HandlerName,
  type HandlerOutput,
  PoolClosedError,
  QueueFullError,
  Task,
  TaskCancelledError,
  UnknownHandlerError,
} from '../index.js';
import { checks as v } from '../internal.js';
import { type AdvertRecord, readAdverts } from './adverts.js';
import { type Call, Calls } from './calls.js';
import { clusterStats } from './cluster.js';
import { encodeValue } from './codec.js';
import { within } from './connection.js';
import { jobCounts, waitingJobs } from './counts.js';
import { keyQueue } from './keys.js';
import { type DistributedMapOptions, mapJobs } from './map.js';
import { PoolMeters } from './meters.js';
import {
  type DistributedTaskOptions,
  type JobData,
  jobOptions,
  normalizeDistributedTaskOptions,
} from './options.js';
import { closeParts, laneOf, openEvents, openParts, type Parts } from './parts.js';
import {
  type DistributedPoolOptions,
  type NormalizedPoolOptions,
  normalizePoolOptions,
} from './pool-options.js';
import { Results } from './results.js';
import type { DistributedTask } from './task.js';

export type { DistributedPoolOptions };

import type { DistributedPoolEvents, DistributedRunArgs, DistributedStats } from './types.js';

const noop = (): void => {};

/**
 * Runs handlers of a task module on worker hosts through Redis.
 *
 * ```ts
 * const pool = new DistributedPool<typeof import('./tasks.js')>({ connection: 'redis://localhost:6379', queue: 'images' });
 * const out = await pool.run('resize', bytes, { timeout: 5000, retries: 2 });
 * await pool.close();
 * ```
 */
export class DistributedPool<M = Record<string, Handler>> implements AsyncDisposable {
  readonly #o: NormalizedPoolOptions;
  readonly #calls = new Calls();
  readonly #listeners = new Emitter<DistributedPoolEvents>();
  readonly #meters = new PoolMeters();
  readonly #ready: Promise<Parts>;
  #parts: Parts | undefined;
  #results: Results | undefined;
  #adverts: readonly AdvertRecord[] = [];
  #advertsAt = Number.NEGATIVE_INFINITY;
  #closing: Promise<CloseReport> | undefined;
  #stopped = false;
  #roomWaiters: (() => void)[] = [];
  #queued = 0;
  /** Fair-share keys this pool has put in the `keyed` set. */
  readonly #keyed = new Set<string>();

  constructor(options: DistributedPoolOptions) {
    this.#o = normalizePoolOptions(options);
    this.#ready = this.#start();
    this.#ready.catch(noop);
  }

  /** Resolves once Redis is connected and checked; rejects `RedisUnavailableError` or `RedisConfigError`. */
  async ready(): Promise<void> {
    await this.#ready;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  on<K extends keyof DistributedPoolEvents>(
    event: K,
    listener: (e: DistributedPoolEvents[K]) => void,
  ): this {
    this.#listeners.on(event, listener);
    return this;
  }

  off<K extends keyof DistributedPoolEvents>(
    event: K,
    listener: (e: DistributedPoolEvents[K]) => void,
  ): this {
    this.#listeners.off(event, listener);
    return this;
  }

  /** Runs handler `name` with `input` on some worker host; resolves with its result. */
  async run<K extends HandlerName<M>>(
    name: K,
    ...args: DistributedRunArgs<M, K>
  ): Promise<HandlerOutput<M, K>> {
    const task = await this.submit(name, ...args);
    return task.result;
  }

  /** Resolves with a task once its job is in Redis (waiting while `maxQueue` is reached). */
  async submit<K extends HandlerName<M>>(
    name: K,
    ...args: DistributedRunArgs<M, K>
  ): Promise<DistributedTask<HandlerOutput<M, K>>> {
    const [input, options] = args;
    return this.#submit<HandlerOutput<M, K>>(name, input, options, false);
  }

  /**
   * Runs handler `name` over `source`, lazily: `batch` items travel in one job (a worker
   * runs them on its threads at once and returns their results together), which spreads
   * a job's Redis round trips over several items; at most `window` jobs are in flight.
   * Results come in input order (`ordered`, the default) or as jobs finish. The first
   * error stops the map and cancels its jobs in flight, as does breaking out of the loop.
   */
  map<K extends HandlerName<M>>(
    name: K,
    source: Iterable<HandlerInput<M, K>> | AsyncIterable<HandlerInput<M, K>>,
    options?: DistributedMapOptions,
  ): AsyncIterableIterator<HandlerOutput<M, K>> {
    v.string('name', name);
    return mapJobs(
      source,
      (batch, taskOptions) => this.#submit<HandlerOutput<M, K>[]>(name, batch, taskOptions, true),
      options,
    );
  }

  async #submit<R>(
    name: string,
    input: unknown,
    options: DistributedTaskOptions | undefined,
    batch: boolean,
  ): Promise<DistributedTask<R>> {
    const { call, task } = this.#prepare<R>(name, input, options, batch);
    try {
      const parts = await this.#ready;
      // Adverts as of at most `advertInterval` ago; an unknown name is looked up afresh.
      if (!this.#knows(name) || performance.now() - this.#advertsAt > this.#o.advertInterval)
        await this.#refreshAdverts();
      this.#checkHandler(name);
      if (this.#o.maxQueue !== Number.POSITIVE_INFINITY) await this.#room(parts);
      await this.#add(parts, call);
    } catch (error) {
      this.#calls.settle(call, false, error);
      throw error;
    }
    return task;
  }

  /**
   * A task if there is room now (as last counted), else `undefined`; never waits. Its job
   * is written in the background: a failure to write rejects `task.result`. Throws
   * `PoolClosedError` once closed, `UnknownHandlerError` for a handler no worker advertises.
   */
  trySubmit<K extends HandlerName<M>>(
    name: K,
    ...args: DistributedRunArgs<M, K>
  ): DistributedTask<HandlerOutput<M, K>> | undefined {
    const [input, options] = args;
    if (this.#queued >= this.#o.maxQueue) return undefined;
    this.#checkHandler(name);
    const { call, task } = this.#prepare<HandlerOutput<M, K>>(name, input, options, false);
    this.#ready
      .then(
        (parts) => this.#add(parts, call),
        (error: unknown) => this.#calls.settle(call, false, error),
      )
      .catch((error: unknown) => this.#calls.settle(call, false, error));
    return task;
  }

  /** Local figures now; `clusterStats()` reads Redis for the whole cluster's. */
  stats(): DistributedStats {
    return this.#meters.snapshot(
      this.#calls,
      this.#adverts,
      this.#parts !== undefined,
      this.closed,
    );
  }

  /**
   * `stats()` with `cluster`, the whole cluster's figures read from Redis now: job counts
   * over all lanes, and the worker hosts' adverts (their counts, throughput and merged
   * latency histograms), see cluster.ts.
   */
  async clusterStats(): Promise<DistributedStats> {
    const parts = await this.#ready;
    const [counts] = await Promise.all([jobCounts(parts, this.#o), this.#refreshAdverts()]);
    const cluster = clusterStats(counts, this.#adverts, Date.now());
    this.#meters.cluster = cluster;
    this.#queued = cluster.waiting;
    return this.stats();
  }

  /**
   * Graceful: refuses new work, waits up to `timeout` ms for every accepted call to
   * settle, then rejects the rest with `PoolClosedError` (their jobs stay in Redis and
   * still run) and disconnects, within the same deadline even if Redis is gone.
   */
  close(options: { readonly timeout?: number } = {}): Promise<CloseReport> {
    const timeout =
      options.timeout === undefined
        ? Number.POSITIVE_INFINITY
        : v.number('timeout', options.timeout, 0, true);
    this.#closing ??= this.#close(timeout);
    return this.#closing;
  }

  /** Forced: cancels every call's job (removed if queued, aborted where it runs) and disconnects. */
  terminate(reason?: unknown): Promise<CloseReport> {
    if (this.#closing !== undefined) return this.#closing;
    for (const call of this.#calls.all()) this.#cancel(call, reason);
    this.#closing = this.#close(2000);
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- internals -------------------------------------------------------------------------

  #prepare<R>(
    name: string,
    input: unknown,
    options: DistributedTaskOptions | undefined,
    batch: boolean,
  ): { call: Call; task: DistributedTask<R> } {
    if (this.#closing !== undefined) throw new PoolClosedError();
    v.string('name', name);
    const o = normalizeDistributedTaskOptions(options);
    if (o.signal?.aborted)
      throw new TaskCancelledError('Task was cancelled', { cause: o.signal.reason });
    const encoded = encodeValue(input, 'input');
    const id = o.id ?? randomUUID();
    const now = performance.now();
    let resolve: (value: unknown) => void = noop;
    const result = new Promise<R>((r) => {
      resolve = r as (value: unknown) => void;
    });
    result.catch(noop); // a result nobody awaits never raises an unhandled rejection
    const call: Call = {
      jobId: id,
      id,
      name,
      queue: o.key === undefined ? this.#o.queue : keyQueue(this.#o.queue, o.key),
      input: encoded,
      batch,
      options: o,
      attempt: 1,
      state: 'adding',
      submittedAt: now,
      startedAt: undefined,
      checkedAt: now,
      resolve,
      cleanup: undefined,
    };
    this.#calls.add(call);
    this.#meters.submitted++;
    const signal = o.signal;
    if (signal !== undefined) {
      const onAbort = (): void => this.#cancel(call, signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      call.cleanup = () => signal.removeEventListener('abort', onAbort);
    }
    return {
      call,
      task: new Task<R, string>(id, result, (reason) => this.#cancel(call, reason)),
    };
  }

  /** Writes the call's current job to Redis; the call is `queued` once BullMQ has it. */
  async #add(parts: Parts, call: Call, delay = 0): Promise<void> {
    const o = call.options;
    const data: JobData = {
      i: call.input,
      ...(call.batch ? { b: 1 as const } : {}),
      ...(o.timeout === Number.POSITIVE_INFINITY ? {} : { t: o.timeout }),
      ...(o.queueTimeout === Number.POSITIVE_INFINITY
        ? {}
        : { q: Date.now() + o.delay + delay + o.queueTimeout, qt: o.queueTimeout }),
      ...(o.key === undefined ? {} : { k: o.key }),
      ...(call.attempt > 1 ? { a: call.attempt } : {}),
    };
    if (call.state === 'settled') return; // cancelled while it waited for room
    const opts = jobOptions(o, call.jobId, this.#o);
    if (delay > 0) opts.delay = (opts.delay ?? 0) + delay;
    const lane = laneOf(parts, this.#o, call.queue);
    if (lane.events === undefined)
      await openEvents(parts, this.#o, lane, (events) => this.#results?.listen(events));
    const k = this.#results?.keys ?? never();
    if (o.key !== undefined && !this.#keyed.has(o.key)) {
      await parts.client.sadd(k.keyed, o.key); // hosts look for keys here
      this.#keyed.add(o.key);
    }
    await lane.queue.add(call.name, data, opts);
    // Wake hosts idle on keyed work (a missed ring costs a host's keyPoll at most).
    if (o.key !== undefined) parts.client.publish(k.ring, o.key).catch(noop);
    if (call.state === 'adding') call.state = 'queued';
    this.#queued++;
    this.#results?.watch(call);
    // A reused id may name a job that had already finished: no event will come for it.
    if (o.id !== undefined) await this.#results?.check([call]);
  }

  async #start(): Promise<Parts> {
    const parts = await openParts(this.#o, () => this.#stopped);
    const host = {
      roomMade: () => this.#roomMade(),
      readd: (call: Call, delay: number) => {
        call.attempt++;
        this.#calls.move(call, `${call.id}-r${call.attempt}`);
        call.state = 'adding';
        return this.#add(parts, call, delay).catch((error: unknown) => {
          this.#calls.settle(call, false, error);
        });
      },
    };
    this.#results = new Results(host, parts, this.#o, this.#calls, this.#meters, this.#listeners);
    this.#parts = parts;
    await this.#refreshAdverts();
    return parts;
  }

  async #refreshAdverts(): Promise<void> {
    const parts = this.#parts;
    if (parts === undefined) return;
    try {
      this.#adverts = await readAdverts(parts.client, this.#results?.keys ?? never());
      this.#advertsAt = performance.now();
    } catch {}
  }

  #knows(name: string): boolean {
    if (this.#adverts.length === 0) return true;
    return this.#adverts.some((a) => a.handlers.includes(name));
  }

  /** Unknown handler names are refused once some worker has advertised its handlers. */
  #checkHandler(name: string): void {
    if (this.#knows(name)) return;
    const available = [...new Set(this.#adverts.flatMap((a) => a.handlers))].sort();
    throw new UnknownHandlerError(name, available);
  }

  /** Waits while `maxQueue` jobs wait (all pools together), or rejects with `overflow: 'reject'`. */
  async #room(parts: Parts): Promise<void> {
    for (;;) {
      this.#queued = await waitingJobs(parts, this.#o);
      if (this.#queued < this.#o.maxQueue) return;
      if (this.#o.overflow === 'reject') {
        this.#meters.rejected++;
        throw new QueueFullError(this.#o.maxQueue);
      }
      if (this.#closing !== undefined) throw new PoolClosedError();
      // A job leaving the queue anywhere shows on the events stream; a second's poll
      // bounds the wait when another pool's events are not ours to see.
      this.#meters.blocked++;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.#roomWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.#meters.blocked--;
    }
  }

  /** A job left the queue (started, removed): `maxQueue` waiters look again. */
  #roomMade(): void {
    if (this.#queued > 0) this.#queued--;
    const waiters = this.#roomWaiters;
    this.#roomWaiters = [];
    for (const w of waiters) w();
  }

  #cancel(call: Call, reason: unknown): void {
    const error = new TaskCancelledError(
      'Task was cancelled',
      reason === undefined ? undefined : { cause: reason },
    );
    if (!this.#calls.settle(call, false, error)) return;
    this.#meters.ended('cancelled', call);
    this.#listeners.emit('end', { id: call.id, name: call.name, outcome: 'cancelled', error });
    // Other callers of the same (idempotent) job still want it.
    if (this.#calls.of(call.jobId).length > 0) return;
    this.#results?.stop(call).catch(noop);
  }

  async #close(timeout: number): Promise<CloseReport> {
    const started = performance.now();
    const drained = await within(this.#calls.idle(), timeout);
    if (!drained) {
      const error = new PoolClosedError(
        'Pool closed before the job finished; the job stays in Redis and still runs',
      );
      for (const call of this.#calls.all()) this.#calls.settle(call, false, error);
    }
    this.#stopped = true;
    for (const w of this.#roomWaiters) w();
    const left =
      timeout === Number.POSITIVE_INFINITY ? 5000 : timeout - (performance.now() - started);
    const parts = this.#parts;
    this.#results?.dispose();
    if (parts !== undefined) await closeParts(parts, left);
    return this.#meters.report();
  }
}

function never(): never {
  throw new Error('unreachable: results exist once connected');
}
