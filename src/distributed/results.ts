/**
 * How a DistributedPool learns the fate of its jobs. The events stream (BullMQ
 * `QueueEvents`: `active`, `completed`, `failed`, `removed`) is the fast path. It can miss
 * events (the stream is trimmed to ~10k entries, a job may finish before a reused id is
 * submitted), so a reconciliation reads the job from Redis: after the pool's connection
 * comes back, for calls that have waited a `reconcileInterval`, and for a reused id.
 * Whichever answer comes first settles the call (`Calls.settle` runs once).
 */
import type { QueueEvents } from 'bullmq';
import {
  DataCloneError,
  type Emitter,
  type Outcome,
  TaskCancelledError,
  TaskDroppedError,
  TaskTimeoutError,
} from '../index.js';
import { retryDelay } from '../internal.js';
import type { Call, Calls } from './calls.js';
import { decodeError, decodeValue } from './codec.js';
import { type Keys, keys } from './keys.js';
import type { PoolMeters } from './meters.js';
import { retriedByBull } from './options.js';
import type { Parts } from './parts.js';
import type { DistributedPoolEvents } from './types.js';

export interface ResultsHost {
  /** A job left the queue (started or removed): `maxQueue` waiters may go on. */
  roomMade(): void;
  /** Writes `call`'s next attempt (a new job id) with `delay` ms. */
  readd(call: Call, delay: number): Promise<void>;
}

const noop = (): void => {};

/** Most calls one reconciliation sweep reads. */
const SWEEP = 256;

export class Results {
  readonly keys: Keys;
  readonly #prefix: string;
  readonly #host: ResultsHost;
  readonly #parts: Parts;
  readonly #calls: Calls;
  readonly #meters: PoolMeters;
  readonly #listeners: Emitter<DistributedPoolEvents>;
  readonly #sweep: NodeJS.Timeout;
  #healthy = true;

