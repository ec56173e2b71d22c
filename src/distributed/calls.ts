/**
 * The callers a DistributedPool owes an answer, by BullMQ job id (several callers share a
 * job when they submit the same idempotency `id`). A call's state is one field; `settle`
 * is the only way out of the table, and it runs at most once per call, whichever of the
 * events stream, a reconciliation read, a cancel or a shutdown gets there first.
 */
import type { NormalizedDistributedTaskOptions } from './options.js';

/**
 * - `adding`: the job is being written to Redis (not yet accepted);
 * - `queued`: the job is in Redis, not started;
 * - `expiring`: queued past its `queueTimeout`; the pool is removing it from Redis;
 * - `running`: a worker took it (BullMQ's `active` event);
 * - `settled`: the caller has its answer; nothing changes it again.
 */
export type CallState = 'adding' | 'queued' | 'expiring' | 'running' | 'settled';

export interface Call {
  /** The current attempt's job (a caller-side retry is a new job: `<id>-r<n>`). */
  jobId: string;
  /** The first job's id (the task's id). */
  readonly id: string;
  readonly name: string;
  /** The BullMQ queue its job is in: the pool's queue, or its key's (`keyQueue`). */
  readonly queue: string;
  /** The encoded input, kept for caller-side retries. */
  readonly input: string;
  /** The input is an array of items, each run on its own (`map`'s batches). */
  readonly batch: boolean;
  readonly options: NormalizedDistributedTaskOptions;
  /** 1 for the first job, 2 for the first caller-side retry, ... */
  attempt: number;
  state: CallState;
  readonly submittedAt: number;
  startedAt: number | undefined;
  /** When a reconciliation last read its job (`performance.now()`; first: when submitted). */
  checkedAt: number;
  /** Resolves the caller's promise (a failure is passed as a rejected promise). */
  readonly resolve: (value: unknown) => void;
  /** Removes the signal listener and the queue timer. */
  cleanup: (() => void) | undefined;
}

export class Calls {
  readonly #byJob = new Map<string, Set<Call>>();
  #size = 0;
  #idle: (() => void)[] = [];

  get size(): number {
    return this.#size;
  }

  /** Resolves when no call waits. */
  idle(): Promise<void> {
    if (this.#size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  add(call: Call): void {
    let set = this.#byJob.get(call.jobId);
    if (set === undefined) {
      set = new Set();
      this.#byJob.set(call.jobId, set);
    }
    set.add(call);
    this.#size++;
  }

  /** The calls waiting on job `jobId` (a copy: settling removes from the table). */
  of(jobId: string): Call[] {
    const set = this.#byJob.get(jobId);
    return set === undefined ? [] : [...set];
  }

  /** Moves a call to a new job (a caller-side retry). */
  move(call: Call, jobId: string): void {
    this.#delete(call);
    call.jobId = jobId;
    this.add(call);
  }

  /** Job ids with calls waiting, each once. */
  jobIds(): string[] {
    return [...this.#byJob.keys()];
  }

  all(): Call[] {
    const out: Call[] = [];
    for (const set of this.#byJob.values()) out.push(...set);
    return out;
  }

  /**
   * Ends a call: `ok` resolves with `value`, else rejects with it. False (and nothing
   * done) if the call had already settled.
   */
  settle(call: Call, ok: boolean, value: unknown): boolean {
    if (call.state === 'settled') return false;
    call.state = 'settled';
    this.#delete(call);
    call.cleanup?.();
    call.cleanup = undefined;
    if (ok) call.resolve(value);
    else {
      const rejected = Promise.reject(value);
      rejected.catch(() => {});
      call.resolve(rejected);
    }
    if (this.#size === 0 && this.#idle.length > 0) {
      const waiters = this.#idle;
      this.#idle = [];
      for (const w of waiters) w();
    }
    return true;
  }

  #delete(call: Call): void {
    const set = this.#byJob.get(call.jobId);
    if (set === undefined || !set.delete(call)) return;
    this.#size--;
    if (set.size === 0) this.#byJob.delete(call.jobId);
  }
}
