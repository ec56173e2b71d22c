import { availableParallelism } from 'node:os';
import {
  DataCloneError,
  TaskModuleError,
  UnknownHandlerError,
  WorkerCrashedError,
} from '../../errors.js';
import type { Executor, ExecutorHooks, Job } from '../../types.js';
import { prepare } from './bootstrap.js';
import {
  beginsOnArrival,
  choose,
  room,
  type Shape,
  slotFree,
  stealCount,
  victimOf,
} from './placement.js';
import {
  ANNOUNCE,
  BEGAN,
  type FromWorker,
  LOAD_ERROR,
  PROGRESS,
  READY,
  RUN,
  reviveError,
  SKIPPED,
  Spinner,
  STREAM,
  STREAMED,
  taskCode,
} from './protocol.js';
import { finishJob, type SpawnOptions, Thread, type ThreadPayload } from './thread.js';

/** The part of a Clock the executor needs (structural, so executors stay apart from scheduler/). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ThreadExecutorOptions extends SpawnOptions {
  /** Tasks a thread runs at once. */
  readonly perWorker: number;
  /** Tasks sent to a thread ahead of those it runs, so it never waits for the next one. */
  readonly prefetch: number;
  /** Ms a stopped task may take to end after its signal aborts, before its thread is killed. */
  readonly killGrace: number;
  /** Most µs to busy-wait for a reply after posting tasks (0: never); see `#spin`. */
  readonly spin: number;
  /** Failed start rounds retried before the pool is declared unhealthy. */
  readonly loadRetries: number;
  /** Delay before the first retry, in ms; doubles each round. */
  readonly loadRetryDelay: number;
  readonly timers: Timers;
  /** Told when a thread comes online or exits. */
  readonly observer: ThreadObserver | undefined;
}

export type ThreadObserver = <K extends keyof ThreadEvents>(event: K, e: ThreadEvents[K]) => void;

/** What happened to a thread, for `ThreadPool.threads` listeners (and tests). */
export interface ThreadEvents {
  online: { readonly id: number };
  exit: {
    readonly id: number;
    readonly exitCode: number;
    readonly reason: 'retire' | 'kill' | 'close' | 'crash';
  };
}

/** Threads started at once while none is online (see `#fill`). */
const startTogether = Math.max(1, availableParallelism());

/** A SKIPPED reply for a job the scheduler was told had begun (internal to the executor). */
const SKIPPED_BEGUN = -1;

const noHooks: ExecutorHooks<ThreadPayload> = {
  progress() {},
  began() {},
  requeued() {},
  finished() {},
  killed() {},
  capacityChanged() {},
  unhealthy() {},
  healthy() {},
};

/**
 * Runs tasks on worker threads. Mechanism only: the scheduler decides what runs and when;
 * this decides which thread, moves messages, and replaces threads that die or are killed.
 *
 * Contracts: `free` counts only threads whose module is loaded, and never lets the tasks in
 * flight (retiring threads included) exceed `workers * (perWorker + prefetch)`. A thread
 * begins at most `perWorker` of its tasks at once (it enforces that itself, in order); the
 * rest are prefetched. `hooks.began(job)` is called when the thread's CONSUMED count shows it
 * began (read on each reply; a prompt task's begin is replied at once). Every started job
 * gets exactly one end: its result, `UnknownHandlerError`/`DataCloneError` before it was
 * sent, `WorkerCrashedError` when its thread died or was killed after it began, or
 * `requeued` when it never began (its thread died, was killed or retired, or skipped it
 * after `stop`).
 */
export class ThreadExecutor implements Executor<ThreadPayload> {
  readonly perWorker: number;
  /** Jobs one thread runs at once and holds in all (running plus prefetched), its claim-ring size. */
  readonly #shape: Shape;
  readonly #o: ThreadExecutorOptions;
  #hooks: ExecutorHooks<ThreadPayload> = noHooks;
  /** Every thread not yet exited, those being retired or killed included. */
  #threads: Thread[] = [];
  #target = 0;
  #inflight = 0;
  #closing = false;
  #unhealthy = false;
  /** Consecutive failed start rounds (reset by any task result). */
  #failures = 0;
  #backoff: unknown = undefined;
  #flushScheduled = false;
  #spawned = 0;
  #handlers: readonly string[] | undefined = undefined;
  readonly #spinner: Spinner;

