import { type ResourceLimits, type TransferListItem, Worker } from 'node:worker_threads';
import { DataCloneError } from '../../errors.js';
import type { ExecutorHooks, Job } from '../../types.js';
import { bootstrap } from './bootstrap.js';
import {
  CANCEL,
  CONSUMED,
  CONTROL,
  ERROR,
  type ModuleData,
  OK,
  RUN,
  reviveError,
  type SerializedError,
  THROWN,
} from './protocol.js';

/** A task for a thread: which handler of the task module, its input, what to move. */
export interface ThreadPayload {
  readonly name: string;
  readonly input: unknown;
  readonly transfer: readonly TransferListItem[] | undefined;
}

/** How threads are started (the `Worker` options a pool passes through). */
export interface SpawnOptions {
  readonly module: URL;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly env: NodeJS.Dict<string> | typeof import('node:worker_threads').SHARE_ENV | undefined;
  readonly argv: readonly unknown[] | undefined;
  readonly execArgv: readonly string[] | undefined;
}

/** Why the pool is ending a thread; `undefined` while the pool wants it. */
export type Fate = 'retire' | 'kill' | 'close' | undefined;

let nextThreadId = 1;

/** One worker thread as the executor tracks it. Plain state; the executor owns the logic. */
export class Thread {
  readonly id = nextThreadId++;
  readonly worker: Worker;
  /** The module loaded (READY received). */
  online = false;
  fate: Fate = undefined;
  /** Handler names in index order, and name -> index. */
  handlers: readonly string[] = [];
  index: ReadonlyMap<string, number> = new Map();
  /** Jobs sent (or about to be), in the order the thread begins them. */
  readonly jobs = new Map<number, Job<ThreadPayload>>();
  /**
   * Jobs of `jobs` not known to have begun, in order, from `waitHead`. Known: the thread's
   * CONSUMED count reached them (`accounted` counts the jobs matched so far), or they were
   * sent when fewer than `concurrency` jobs had begun and none waited, so begin on arrival.
   */
  waiting: (Job<ThreadPayload> | undefined)[] = [];
  waitHead = 0;
  accounted = 0;
  /** Jobs whose stop was asked; the kill timer runs while any remains. */
  readonly stopping = new Set<number>();
  /** Jobs asked to be skipped before they began (cancelled, or recalled from a retiring thread). */
  readonly dropping = new Set<number>();
  /** CONSUMED and CONTROL, shared with the thread. */
  readonly cells: Int32Array;
  killTimer: unknown = undefined;
  /** Tasks not posted yet: `[RUN, id, index, input, attempt, ...]`, and their transfer list. */
  outbox: unknown[] | undefined = undefined;
  transfer: TransferListItem[] | undefined = undefined;
  /** Why it is ending or failed to start: an 'error' event, a load error, or a kill. */
  error: Error | undefined = undefined;
  /** Resolves once the thread has exited. */
  readonly exited: Promise<number>;
  #referenced = true;

  constructor(data: ModuleData, options: SpawnOptions, concurrency: number) {
    const shared = new SharedArrayBuffer(8);
    this.cells = new Int32Array(shared);
    this.worker = new Worker(bootstrap, {
      eval: true,
      workerData: { ...data, shared, concurrency },
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.argv === undefined ? {} : { argv: [...options.argv] }),
      ...(options.execArgv === undefined ? {} : { execArgv: [...options.execArgv] }),
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
  }

  /** Jobs sent or about to be that are not known to have begun. */
  get queued(): number {
    return this.waiting.length - this.waitHead;
  }

  /** Whether `job` is known to have begun (false while it waits in the thread). */
  hasBegun(job: Job<ThreadPayload>): boolean {
    return this.waiting.indexOf(job, this.waitHead) < 0;
  }

  /**
   * Matches the thread's CONSUMED count to waiting jobs, in order, and hands each to
   * `begun` (a job that ended meanwhile included: it began too). Read on every reply, so
   * a job is known to have begun at the latest when a result from its thread arrives.
   */
  consume(begun: (job: Job<ThreadPayload>) => void): void {
    const consumed = Atomics.load(this.cells, CONSUMED);
    while (this.accounted < consumed && this.waitHead < this.waiting.length) {
      const job = this.waiting[this.waitHead];
      this.waiting[this.waitHead++] = undefined;
      this.accounted++;
      if (job !== undefined) begun(job);
    }
    if (this.waitHead === this.waiting.length && this.waitHead > 0) {
      this.waiting = [];
      this.waitHead = 0;
    }
  }

  /** A job that was never delivered (its input could not be cloned) leaves the accounting. */
  forget(job: Job<ThreadPayload>): void {
    const i = this.waiting.indexOf(job, this.waitHead);
    if (i < 0) this.accounted--;
    else this.waiting.splice(i, 1);
  }

  /** Posts a CANCEL, and flags it so a thread busy with a batch reads it before its next task. */
  cancel(id: number): void {
    this.worker.postMessage([CANCEL, id]);
    Atomics.store(this.cells, CONTROL, 1);
  }

  /**
   * A thread keeps the process alive only while it starts or runs tasks: an idle pool
   * nobody closed does not hang the process.
   */
  reference(on: boolean): void {
    if (on === this.#referenced) return;
    this.#referenced = on;
    if (on) this.worker.ref();
    else this.worker.unref();
  }

  /**
   * Posts the pending tasks in one message. If that fails to clone, posts them one by one
   * and hands each task that still fails to `unsendable`. A thread being killed or closed
   * gets nothing: its jobs finish when it exits.
   */
  post(unsendable: (job: Job<ThreadPayload>, error: unknown) => void): void {
    const outbox = this.outbox;
    if (outbox === undefined) return;
    const transfer = this.transfer;
    this.outbox = undefined;
    this.transfer = undefined;
    if (this.fate === 'kill' || this.fate === 'close') return;
    try {
      this.worker.postMessage(outbox, transfer);
      return;
    } catch {}
    for (let i = 1; i < outbox.length; i += 4) {
      const job = this.jobs.get(outbox[i] as number);
      if (job === undefined) continue;
      try {
        this.worker.postMessage(
          [RUN, job.id, outbox[i + 1], outbox[i + 2], outbox[i + 3]],
          job.payload.transfer,
        );
      } catch (error) {
        this.forget(job);
        unsendable(job, error);
      }
    }
    if (this.jobs.size === 0) this.reference(false);
  }

  /** For `stats().details`. Event-loop utilization is since the thread started. */
  describe(perWorker: number): Record<string, unknown> {
    let eventLoopUtilization = 0;
    try {
      eventLoopUtilization = this.worker.performance.eventLoopUtilization().utilization;
    } catch {}
    const running = this.jobs.size - this.queued;
    return {
      id: this.id,
      online: this.online,
      running,
      queued: this.queued,
      utilization: running / perWorker,
      eventLoopUtilization,
    };
  }
}

/** Settles a job from one result of a RESULTS message. */
export function finishJob(
  hooks: ExecutorHooks<ThreadPayload>,
  job: Job<ThreadPayload>,
  status: unknown,
  value: unknown,
): void {
  if (status === OK) hooks.finished(job, true, value);
  else if (status === ERROR) hooks.finished(job, false, reviveError(value as SerializedError));
  else if (status === THROWN) hooks.finished(job, false, value);
  else {
    const cause = new Error(String(value));
    cause.name = 'DataCloneError';
    hooks.finished(job, false, new DataCloneError('output', { cause }));
  }
}
