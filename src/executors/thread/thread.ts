import { type ResourceLimits, type TransferListItem, Worker } from 'node:worker_threads';
import { DataCloneError } from '../../errors.js';
import type { Job } from '../../types.js';
import { bootstrap } from './bootstrap.js';
import {
  ERROR,
  OK,
  RUN,
  reviveError,
  type SerializedError,
  THROWN,
  type WorkerData,
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
  readonly jobs = new Map<number, Job<ThreadPayload>>();
  /** Jobs whose stop was asked; the kill timer runs while any remains. */
  readonly stopping = new Set<number>();
  killTimer: unknown = undefined;
  /** Tasks not posted yet: `[RUN, id, index, input, ...]`, and their transfer list. */
  outbox: unknown[] | undefined = undefined;
  transfer: TransferListItem[] | undefined = undefined;
  /** Why it is ending or failed to start: an 'error' event, a load error, or a kill. */
  error: Error | undefined = undefined;
  /** Resolves once the thread has exited. */
  readonly exited: Promise<number>;
  #referenced = true;

  constructor(data: WorkerData, options: SpawnOptions) {
    this.worker = new Worker(bootstrap, {
      eval: true,
      workerData: data,
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.argv === undefined ? {} : { argv: [...options.argv] }),
      ...(options.execArgv === undefined ? {} : { execArgv: [...options.execArgv] }),
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
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
    for (let i = 1; i < outbox.length; i += 3) {
      const job = this.jobs.get(outbox[i] as number);
      if (job === undefined) continue;
      try {
        this.worker.postMessage([RUN, job.id, outbox[i + 1], outbox[i + 2]], job.payload.transfer);
      } catch (error) {
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
    return {
      id: this.id,
      online: this.online,
      running: this.jobs.size,
      utilization: this.jobs.size / perWorker,
      eventLoopUtilization,
    };
  }
}

/** Settles a job from one result of a RESULTS message. */
export function finishJob(job: Job<ThreadPayload>, status: unknown, value: unknown): void {
  if (status === OK) job.finish(true, value);
  else if (status === ERROR) job.finish(false, reviveError(value as SerializedError));
  else if (status === THROWN) job.finish(false, value);
  else {
    const cause = new Error(String(value));
    cause.name = 'DataCloneError';
    job.finish(false, new DataCloneError('output', { cause }));
  }
}
