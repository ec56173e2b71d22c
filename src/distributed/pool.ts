/**
 * `DistributedPool`: the ThreadPool's surface over a BullMQ queue. Jobs go to Redis; any
 * `startWorker` host runs them on its own ThreadPool; results come back on the queue's
 * events stream (one `QueueEvents` per pool), with a reconciliation read of Redis after a
 * reconnect and for calls that wait long, so each caller settles exactly once even when an
 * event was missed. Delivery is BullMQ's: at-least-once, a stalled job runs again.
 *
 * Over ~300 lines: it is the public surface (run, submit, trySubmit, map, stats, close,
 * terminate), each a few lines over the parts it wires (jobs.ts, room.ts, handlers.ts,
 * results.ts, calls.ts), plus the one place a call is refused or counted.
 */
import {
  type CloseReport,
  Emitter,
  type Handler,
  type HandlerInput,
  type HandlerName,
  type HandlerOutput,
  PoolClosedError,
  TaskCancelledError,
} from '../index.js';
import { checks as v } from '../internal.js';
import { type Call, Calls } from './calls.js';
import { clusterStats } from './cluster.js';
import { within } from './connection.js';
import { jobCounts } from './counts.js';
import { KnownHandlers } from './handlers.js';
import { JobWriter, newCall } from './jobs.js';
import { type Keys, keys } from './keys.js';
import { type DistributedMapOptions, mapJobs } from './map.js';
import { PoolMeters } from './meters.js';
import type { DistributedTaskOptions } from './options.js';
import { closeParts, openParts, type Parts } from './parts.js';
import {
  type DistributedPoolOptions,
  type NormalizedPoolOptions,
  normalizePoolOptions,
} from './pool-options.js';
import { Results } from './results.js';
import { Room } from './room.js';
import type { DistributedTask } from './task.js';
import type { DistributedPoolEvents, DistributedRunArgs, DistributedStats } from './types.js';

const closeKeys: ReadonlySet<string> = new Set(['timeout']);

export type { DistributedPoolOptions };

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
  readonly #handlers: KnownHandlers;
  readonly #room: Room;
  readonly #keys: Keys;
  #parts: Parts | undefined;
  #results: Results | undefined;
  #writer: JobWriter | undefined;
  #closing: Promise<CloseReport> | undefined;
  #stopped = false;

  constructor(options: DistributedPoolOptions) {
    this.#o = normalizePoolOptions(options);
    this.#handlers = new KnownHandlers(this.#o.advertInterval);
    this.#room = new Room(this.#o, this.#meters);
    this.#keys = keys(this.#o.prefix, this.#o.queue);
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
      await this.#handlers.fresh(parts.client, this.#keys, name);
      this.#handlers.check(name);
      await this.#room.wait(parts, () => this.#closing !== undefined);
      await this.#write(call);
    } catch (error) {
      this.#refuse(call, error);
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
    if (!this.#room.free) return undefined;
    try {
      this.#handlers.check(name);
    } catch (error) {
      this.#meters.rejected++;
      throw error;
    }
    const { call, task } = this.#prepare<HandlerOutput<M, K>>(name, input, options, false);
    const refuse = (error: unknown): void => this.#refuse(call, error);
    this.#ready.then(() => this.#write(call), refuse).catch(refuse);
    return task;
  }

  /** Local figures now; `clusterStats()` reads Redis for the whole cluster's. */
  stats(): DistributedStats {
    return this.#meters.snapshot(
      this.#calls,
      this.#handlers.adverts,
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
    const [counts] = await Promise.all([
      jobCounts(parts, this.#o),
      this.#handlers.refresh(parts.client, this.#keys),
    ]);
    const cluster = clusterStats(counts, this.#handlers.adverts, Date.now());
    this.#meters.cluster = cluster;
    this.#room.queued = cluster.waiting;
    return this.stats();
  }

  /**
   * Graceful: refuses new work, waits up to `timeout` ms for every accepted call to
   * settle, then rejects the rest with `PoolClosedError` (their jobs stay in Redis and
   * still run) and disconnects, within the same deadline even if Redis is gone.
   */
  close(options: { readonly timeout?: number } = {}): Promise<CloseReport> {
    v.closeOptions(options, closeKeys);
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
    const { call, task } = newCall<R>(this.#o.queue, name, input, options, batch, (c, reason) =>
      this.#cancel(c, reason),
    );
    this.#calls.add(call);
    this.#meters.submitted++;
    return { call, task };
  }

  /**
   * A call whose job never got into Redis (an unknown handler, a full queue, Redis out of
   * reach, the pool closing): it was counted `submitted` when made, and is now `rejected`
   * instead, so `submitted` stays the sum of the outcomes and what is pending.
   */
  #refuse(call: Call, error: unknown): void {
    if (!this.#calls.settle(call, false, error)) return;
    this.#meters.submitted--;
    this.#meters.rejected++;
  }

  /** Writes the call's job (once connected: the writer exists from then on). */
  #write(call: Call, delay = 0): Promise<void> {
    return (this.#writer ?? never()).add(call, delay);
  }

  async #start(): Promise<Parts> {
    const parts = await openParts(this.#o, () => this.#stopped);
    const host = {
      roomMade: () => this.#room.made(),
      readd: (call: Call, delay: number) => {
        call.attempt++;
        this.#calls.move(call, `${call.id}-r${call.attempt}`);
        call.state = 'adding';
        return this.#write(call, delay).catch((error: unknown) => {
          this.#calls.settle(call, false, error);
        });
      },
    };
    const results = new Results(host, parts, this.#o, this.#calls, this.#meters, this.#listeners);
    this.#results = results;
    this.#writer = new JobWriter(this.#o, parts, results, this.#room);
    this.#parts = parts;
    await this.#handlers.refresh(parts.client, this.#keys);
    return parts;
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
      // The caller stops waiting (the jobs go on in Redis): counted and told as cancelled.
      for (const call of [...this.#calls.all()]) {
        if (!this.#calls.settle(call, false, error)) continue;
        this.#meters.ended('cancelled', call);
        this.#listeners.emit('end', { id: call.id, name: call.name, outcome: 'cancelled', error });
      }
    }
    this.#stopped = true;
    this.#room.wake();
    const left =
      timeout === Number.POSITIVE_INFINITY ? 5000 : timeout - (performance.now() - started);
    const parts = this.#parts;
    this.#results?.dispose();
    if (parts !== undefined) await closeParts(parts, left);
    return this.#meters.report();
  }
}

function never(): never {
  throw new Error('unreachable: the writer exists once connected');
}
