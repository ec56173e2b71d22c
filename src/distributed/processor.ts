/**
 * The BullMQ processor of a worker host: each job goes to the host's ThreadPool, so the
 * event loop stays free to renew BullMQ's locks however CPU-bound the handlers are
 * (BullMQ #3183, #3078: an inline CPU-bound processor starves lock renewal and its jobs run
 * twice). The job's run timeout is the ThreadPool's: the handler's signal aborts, and its
 * thread is killed after `killGrace`.
 *
 * What a failure means to BullMQ: a timeout, a cancel, an unknown handler or an output
 * that cannot be serialized is final (`UnrecoverableError`, no retry, as locally); any other
 * error, a thread crash included, is retried if the job has attempts left.
 */
import type { Job, UnrecoverableError } from 'bullmq';
import {
  DataCloneError,
  type Task,
  TaskCancelledError,
  TaskTimeoutError,
  type ThreadPool,
  UnknownHandlerError,
  WorkerCrashedError,
} from '../index.js';
import { DurationHistogram, priorAttempts } from '../internal.js';
import { decodeValue, encodeError, encodeValue } from './codec.js';
import type { JobData } from './options.js';
import { bullmq } from './peers.js';
import { Turn } from './turn.js';

/** A job this host runs now: its thread tasks once handed over, or why it was stopped before. */
interface Running {
  tasks: readonly Task<unknown>[];
  stopped: TaskCancelledError | undefined;
}

/** Ms a cancel message is remembered for a job this host has not started (yet). */
const REMEMBER_CANCEL = 60_000;

export class Processor {
  readonly #threads: ThreadPool;
  readonly #turn = new Turn();
  readonly #running = new Map<string, Running>();
  /** Cancel messages for jobs not running here: the job may be on its way to this host. */
  readonly #cancelled = new Map<string, number>();
  /** Set by `handBack`: jobs stopped from now on go back to the queue, not to failed. */
  #handingBack = false;
  #waiters: (() => void)[] = [];
  completed = 0;
  failed = 0;
  /** Failed attempts BullMQ will try again (the job has attempts left). */
  retried = 0;
  lastStart = 0;
  /** Submit (the job's timestamp, the caller's clock) to start here, and start to end. */
  readonly waitTime = new DurationHistogram();
  readonly runTime = new DurationHistogram();

  constructor(threads: ThreadPool) {
    this.#threads = threads;
  }

  get running(): number {
    return this.#running.size;
  }

  /** The BullMQ processor function. */
  readonly process = async (job: Job, token?: string): Promise<string> => {
    const id = job.id ?? '';
    const data = job.data as JobData;
    this.lastStart = Date.now();
    this.waitTime.record(Math.max(0, this.lastStart - job.timestamp));
    const began = performance.now();
    if (data.q !== undefined && Date.now() > data.q) {
      throw this.#final(new TaskTimeoutError(data.qt ?? 0, 'queue'));
    }
    if (this.#cancelled.delete(id)) throw this.#final(new TaskCancelledError());
    const running: Running = { tasks: [], stopped: undefined };
    this.#running.set(id, running);
    try {
      const input = decodeValue(data.i);
      // ctx.attempt: the caller's attempt (a caller-side retry is a new job) plus BullMQ's.
      const prior = (data.a ?? 1) - 1 + job.attemptsMade;
      const options = {
        ...(data.t === undefined ? {} : { timeout: data.t }),
        ...(prior > 0 ? { [priorAttempts]: prior } : {}),
      };
      await this.#turn.next();
      if (running.stopped !== undefined) throw running.stopped;
      // A batch (`map`): every item on its own thread task; the first failure stops the rest.
      const items = data.b === 1 ? (input as unknown[]) : [input];
      running.tasks = items.map((item) => this.#submit(job.name, item, options));
      const results = Promise.all(running.tasks.map((t) => t.result));
      const value = data.b === 1 ? await results : (await results)[0];
      const out = encodeValue(value, 'output');
      this.completed++;
      this.runTime.record(performance.now() - began);
      return out;
    } catch (error) {
      for (const t of running.tasks) t.cancel(error);
      if (this.#handingBack && token !== undefined) {
        // Drain deadline passed: the job goes back to the queue at once, for another host
        // (not a failed attempt: BullMQ's attempt count is unchanged).
        await job.moveToWait(token);
        throw new bullmq.WaitingError();
      }
      this.failed++;
      this.runTime.record(performance.now() - began);
      if (
        error instanceof TaskTimeoutError ||
        error instanceof TaskCancelledError ||
        error instanceof UnknownHandlerError ||
        error instanceof DataCloneError
      ) {
        throw this.#final(error);
      }
      if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) this.retried++;
      throw new Error(encodeError(error));
    } finally {
      this.#running.delete(id);
      if (this.#running.size === 0) {
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const w of waiters) w();
      }
    }
  };

  /** A cancel message: aborts the job if it runs here, else remembers it for a while. */
  cancel(jobId: string): void {
    const running = this.#running.get(jobId);
    if (running !== undefined) {
      this.#stop(running, new TaskCancelledError('Task was cancelled by its caller'));
      return;
    }
    const now = Date.now();
    for (const [id, at] of this.#cancelled)
      if (now - at > REMEMBER_CANCEL) this.#cancelled.delete(id);
    this.#cancelled.set(jobId, now);
  }

  /** Resolves when nothing runs here. */
  idle(): Promise<void> {
    if (this.#running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Stops every running job and puts it back in the queue for another host. */
  handBack(): void {
    this.#handingBack = true;
    for (const running of this.#running.values()) {
      this.#stop(running, new TaskCancelledError('The worker host is shutting down'));
    }
  }

  /** Cancels a job's thread tasks (their result rejects `TaskCancelledError`), or its start. */
  #stop(running: Running, error: TaskCancelledError): void {
    running.stopped ??= error;
    for (const t of running.tasks) t.cancel(error);
  }

  /** A thread task of a job (the ThreadPool has no `maxQueue`, so there is always room). */
  #submit(name: string, input: unknown, options: object): Task<unknown> {
    const task = this.#threads.trySubmit(name, input, options);
    if (task === undefined) throw new WorkerCrashedError("The host's ThreadPool refused the job");
    return task;
  }

  #final(error: unknown): UnrecoverableError {
    return new bullmq.UnrecoverableError(encodeError(error));
  }
}
