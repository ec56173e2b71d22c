import {
  MessageChannel,
  type MessagePort,
  type ResourceLimits,
  receiveMessageOnPort,
  type TransferListItem,
  Worker,
} from 'node:worker_threads';
import { DataCloneError } from '../../errors.js';
import type { ExecutorHooks, Job } from '../../types.js';
import { bootstrap } from './bootstrap.js';
import {
  CANCEL,
  CLAIMS,
  CONSUMED,
  CONTROL,
  CREDIT,
  cellCount,
  ERROR,
  type FromWorker,
  type ModuleData,
  OK,
  OPEN,
  POSTED,
  RUN,
  reviveError,
  SENT,
  type SerializedError,
  STOLEN,
  THROWN,
} from './protocol.js';

/** A task for a thread: which handler of the task module, its input, what to move. */
export interface ThreadPayload {
  readonly name: string;
  readonly input: unknown;
  readonly transfer: readonly TransferListItem[] | undefined;
  /** A streaming task (`ThreadPool.stream`): where its begin and its values go. */
  readonly stream?: StreamSink;
  /** Attempts made elsewhere before this pool's first (a distributed job's retries): `ctx.attempt` counts on from them. */
  readonly prior?: number;
}

/** The caller's end of a streaming task, as the executor feeds it (mechanism only). */
export interface StreamSink {
  /** The stream began in its thread: credit may be granted now. */
  began(): void;
  /** Its next value, in order; all arrive before the task's result. */
  value(value: unknown): void;
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
  /** The pool's end of the thread's channel: tasks out, replies in. Never keeps the process alive. */
  readonly port: MessagePort;
  /** The thread's POSTED count when the pool last took its replies synchronously. */
  seen = 0;
  /** What the executor does with each reply (set when it spawns the thread). */
  onReply: (message: FromWorker) => void = () => {};
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
  /** Entries of `waiting` emptied by a steal (the thread still passes over each). */
  #holes = 0;
  /** Tasks sent (or about to be): the next one's claim index. */
  #sent = 0;
  readonly #mask: number;
  /** Jobs whose stop was asked; the kill timer runs while any remains. */
  readonly stopping = new Set<number>();
  /** Jobs asked to be skipped before they began because they were cancelled. */
  readonly dropping = new Set<number>();
  /**
   * Jobs placed on this thread but kept here, unsent, in order, behind everything sent:
   * a job whose input is transferred is sent only when the thread can begin it on arrival
   * (nothing waits there and a slot is free), and what comes after it waits behind it. Its
   * input thus leaves the main thread only to run at once, so it can never be stranded
   * in a thread that dies or is asked to give it back (issue 11). See `ThreadExecutor`.
   */
  parked: Job<ThreadPayload>[] = [];
  /** CONSUMED, CONTROL, POSTED, SENT and the claim ring, shared with the thread. */
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

