import { DataCloneError, UnknownHandlerError, WorkerCrashedError } from '../../errors.js';
import type { Executor, ExecutorHooks, Job } from '../../types.js';
import { type JobEntry, S } from './job-state.js';
import { beginsOnArrival, choose, room, type Shape, stealCount, victimOf } from './placement.js';
import { ANNOUNCE, type FromWorker, Spinner, STREAM, taskCode } from './protocol.js';
import { type ReplyHandler, readReply } from './replies.js';
import { noHooks, Supervisor, type SupervisorOptions } from './supervisor.js';
import type { Thread, ThreadPayload } from './thread.js';

export interface ThreadExecutorOptions extends SupervisorOptions {
  /** Tasks a thread runs at once. */
  readonly perWorker: number;
  /** Tasks sent to a thread ahead of those it runs, so it never waits for the next one. */
  readonly prefetch: number;
}

/**
 * Runs tasks on worker threads. Mechanism only: the scheduler decides what runs and when;
 * this decides which thread (placement.ts) and moves jobs; each job's state on its thread
 * is its `ThreadJobs`' (thread-jobs.ts, moves in job-state.ts); replies are read in
 * replies.ts, what is sent is batched in outbox.ts, threads are kept by supervisor.ts.
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
 *
 * Just over ~300 lines: what is left is the Executor contract itself (start, stop, credit,
 * retire, free, close) and the stealing between threads, which reads every thread at once;
 * each part that is about one thread or one job has moved out.
 */
export class ThreadExecutor implements Executor<ThreadPayload> {
  readonly perWorker: number;
  /** Jobs one thread runs at once and holds in all (running plus prefetched), its claim-ring size. */
  readonly #shape: Shape;
  #hooks: ExecutorHooks<ThreadPayload> = noHooks;
  readonly #sup: Supervisor;
  #flushScheduled = false;
  readonly #spinner: Spinner;

  constructor(options: ThreadExecutorOptions) {
    this.perWorker = options.perWorker;
    const depth = options.perWorker + options.prefetch;
    const ring = Math.max(64, 2 ** Math.ceil(Math.log2(2 * depth)));
    this.#shape = { perWorker: options.perWorker, depth, ring };
    this.#spinner = new Spinner(options.spin);
    this.#sup = new Supervisor(options, this.#shape, this.#reply);
  }

  /** The task module's handler names, as the first thread to load it reported them. */
  get handlers(): readonly string[] | undefined {
    return this.#sup.handlers;
  }

  bind(hooks: ExecutorHooks<ThreadPayload>): void {
    this.#hooks = hooks;
    this.#sup.hooks = hooks;
  }

  /** The pool's target: threads alive, starting, or waiting to be restarted. */
  get workers(): number {
    return this.#sup.target;
  }