  constructor(
    host: ResultsHost,
    parts: Parts,
    o: { readonly prefix: string; readonly queue: string; readonly reconcileInterval: number },
    calls: Calls,
    meters: PoolMeters,
    listeners: Emitter<DistributedPoolEvents>,
  ) {
    this.keys = keys(o.prefix, o.queue);
    this.#prefix = o.prefix;
    this.#host = host;
    this.#parts = parts;
    this.#calls = calls;
    this.#meters = meters;
    this.#listeners = listeners;
    if (parts.main.events !== undefined) this.listen(parts.main.events);
    const { client } = parts;
    client.on('close', () => this.#health(false));
    client.on('ready', () => this.#health(true));
    this.#sweep = setInterval(() => {
      this.check(this.#due(o.reconcileInterval)).catch(noop);
    }, o.reconcileInterval);
    this.#sweep.unref();
  }

  /** Takes the answers of one lane's jobs from its events stream. */
  listen(events: QueueEvents): void {
    events.on('active', ({ jobId }) => this.#active(jobId));
    events.on('completed', ({ jobId, returnvalue }) => this.#completed(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => this.#failed(jobId, failedReason));
    events.on('removed', ({ jobId }) => this.#removed(jobId));
  }

  /** Starts the caller-side queue timeout of a call now in Redis. */
  watch(call: Call): void {
    const o = call.options;
    if (o.queueTimeout === Number.POSITIVE_INFINITY) return;
    const timer = setTimeout(() => {
      if (call.state !== 'queued') return;
      call.state = 'expiring';
      this.#queue(call)
        .remove(call.jobId)
        .then((removed) => {
          if (removed !== 1) {
            if (call.state === 'expiring') call.state = 'queued'; // a worker took it meanwhile
            return;
          }
          const error = new TaskTimeoutError(o.queueTimeout, 'queue');
          this.#settle(call, false, error, 'timedOut');
        }, noop);
    }, o.delay + o.queueTimeout);
    timer.unref();
    const previous = call.cleanup;
    call.cleanup = () => {
      clearTimeout(timer);
      previous?.();
    };
  }

  /**
   * Stops a job nobody waits for any more: removed if it is not running (BullMQ refuses
   * to remove a locked job), else a cancel message reaches the worker host running it.
   */
  async stop(call: Call): Promise<void> {
    const removed = await this.#queue(call).remove(call.jobId);
    if (removed !== 1) await this.#parts.client.publish(this.keys.cancel, call.jobId);
  }

  /**
   * Reads the jobs of `calls` from Redis (each job once, in its lane's keys) and settles
   * the calls of those that have finished or are gone.
   */
  async check(calls: readonly Call[]): Promise<void> {
    const jobs = new Map<string, string>(); // job id -> lane
    for (const call of calls) if (call.state !== 'adding') jobs.set(call.jobId, call.queue);
    if (jobs.size === 0) return;
    const ids = [...jobs.keys()];
    const pipe = this.#parts.client.pipeline();
    for (const [id, lane] of jobs) {
      const k = keys(this.#prefix, lane);
      pipe.hmget(k.job(id), 'returnvalue', 'failedReason');
      pipe.zscore(k.completed, id);
      pipe.zscore(k.failed, id);
      pipe.exists(k.job(id));
    }
    const replies = (await pipe.exec()) ?? [];
    ids.forEach((id, i) => {
      const [fields, completed, failed, exists] = replies
        .slice(i * 4, i * 4 + 4)
        .map((r) => r?.[1]);
      const [returnvalue, failedReason] = (fields as (string | null)[] | undefined) ?? [];
      if (completed !== null && completed !== undefined) {
        this.#completed(id, returnvalue == null ? undefined : JSON.parse(returnvalue));
      } else if (failed !== null && failed !== undefined) {
        this.#failed(id, failedReason ?? undefined);
      } else if (exists === 0) {
        const error = new TaskDroppedError(
          'The job is no longer in Redis (removed, or expired by removeOnComplete/removeOnFail before its result was read)',
        );
        for (const call of this.#calls.of(id))
          if (call.state !== 'adding') this.#settle(call, false, error, 'failed');
      }
    });
  }

  dispose(): void {
    clearInterval(this.#sweep);
  }

  #queue(call: Call) {
    return (this.#parts.lanes.get(call.queue) ?? this.#parts.main).queue;
  }

  /**
   * The calls a sweep reads: at most SWEEP of the calls not read for `interval` ms, longest
   * unread first. Bounded, so a backlog of thousands of waiting calls costs Redis a few
   * hundred reads per sweep, not thousands (a missed event is rare: the stream is read
   * continuously, and a reconnect reads every call at once).
   */
  #due(interval: number): Call[] {
    const now = performance.now();
    const due = this.#calls
      .all()
      .filter((call) => call.state !== 'adding' && now - call.checkedAt >= interval)
      .sort((a, b) => a.checkedAt - b.checkedAt)
      .slice(0, SWEEP);
    for (const call of due) call.checkedAt = now;
    return due;
  }

  #health(healthy: boolean): void {
    if (healthy === this.#healthy) return;
    this.#healthy = healthy;
    this.#listeners.emit('health', { healthy });
    // Back after an outage: whatever finished meanwhile may have no event for us.
    if (healthy) this.check(this.#calls.all()).catch(noop);
  }

  #active(jobId: string): void {
    const calls = this.#calls.of(jobId);
    if (calls.length === 0) return;
    this.#host.roomMade();
    const now = performance.now();
    for (const call of calls) {
      // Again when its host died and another took it: each start is reported.
      if (call.state !== 'running') this.#meters.began(call);
      call.state = 'running';
      call.startedAt = now;
      this.#listeners.emit('start', {
        id: call.id,
        name: call.name,
        waitMs: now - call.submittedAt,
      });
    }
  }

  #completed(jobId: string, returnvalue: unknown): void {
    const calls = this.#calls.of(jobId);
    if (calls.length === 0) return;
    let ok = true;
    let value: unknown;
    try {
      value = decodeValue(returnvalue);
    } catch (cause) {
      ok = false;
      value = new DataCloneError('output', { cause });
    }
    for (const call of calls) this.#settle(call, ok, value, ok ? 'completed' : 'failed');
  }

  #failed(jobId: string, failedReason: unknown): void {
    const calls = this.#calls.of(jobId);
    if (calls.length === 0) return;
    for (const call of calls) {
      const error = decodeError(failedReason); // one error object per caller
      const policy = call.options.retries;
      const delay =
        policy === undefined || retriedByBull(policy)
          ? undefined
          : retryDelay(policy, error, call.attempt);
      if (delay !== undefined) {
        this.#meters.retried++;
        this.#listeners.emit('retry', {
          id: call.id,
          attempt: call.attempt,
          delayMs: delay,
          error,
        });
        this.#host.readd(call, delay).catch(noop);
        continue;
      }
      const outcome: Outcome =
        error instanceof TaskTimeoutError
          ? 'timedOut'
          : error instanceof TaskCancelledError
            ? 'cancelled'
            : 'failed';
      this.#settle(call, false, error, outcome);
    }
  }

  #removed(jobId: string): void {
    const calls = this.#calls.of(jobId);
    if (calls.length === 0) return;
    this.#host.roomMade();
    for (const call of calls) {
      if (call.state === 'adding' || call.state === 'expiring') continue;
      this.#settle(
        call,
        false,
        new TaskCancelledError('The job was removed from Redis'),
        'cancelled',
      );
    }
  }

  #settle(call: Call, ok: boolean, value: unknown, outcome: Outcome): void {
    if (!this.#calls.settle(call, ok, value)) return;
    this.#meters.ended(outcome, call);
    this.#listeners.emit('end', {
      id: call.id,
      name: call.name,
      outcome,
      ...(ok ? {} : { error: value }),
    });
  }
}
