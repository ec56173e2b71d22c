/**
 * Contracts between layers, types only (no runtime code): the scheduler drives an Executor
 * through them, and feeds a MetricsSink, without importing either implementation.
 */

/** One task as an executor sees it. */
export interface Job<P> {
  readonly id: number;
  readonly payload: P;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** Aborts on cancel, timeout and terminate (created on first access). */
  readonly signal: AbortSignal;
  /** The scheduler times this job's run: its begin and end should be reported promptly (`ExecutorHooks`). */
  readonly timed: boolean;
}

/** Health of an executor's workers (a thread pool whose task module does not load is unhealthy). */
export interface Health {
  readonly healthy: boolean;
  readonly error?: Error;
}

/**
 * How an executor reports to the scheduler that drives it: a job's begin and end, and
 * changes of its own. Reported here rather than through methods on the job, so a job
 * (one per queued task) needs no reference back to its scheduler.
 */
export interface ExecutorHooks<P> {
  /**
   * The work really begins. An executor may accept a job before it can run it (a thread's
   * prefetched tasks); the run timeout, the wait time and the running count start here, not
   * at `start`. Called at most once, before `finished`; `finished` without it means the job
   * ended without running (failed before it was sent).
   */
  began(job: Job<P>): void;
  /**
   * The executor gives back a job it accepted that never began (its thread died, was
   * killed or retired, or dropped it after `stop`): the scheduler queues it again, ahead of
   * the rest, or forgets it if it was settled meanwhile. Ends the executor's part: no
   * `finished` follows.
   */
  requeued(job: Job<P>): void;
  /**
   * The executor calls this exactly once (unless it called `requeued`), when the work has
   * really ended and its slot is free again (a timed-out in-process function that ignores
   * its signal finishes late).
   */
  finished(job: Job<P>, ok: boolean, value: unknown): void;
  /**
   * The executor stopped the job's work by force (its thread was terminated while the job
   * ran: killed past `killGrace`, or with the pool). Called just before that `finished`.
   */
  killed(job: Job<P>): void;

  /**
   * The job's work reported progress (`ctx.progress(value)`), before its `finished`. The
   * scheduler passes it on (the `progress` event, the task's `onProgress`) while the task
   * is undecided, and drops it afterwards.
   */
  progress(job: Job<P>, value: unknown): void;
  /** Capacity appeared outside a `finished` (a thread came online): dispatch again. */
  capacityChanged(): void;
  /** The executor cannot run tasks (e.g. its task module fails to load): fail what waits. */
  unhealthy(error: Error): void;
  /** The executor recovered. */
  healthy(): void;
}

/** Runs tasks somewhere. Mechanism only: order, limits and deadlines are the scheduler's. */
export interface Executor<P> {
  /** Workers alive or starting. */
  readonly workers: number;
  /**
   * Jobs it accepts right now: those that can begin at once, plus, for an executor that
   * queues ahead (threads' prefetch), those that will begin when a running one ends. The
   * executor, not the scheduler, keeps the jobs that have begun within the limit.
   */
  readonly free: number;
  /** Tasks each worker runs at once. */
  readonly perWorker: number;
  /** Called once by the scheduler that drives this executor, before anything else. */
  bind(hooks: ExecutorHooks<P>): void;
  /** Moves toward `workers` workers: grows at once; shrinks by retiring idle workers first. */
  resize(workers: number): void;
  /** Accepts a job (only called while `free > 0`); it calls `hooks.began(job)` when it really begins. */
  start(job: Job<P>): void;
  /**
   * The job's signal has been aborted: stop it cooperatively, then by force if the mechanism
   * can. A job that has not begun must not begin: it ends with `requeued` (or `finished`).
   */
  stop(job: Job<P>): void;
  /**
   * The scheduler paused: give back (`requeued`, in their order) the jobs accepted ahead of
   * running them that have not begun. Executors that run what they accept at once omit it.
   */
  recall?(): void;
  /**
   * Stops every worker and resolves once they are gone. The scheduler calls it once nothing
   * runs (graceful close) or after aborting what runs (terminate, a close deadline): work
   * still running then is killed where the mechanism can (threads: `killed`, then
   * `finished`); in-process work cannot be stopped, and the scheduler abandons it.
   */
  close(): Promise<void>;
  /** Mechanism-specific figures for `stats()` (threads: per-thread utilization). */
  details?(): Record<string, unknown>;
}

/**
 * How an accepted task ended: exactly one per task (docs/ARCHITECTURE.md, "Outcomes").
 * `completed` its value; `failed` its own error (or its thread crashed); `cancelled` by
 * `cancel()`, its signal, a stopping map or the pool's shutdown; `timedOut` its `timeout` or
 * `queueTimeout`; `dropped` evicted from a full queue by a drop overflow policy.
 */
export type Outcome = 'completed' | 'failed' | 'cancelled' | 'timedOut' | 'dropped';

/** What the scheduler reports to metrics, on the hot path: plain method calls, no events. */
export interface MetricsSink {
  /** A task was accepted. */
  submitted(name: string | undefined): void;
  started(waitMs: number, name: string | undefined): void;
  /** The caller's promise settled, `totalMs` after admission. */
  settled(outcome: Outcome, name: string | undefined, totalMs: number): void;
  /** The work ended (slot freed) after `runMs`. */
  ran(runMs: number, name: string | undefined): void;
  retried(name: string | undefined): void;
  /** A task refused at the door because the queue was full (never accepted). */
  rejected(name: string | undefined): void;
  /** A task's work was stopped by force (thread terminated, or abandoned at terminate). */
  killed(name: string | undefined): void;
}