  constructor(
    data: ModuleData,
    options: SpawnOptions,
    concurrency: number,
    spin: number,
    /** Entries of the claim ring: a power of two above the jobs a thread may hold. */
    readonly ring: number,
  ) {
    const shared = new SharedArrayBuffer(cellCount(ring) * Int32Array.BYTES_PER_ELEMENT);
    this.cells = new Int32Array(shared);
    this.#mask = ring - 1;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(bootstrap, {
      eval: true,
      workerData: { ...data, shared, concurrency, spin, ring, port: port2 },
      transferList: [port2],
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.argv === undefined ? {} : { argv: [...options.argv] }),
      ...(options.execArgv === undefined ? {} : { execArgv: [...options.execArgv] }),
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
  }

  /** Jobs not known to have begun: waiting in the thread, or parked here. */
  get queued(): number {
    return this.waiting.length - this.waitHead - this.#holes + this.parked.length;
  }

  /** Tasks sent that the thread has not passed yet (stolen ones included): kept below `ring`. */
  get unpassed(): number {
    return this.#sent - Atomics.load(this.cells, CONSUMED);
  }

  /** Opens the claim of the next task sent (its previous user was passed: see `unpassed`). */
  open(): void {
    Atomics.store(this.cells, CLAIMS + (this.#sent++ & this.#mask), OPEN);
  }

  /**
   * Steals up to `max` jobs that have not begun here, newest first (parked ones, then
   * those waiting in the thread), skipping those being dropped, and hands each to `take`.
   * A job the thread claimed first is left to it (it began).
   */
  steal(max: number, take: (job: Job<ThreadPayload>) => void): void {
    while (max > 0 && this.parked.length > 0) {
      max--;
      take(this.parked.pop() as Job<ThreadPayload>);
    }
    for (let i = this.waiting.length - 1; i >= this.waitHead && max > 0; i--) {
      const job = this.waiting[i];
      if (job === undefined || this.dropping.has(job.id)) continue;
      const k = this.accounted + (i - this.waitHead);
      const slot = CLAIMS + (k & this.#mask);
      if (Atomics.compareExchange(this.cells, slot, OPEN, STOLEN) !== OPEN) break;
      this.waiting[i] = undefined;
      this.#holes++;
      max--;
      take(job);
    }
  }

  /** Takes a parked job back (it was never sent); false if it is not parked. */
  withdraw(job: Job<ThreadPayload>): boolean {
    const i = this.parked.indexOf(job);
    if (i < 0) return false;
    this.parked.splice(i, 1);
    return true;
  }

  /** Whether `job` is known to have begun (false while it waits in the thread or is parked). */
  hasBegun(job: Job<ThreadPayload>): boolean {
    return this.waiting.indexOf(job, this.waitHead) < 0 && !this.parked.includes(job);
  }

  /**
   * Matches the thread's CONSUMED count to waiting jobs, in order, and hands each to
   * `begun` (a job that ended meanwhile included: it began too). Read on every reply, so
   * a job is known to have begun at the latest when a result from its thread arrives.
   */
  consume(begun: (job: Job<ThreadPayload>) => void): void {
    const consumed = Atomics.load(this.cells, CONSUMED);
    while (this.accounted < consumed && this.waitHead < this.waiting.length) {
      const job = this.#pass();
      if (job !== undefined) begun(job);
    }
    this.#compact();
  }

  /**
   * The thread begins its waiting jobs in order as soon as it has a free slot, so once the
   * pool has seen `free` of its slots free up (their results arrived), the jobs at the head
   * of `waiting` have begun, or will within the thread's next step: hands them to `begun`
   * now, so their wait and run times (and timeouts) are measured from about when they
   * really began, not from their own result. Stops at a job asked to be skipped (it may or
   * may not begin); passes over stolen ones (they take no slot).
   */
  promote(free: number, begun: (job: Job<ThreadPayload>) => void): void {
    while (free > 0 && this.waitHead < this.waiting.length) {
      const job = this.waiting[this.waitHead];
      if (job !== undefined && this.dropping.has(job.id)) break;
      this.#pass();
      if (job !== undefined) {
        free--;
        begun(job);
      }
    }
    this.#compact();
  }

  /** Takes the head of `waiting` as passed by the thread (begun, or a stolen hole). */
  #pass(): Job<ThreadPayload> | undefined {
    const job = this.waiting[this.waitHead];
    this.waiting[this.waitHead++] = undefined;
    this.accounted++;
    if (job === undefined) this.#holes--;
    return job;
  }

  #compact(): void {
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
    this.#sent--;
  }

  /**
   * Takes the replies the thread has posted since the last look, synchronously, if its
   * POSTED count moved; returns whether it did. Replies also arrive as 'message' events
   * when nobody looks: a reply is taken once either way.
   */
  receive(): boolean {
    const posted = Atomics.load(this.cells, POSTED);
    if (posted === this.seen) return false;
    this.seen = posted;
    let any = false;
    for (
      let m = receiveMessageOnPort(this.port);
      m !== undefined;
      m = receiveMessageOnPort(this.port)
    ) {
      any = true;
      this.onReply(m.message as FromWorker);
    }
    return any;
  }

  /** Posts a CANCEL, and flags it so a thread busy with a batch reads it before its next task. */
  cancel(id: number): void {
    this.#send([CANCEL, id]);
    Atomics.store(this.cells, CONTROL, 1);
  }

  /** Lets a streaming task that began here send `n` more values. */
  credit(id: number, n: number): void {
    this.#send([CREDIT, id, n]);
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
      this.#send(outbox, transfer);
      return;
    } catch {}
    for (let i = 1; i < outbox.length; i += 4) {
      const job = this.jobs.get(outbox[i] as number);
      if (job === undefined) {
        // Stolen meanwhile: the thread still needs its entry to keep claim indexes aligned
        // (it passes over it), but not its input.
        this.#send([RUN, outbox[i], outbox[i + 1], undefined, 0]);
        continue;
      }
      try {
        this.#send(
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

  /** Posts to the thread, then counts the post for a thread spinning for its next task. */
  #send(message: unknown[], transfer?: readonly TransferListItem[]): void {
    this.port.postMessage(message, transfer);
    Atomics.add(this.cells, SENT, 1);
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