  constructor(options: ThreadExecutorOptions) {
    this.#o = options;
    this.perWorker = options.perWorker;
    const depth = options.perWorker + options.prefetch;
    const ring = Math.max(64, 2 ** Math.ceil(Math.log2(2 * depth)));
    this.#shape = { perWorker: options.perWorker, depth, ring };
    this.#spinner = new Spinner(options.spin);
  }

  /** The task module's handler names, as the first thread to load it reported them. */
  get handlers(): readonly string[] | undefined {
    return this.#handlers;
  }

  bind(hooks: ExecutorHooks<ThreadPayload>): void {
    this.#hooks = hooks;
  }

  /** The pool's target: threads alive, starting, or waiting to be restarted. */
  get workers(): number {
    return this.#target;
  }

  /**
   * Jobs it accepts now. While a retiring thread still runs (a resize down), the threads
   * kept may hold only what fits the new limit with no prefetch: everything placed counts
   * against `target * perWorker`, so nothing begins over the limit the pool now has.
   */
  get free(): number {
    let free = 0;
    let retiring = false;
    for (const t of this.#threads) {
      if (t.online && t.fate === undefined) free += room(t, this.#shape);
      else if (t.fate === 'retire' && t.jobs.size > 0) retiring = true;
    }
    const depth = retiring ? this.perWorker : this.#shape.depth;
    const cap = this.#target * depth - this.#inflight;
    return Math.max(0, Math.min(free, cap));
  }

  resize(workers: number): void {
    this.#target = workers;
    let excess = this.#wanted() - workers;
    if (excess <= 0) {
      this.#fill();
      return;
    }
    // Retire threads still starting first, then idle ones, then the least busy (after their tasks).
    const candidates = this.#threads
      .filter((t) => t.fate === undefined)
      .sort((a, b) => Number(a.online) - Number(b.online) || a.jobs.size - b.jobs.size);
    let busy = false;
    for (const t of candidates) {
      if (excess-- <= 0) break;
      t.fate = 'retire';
      if (t.jobs.size > 0) this.#recall(t);
      if (t.jobs.size === 0) void t.worker.terminate();
      else busy = true;
    }
    // A retiring thread still runs: what was sent ahead to the kept ones would begin over
    // the new limit when their running task ends. Take it back (see `free`).
    if (busy) this.recall();
  }

  start(job: Job<ThreadPayload>): void {
    const moved = job.payload.transfer !== undefined;
    const best = choose(this.#threads, this.#shape, moved);
    if (best === undefined) {
      this.#hooks.finished(
        job,
        false,
        new WorkerCrashedError('No thread was free to start the task'),
      );
      return;
    }
    if (!best.index.has(job.payload.name)) {
      this.#hooks.finished(job, false, new UnknownHandlerError(job.payload.name, best.handlers));
      return;
    }
    if (best.jobs.size === 0) best.reference(true);
    const park = best.parked.length > 0 || (moved && !beginsOnArrival(best, this.#shape));
    best.jobs.set(job.id, job);
    this.#inflight++;
    if (park) best.parked.push(job);
    else this.#send(best, job);
  }

  /**
   * Sends a job placed on `t` (in `t.jobs`): opens its claim and adds it to the thread's
   * next RUN message. One that begins on arrival is reported begun now; the others are
   * matched to the thread's CONSUMED count (`Thread.consume`, `Thread.promote`).
   */
  #send(t: Thread, job: Job<ThreadPayload>): void {
    const now = slotFree(t, this.#shape, 1); // in `t.jobs` already, not waiting or parked
    t.open();
    if (now) t.accounted++;
    else t.waiting.push(job);
    const index = t.index.get(job.payload.name) as number; // checked by `start`
    // A stream is always announced: its values say nothing of when its slot frees.
    const stream = job.payload.stream !== undefined;
    const code = taskCode(
      index,
      ((job.timed || stream) && !now ? ANNOUNCE : 0) | (stream ? STREAM : 0),
    );
    const attempt = job.attempt + (job.payload.prior ?? 0);
    if (t.outbox === undefined) t.outbox = [RUN, job.id, code, job.payload.input, attempt];
    else t.outbox.push(job.id, code, job.payload.input, attempt);
    const transfer = job.payload.transfer;
    if (transfer !== undefined)
      t.transfer = t.transfer === undefined ? [...transfer] : [...t.transfer, ...transfer];
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(() => this.#flushAll());
    }
    if (now) this.#hooks.began(job);
  }

  /**
   * Sends what is parked on `t`, in order, as far as it may go: a job with transferred
   * input only once it begins on arrival; the rest as prefetch. Called when slots free up.
   */
  #unpark(t: Thread): void {
    if (t.fate !== undefined) return;
    while (t.parked.length > 0) {
      const job = t.parked[0] as Job<ThreadPayload>;
      if (job.payload.transfer !== undefined && !slotFree(t, this.#shape, 0)) return; // counted as parked
      t.parked.shift();
      this.#send(t, job);
    }
  }

  /**
   * Work stealing: a thread with nothing waiting and a free slot takes half of the jobs
   * waiting in the busiest other thread (newest first). Called when a thread comes online or
   * replies, before the scheduler is told of its free slots: jobs sent ahead to a busy
   * thread were sent before anything still queued, so they go first. A thread only goes
   * idle with jobs waiting elsewhere when those wait behind something longer.
   */
  #rebalance(thief: Thread): void {
    const victim = victimOf(thief, this.#threads, this.#shape);
    if (victim === undefined) return;
    victim.steal(stealCount(thief, victim, this.#shape), (job) => {
      this.#release(victim, job);
      this.start(job);
    });
  }

  stop(job: Job<ThreadPayload>): void {
    const t = this.#threads.find((thread) => thread.jobs.has(job.id));
    if (t?.withdraw(job)) {
      // Never sent: it simply leaves.
      this.#release(t, job);
      this.#hooks.requeued(job);
      return;
    }
    // A thread being killed or closed is already going; a retiring one still needs the kill.
    if (t === undefined || t.fate === 'kill' || t.fate === 'close') return;
    this.#flush(t); // the RUN must reach the thread before its CANCEL
    if (!t.jobs.has(job.id)) return; // its input could not be sent: it has ended
    t.cancel(job.id);
    // Not begun: the thread skips it (SKIPPED, then `requeued`). No kill timer yet: the thread
    // may be busy with another task that is not ours to kill; see `#begun`.
    if (!t.hasBegun(job)) t.dropping.add(job.id);
    else this.#watch(t, job.id);
  }

  /** A streaming job may send `n` more values (the caller read them); ignored once it ended. */
  credit(job: Job<ThreadPayload>, n: number): void {
    const t = this.#threads.find((thread) => thread.jobs.has(job.id));
    if (t === undefined || t.fate === 'kill' || t.fate === 'close') return;
    t.credit(job.id, n);
  }

  /** A stopped job runs: kill its thread if it has not ended within `killGrace`. */
  #watch(t: Thread, id: number): void {
    t.stopping.add(id);
    if (t.killTimer === undefined)
      t.killTimer = this.#o.timers.setTimeout(() => this.#kill(t), this.#o.killGrace);
  }

  /**
   * Gives back every job placed on a thread that has not begun (the pool paused: none may
   * begin until it resumes). They return to the front of the queue, in their order.
   */
  recall(): void {
    for (const t of this.#threads) if (t.fate === undefined) this.#recall(t);
  }

  /**
   * Takes back from a thread what it has not begun: what is parked here, and what waits in
   * the thread and can still be stolen from it. What the thread claimed first has begun: it
   * runs. (Nothing with transferred input waits in a thread: see `#send`.)
   */
  #recall(t: Thread): void {
    const back: Job<ThreadPayload>[] = [];
    t.steal(Number.POSITIVE_INFINITY, (job) => {
      this.#release(t, job);
      back.push(job);
    });
    // Stolen newest first: given back oldest first, so they keep their order.
    for (let i = back.length - 1; i >= 0; i--) this.#hooks.requeued(back[i] as Job<ThreadPayload>);
  }

  readonly #promoted = (job: Job<ThreadPayload>): void => this.#hooks.began(job);

  /** The thread took `job` from its queue: it began, or (if dropped) began or was skipped. */
  readonly #begun = (t: Thread, job: Job<ThreadPayload>): void => {
    if (!t.jobs.has(job.id)) return;
    if (!t.dropping.has(job.id)) this.#hooks.began(job);
    // Skipped (its SKIPPED reply is on its way, well within killGrace) or it began before
    // the CANCEL arrived: either way it now ends promptly or its thread is killed.
    else this.#watch(t, job.id);
  };

  async close(): Promise<void> {
    this.#closing = true;
    this.#target = 0;
    if (this.#backoff !== undefined) this.#o.timers.clearTimeout(this.#backoff);
    this.#backoff = undefined;
    const threads = [...this.#threads];
    for (const t of threads) {
      this.#clearKill(t);
      if (t.fate !== 'kill') t.fate = 'close';
      // Whoever awaits close() must be kept alive until the threads are really gone, even
      // if they were idle (and so unreferenced).
      t.reference(true);
      void t.worker.terminate();
    }
    await Promise.all(threads.map((t) => t.exited));
  }

  details(): Record<string, unknown> {
    return {
      alive: this.#threads.length,
      online: this.#threads.filter((t) => t.online && t.fate === undefined).length,
      spawned: this.#spawned,
      threads: this.#threads.map((t) => t.describe(this.perWorker)),
    };
  }

  // ---- threads ---------------------------------------------------------------------------

  /** Threads the pool still wants (not retiring, killed or closing). */
  #wanted(): number {
    let n = 0;
    for (const t of this.#threads) if (t.fate === undefined) n++;
    return n;
  }

  /**
   * Starts threads up to the target, unless closing, unhealthy or backing off. While no
   * thread is online, at most `availableParallelism()` start at once and the rest follow
   * when one is online: threads starting together share the cores, so more than there are
   * cores only delays the first result.
   */
  #fill(): void {
    if (this.#closing || this.#unhealthy || this.#backoff !== undefined) return;
    let online = false;
    let starting = 0;
    for (const t of this.#threads) {
      if (t.fate !== undefined) continue;
      if (t.online) online = true;
      else starting++;
    }
    for (let n = this.#wanted(); n < this.#target; n++) {
      if (!online && starting >= startTogether) return; // the rest once one is online
      const data = prepare(this.#o.module);
      if (data instanceof Error) {
        // What `prepare` finds (no such file, no tsx) does not heal: no retries.
        queueMicrotask(() => this.#startFailed(data, false, true));
        return;
      }
      this.#spawn(data);
      starting++;
    }
  }

  #spawn(data: Exclude<ReturnType<typeof prepare>, Error>): void {
    const t = new Thread(data, this.#o, this.perWorker, this.#o.spin, this.#shape.ring);
    this.#spawned++;
    this.#threads.push(t);
    t.onReply = (message) => this.#onMessage(t, message);
    t.port.on('message', t.onReply);
    t.port.unref();
    t.worker.on('error', (error: Error) => {
      t.error ??= error;
    });
    // A reply that cannot be deserialized here names no task: end the thread, so each of its
    // tasks still settles (WorkerCrashedError, with this error as cause) instead of hanging.
    t.port.on('messageerror', (error: Error) => {
      t.error ??= error;
      void t.worker.terminate();
    });
    t.worker.on('exit', (code: number) => this.#onExit(t, code));
  }

  #onMessage(t: Thread, message: FromWorker): void {
    if (message[0] === READY) {
      t.online = true;
      t.handlers = message[1];
      this.#handlers ??= message[1];
      t.index = new Map(message[1].map((name, i) => [name, i]));
      if (t.fate !== undefined) return;
      if (t.jobs.size === 0) t.reference(false);
      this.#o.observer?.('online', { id: t.id });
      // Tasks stuck in busy threads were sent before anything still queued: take them first.
      this.#rebalance(t);
      this.#hooks.capacityChanged();
      // Start the threads that waited for this one after its first tasks are posted.
      queueMicrotask(() => this.#fill());
    } else if (message[0] === LOAD_ERROR) {
      t.error = reviveError(message[1]);
      void t.worker.terminate();
    } else if (message[0] === STREAMED) {
      const sink = t.jobs.get(message[1])?.payload.stream;
      if (sink === undefined) return;
      if (message[2] === BEGAN) sink.began();
      else sink.value(message[3]);
    } else if (message[0] === PROGRESS) {
      const job = t.jobs.get(message[1]);
      if (job !== undefined) this.#hooks.progress(job, message[2]);
    } else {
      this.#failures = 0;
      t.consume((job) => this.#begun(t, job));
      // Free the slots first, so that an idle thread takes over the tasks stuck in busy
      // threads (sent before anything still queued) before the scheduler, told of each
      // end, fills its slots with newer work.
      const ended: unknown[] = [];
      for (let i = 1; i < message.length; i += 3) {
        const job = t.jobs.get(message[i] as number);
        if (job === undefined) continue;
        // Was the scheduler told it began? Not if it was cancelled before it was known to
        // have begun (see stop and #begun).
        const begun = t.hasBegun(job) && !t.dropping.has(job.id);
        this.#release(t, job);
        ended.push(
          job,
          message[i + 1] === SKIPPED && begun ? SKIPPED_BEGUN : message[i + 1],
          message[i + 2],
        );
      }
      // Slots freed: the thread has begun what waited next (see Thread.promote).
      if (t.fate !== 'kill' && t.fate !== 'close') {
        t.promote(this.perWorker - (t.jobs.size - t.queued), this.#promoted);
        this.#unpark(t);
      }
      if (t.jobs.size === 0) {
        if (t.fate === 'retire') void t.worker.terminate();
        else t.reference(false);
      }
      this.#rebalance(t);
      for (let i = 0; i < ended.length; i += 3) {
        const job = ended[i] as Job<ThreadPayload>;
        if (ended[i + 1] === SKIPPED) this.#hooks.requeued(job);
        // Skipped after the scheduler was told it began (a CANCEL read before it began):
        // it never ran, and the scheduler, which stopped it, frees its slot.
        else if (ended[i + 1] === SKIPPED_BEGUN)
          this.#hooks.finished(job, false, new Error('The task was skipped before it began'));
        else finishJob(this.#hooks, job, ended[i + 1], ended[i + 2]);
      }
    }
  }

  #release(t: Thread, job: Job<ThreadPayload>): void {
    t.jobs.delete(job.id);
    this.#inflight--;
    t.dropping.delete(job.id);
    if (t.stopping.delete(job.id) && t.stopping.size === 0) this.#clearKill(t);
  }

  /** A stopped task outlived `killGrace`: terminate its thread and start another at once. */
  #kill(t: Thread): void {
    t.killTimer = undefined;
    if (t.fate === 'kill' || t.fate === 'close') return;
    t.fate = 'kill';
    t.error = new Error(
      `A task did not stop within killGrace (${this.#o.killGrace} ms) of its cancellation`,
    );
    void t.worker.terminate();
    this.#fill();
  }

  #clearKill(t: Thread): void {
    if (t.killTimer === undefined) return;
    this.#o.timers.clearTimeout(t.killTimer);
    t.killTimer = undefined;
  }

  #onExit(t: Thread, exitCode: number): void {
    // Replies posted before the thread ended count (its own channel is not drained for us).
    t.seen = -1;
    t.receive();
    t.port.close();
    const i = this.#threads.indexOf(t);
    if (i >= 0) this.#threads.splice(i, 1);
    this.#clearKill(t);
    const fate = t.fate;
    const hadJobs = t.jobs.size > 0;
    if (hadJobs) {
      // The thread is gone, so its CONSUMED count is final: what it never took goes back.
      t.consume(() => {});
      const notBegun = new Set([...t.waiting.slice(t.waitHead), ...t.parked]);
      t.parked = [];
      const message =
        fate === 'kill'
          ? `Worker thread ${t.id} was terminated: ${t.error?.message ?? 'killed'}`
          : fate === 'close'
            ? `Worker thread ${t.id} was terminated with the pool`
            : `Worker thread ${t.id} exited with code ${exitCode} while running the task${
                t.error === undefined ? '' : `: ${t.error.message}`
              }`;
      for (const job of [...t.jobs.values()]) {
        this.#release(t, job);
        if (notBegun.has(job)) {
          this.#hooks.requeued(job);
          continue;
        }
        if (fate === 'kill' || fate === 'close') this.#hooks.killed(job);
        this.#hooks.finished(
          job,
          false,
          new WorkerCrashedError(
            message,
            exitCode,
            t.error === undefined ? undefined : { cause: t.error },
          ),
        );
      }
    }
    this.#o.observer?.('exit', { id: t.id, exitCode, reason: fate ?? 'crash' });
    if (fate !== undefined || this.#closing) return;
    // Died on its own. With tasks in flight they caused it: replace it now. Dying before
    // its module loaded, or while idle, would repeat: back off, then give up.
    if (hadJobs && t.online) this.#fill();
    else
      this.#startFailed(
        t.error ?? new Error(`Worker thread exited with code ${exitCode}`),
        t.online,
      );
  }

  /** A start failed: retry with backoff, or (past `loadRetries`, or `permanent`) turn unhealthy. */
  #startFailed(cause: Error, wasOnline: boolean, permanent = false): void {
    if (this.#closing || this.#unhealthy || this.#backoff !== undefined) return;
    this.#failures++;
    if (permanent || this.#failures > this.#o.loadRetries) {
      this.#unhealthy = true;
      const path =
        this.#o.module.protocol === 'file:' ? this.#o.module.pathname : this.#o.module.href;
      const what = wasOnline ? 'keeps exiting while idle' : 'failed to load';
      const tries = permanent ? '' : ` (${this.#failures} attempts)`;
      const message = `Task module ${decodeURIComponent(path)} ${what}${tries}: ${cause.message}`;
      this.#hooks.unhealthy(new TaskModuleError(message, { cause }));
      return;
    }
    const delay = this.#o.loadRetryDelay * 2 ** (this.#failures - 1);
    this.#backoff = this.#o.timers.setTimeout(() => {
      this.#backoff = undefined;
      this.#fill();
    }, delay);
  }

  // ---- messages --------------------------------------------------------------------------

  #flushAll(): void {
    this.#flushScheduled = false;
    for (const t of this.#threads) if (t.outbox !== undefined) this.#flush(t);
    this.#spin();
  }

  /**
   * Busy-waits (up to `spin` µs, adaptively: see Spinner) for a reply to what was just
   * posted, and takes it synchronously, instead of letting the event loop sleep and wake.
   */
  #spin(): void {
    if (this.#inflight > 0) this.#spinner.spin(this.#poll);
  }

  readonly #poll = (): boolean => {
    let any = false;
    for (const t of this.#threads) if (t.receive()) any = true;
    return any;
  };

  /** Posts a thread's pending tasks; a task whose input cannot be cloned rejects DataCloneError. */
  #flush(t: Thread): void {
    t.post((job, error) => {
      this.#release(t, job);
      this.#hooks.finished(job, false, new DataCloneError('input', { cause: error }));
    });
    if (t.jobs.size === 0 && t.fate === 'retire') void t.worker.terminate();
  }
}