  /**
   * Jobs it accepts now. While a retiring thread still runs (a resize down), the threads
   * kept may hold only what fits the new limit with no prefetch: everything placed counts
   * against `target * perWorker`, so nothing begins over the limit the pool now has.
   */
  get free(): number {
    let free = 0;
    let inflight = 0;
    let retiring = false;
    for (const t of this.#sup.threads) {
      inflight += t.jobs.placed;
      if (t.online && t.fate === undefined) free += room(t, this.#shape);
      else if (t.fate === 'retire' && t.jobs.placed > 0) retiring = true;
    }
    const depth = retiring ? this.perWorker : this.#shape.depth;
    const cap = this.#sup.target * depth - inflight;
    return Math.max(0, Math.min(free, cap));
  }

  resize(workers: number): void {
    this.#sup.target = workers;
    let excess = this.#sup.wanted() - workers;
    if (excess <= 0) {
      this.#sup.fill();
      return;
    }
    // Retire threads still starting first, then idle ones, then the least busy (after their tasks).
    const candidates = this.#sup.threads
      .filter((t) => t.fate === undefined)
      .sort((a, b) => Number(a.online) - Number(b.online) || a.jobs.placed - b.jobs.placed);
    let busy = false;
    for (const t of candidates) {
      if (excess-- <= 0) break;
      t.fate = 'retire';
      if (t.jobs.placed > 0) this.#recall(t);
      if (t.jobs.placed === 0) void t.worker.terminate();
      else busy = true;
    }
    // A retiring thread still runs: what was sent ahead to the kept ones would begin over
    // the new limit when their running task ends. Take it back (see `free`).
    if (busy) this.recall();
  }

  start(job: Job<ThreadPayload>): void {
    const moved = job.payload.transfer !== undefined;
    const best = choose(this.#sup.threads, this.#shape, moved);
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
    if (best.jobs.placed === 0) best.reference(true);
    const park = best.jobs.parked > 0 || (moved && !beginsOnArrival(best, this.#shape));
    const e = best.jobs.place(job);
    if (park) best.jobs.park(e);
    else this.#send(best, e);
  }

  readonly #start = (job: Job<ThreadPayload>): void => this.start(job);

  /**
   * Sends a job placed on `t` (ThreadJobs.send: it begins on arrival or waits there) in the
   * thread's next RUN message. One that begins on arrival is reported begun now; the others
   * when the thread's CONSUMED count shows it (ThreadJobs.consume, promote).
   */
  #send(t: Thread, e: JobEntry): void {
    const now = t.jobs.send(e);
    const job = e.job;
    const index = t.index.get(job.payload.name) as number; // checked by `start`
    // A stream is always announced: its values say nothing of when its slot frees.
    const stream = job.payload.stream !== undefined;
    const code = taskCode(
      index,
      ((job.timed || stream) && !now ? ANNOUNCE : 0) | (stream ? STREAM : 0),
    );
    t.outbox.add(job, code, job.attempt + (job.payload.prior ?? 0));
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flushAll);
    }
    if (now) this.#hooks.began(job);
  }

  /** Sends what is parked on `t`, in order, as far as it may go (ThreadJobs.nextParked). */
  #unpark(t: Thread): void {
    if (t.fate !== undefined) return;
    for (let e = t.jobs.nextParked(); e !== undefined; e = t.jobs.nextParked()) this.#send(t, e);
  }

  /**
   * Work stealing: a thread with nothing waiting and a free slot takes half of the jobs
   * waiting in the busiest other thread (newest first; placement.ts decides). Called when a
   * thread comes online or replies, before the scheduler is told of its free slots: jobs
   * sent ahead to a busy thread were sent before anything still queued, so they go first.
   */
  #rebalance(thief: Thread): void {
    const victim = victimOf(thief, this.#sup.threads, this.#shape);
    if (victim === undefined) return;
    victim.jobs.steal(stealCount(thief, victim, this.#shape), S.stolen, this.#start);
  }

  stop(job: Job<ThreadPayload>): void {
    const t = this.#thread(job);
    const e = t?.jobs.get(job.id);
    if (t === undefined || e === undefined) return;
    if (e.state === S.parked) {
      // Never sent: it simply leaves.
      t.jobs.stop(e);
      this.#hooks.requeued(job);
      return;
    }
    // A thread being killed or closed is already going; a retiring one still needs the kill.
    if (t.fate === 'kill' || t.fate === 'close') return;
    this.#flush(t); // the RUN must reach the thread before its CANCEL
    if (!t.jobs.has(job.id)) return; // its input could not be sent: it has ended
    const how = t.jobs.stop(e);
    if (how === undefined) return; // stopped already
    t.cancel(job.id);
    // cancelled: the thread skips it, or began it just before; the kill timer waits until
    // it is taken (the thread may be busy with another task that is not ours to kill).
    if (how === S.stopping) this.#sup.watch(t);
  }

  /** A streaming job may send `n` more values (the caller read them); ignored once it ended. */
  credit(job: Job<ThreadPayload>, n: number): void {
    const t = this.#thread(job);
    if (t === undefined || t.fate === 'kill' || t.fate === 'close') return;
    t.credit(job.id, n);
  }

  #thread(job: Job<ThreadPayload>): Thread | undefined {
    for (const t of this.#sup.threads) if (t.jobs.has(job.id)) return t;
    return undefined;
  }

  /**
   * Gives back every job placed on a thread that has not begun (the pool paused: none may
   * begin until it resumes). They return to the front of the queue, in their order.
   */
  recall(): void {
    for (const t of this.#sup.threads) if (t.fate === undefined) this.#recall(t);
  }

  /**
   * Takes back from a thread what it has not begun: what is parked here, and what waits in
   * the thread and can still be stolen from it. What the thread claimed first has begun: it
   * runs. (Nothing with transferred input waits in a thread: see ThreadJobs.)
   */
  #recall(t: Thread): void {
    const back: Job<ThreadPayload>[] = [];
    t.jobs.steal(Number.POSITIVE_INFINITY, S.recalled, (job) => back.push(job));
    // Stolen newest first: given back oldest first, so they keep their order.
    for (let i = back.length - 1; i >= 0; i--) this.#hooks.requeued(back[i] as Job<ThreadPayload>);
  }

  close(): Promise<void> {
    return this.#sup.close();
  }

  details(): Record<string, unknown> {
    return this.#sup.details(this.perWorker);
  }

  // ---- replies (replies.ts reads them) ---------------------------------------------------

  readonly #reply = (t: Thread, message: FromWorker): void =>
    readReply(t, message, this.#hooks, this.#on);

  readonly #on: ReplyHandler = {
    ready: (t, names) => {
      if (!this.#sup.online(t, names)) return;
      // Tasks stuck in busy threads were sent before anything still queued: take them first.
      this.#rebalance(t);
      this.#hooks.capacityChanged();
      // Start the threads that waited for this one after its first tasks are posted.
      queueMicrotask(() => this.#sup.fill());
    },
    loadFailed: (t, error) => this.#sup.loadFailed(t, error),
    replied: () => this.#sup.replied(),
    began: (job) => this.#hooks.began(job),
    watch: (t) => this.#sup.watch(t),
    freed: (t) => {
      if (t.jobs.watched === 0) this.#sup.clearKill(t);
      // Slots freed: the thread has begun what waited next (see ThreadJobs.promote).
      if (t.fate !== 'kill' && t.fate !== 'close') {
        t.jobs.promote(t.jobs.runningRoom, this.#on.began);
        this.#unpark(t);
      }
      if (t.jobs.placed === 0) {
        if (t.fate === 'retire') void t.worker.terminate();
        else t.reference(false);
      }
      this.#rebalance(t);
    },
  };

  // ---- messages out (outbox.ts batches them) ---------------------------------------------

  readonly #flushAll = (): void => {
    this.#flushScheduled = false;
    for (const t of this.#sup.threads) if (!t.outbox.empty) this.#flush(t);
    this.#spin();
  };

  /**
   * Busy-waits (up to `spin` µs, adaptively: see Spinner) for a reply to what was just
   * posted, and takes it synchronously, instead of letting the event loop sleep and wake.
   */
  #spin(): void {
    for (const t of this.#sup.threads)
      if (t.jobs.placed > 0) {
        this.#spinner.spin(this.#poll);
        return;
      }
  }

  readonly #poll = (): boolean => {
    let any = false;
    for (const t of this.#sup.threads) if (t.receive()) any = true;
    return any;
  };

  /** Posts a thread's pending tasks; a task whose input cannot be cloned rejects DataCloneError. */
  #flush(t: Thread): void {
    t.post((job, error) => {
      t.jobs.unsendable(t.jobs.get(job.id) as JobEntry);
      this.#hooks.finished(job, false, new DataCloneError('input', { cause: error }));
    });
    if (t.jobs.placed === 0 && t.fate === 'retire') void t.worker.terminate();
  }
}
