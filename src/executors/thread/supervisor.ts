/**
 * Supervision of a thread pool's threads: starting them up to the target, the kill of a
 * thread whose stopped task outlives `killGrace`, the end of a thread (what ran on it is
 * killed, what it never took is given back), and the backoff when the task module keeps
 * failing to start, until the pool is declared unhealthy. What runs where is the
 * executor's (thread-executor.ts); this only keeps threads alive or ends them.
 */
import { availableParallelism } from 'node:os';
import { TaskModuleError, WorkerCrashedError } from '../../errors.js';
import type { ExecutorHooks } from '../../types.js';
import { mayHeal, prepare } from './bootstrap.js';
import { S } from './job-state.js';
import type { Shape } from './placement.js';
import type { FromWorker } from './protocol.js';
import { type SpawnOptions, Thread, type ThreadPayload } from './thread.js';

/** The part of a Clock the executor needs (structural, so executors stay apart from scheduler/). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SupervisorOptions extends SpawnOptions {
  /** Ms a stopped task may take to end after its signal aborts, before its thread is killed. */
  readonly killGrace: number;
  /** Most µs to busy-wait for a reply after posting tasks, and a thread for its next task (0: never). */
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

/** Hooks before the scheduler binds its own. */
export const noHooks: ExecutorHooks<ThreadPayload> = {
  progress() {},
  began() {},
  requeued() {},
  finished() {},
  killed() {},
  capacityChanged() {},
  unhealthy() {},
  healthy() {},
};

/** Threads started at once while none is online (see `fill`). */
const startTogether = Math.max(1, availableParallelism());

export class Supervisor {
  /** Every thread not yet exited, those being retired or killed included. */
  readonly threads: Thread[] = [];
  /** The pool's target: threads alive, starting, or waiting to be restarted. */
  target = 0;
  /** Threads started so far (for `stats().details`). */
  spawned = 0;
  /** The task module's handler names, as the first thread to load it reported them. */
  handlers: readonly string[] | undefined = undefined;
  hooks: ExecutorHooks<ThreadPayload> = noHooks;
  #closing = false;
  #unhealthy = false;
  /** Consecutive failed start rounds (reset by any task result: `replied`). */
  #failures = 0;
  #backoff: unknown = undefined;
  readonly #o: SupervisorOptions;
  readonly #shape: Shape;
  readonly #reply: (t: Thread, message: FromWorker) => void;

  constructor(
    options: SupervisorOptions,
    shape: Shape,
    reply: (t: Thread, message: FromWorker) => void,
  ) {
    this.#o = options;
    this.#shape = shape;
    this.#reply = reply;
  }

  /** Threads the pool still wants (not retiring, killed or closing). */
  wanted(): number {
    let n = 0;
    for (const t of this.threads) if (t.fate === undefined) n++;
    return n;
  }

  /**
   * Starts threads up to the target, unless closing, unhealthy or backing off. While no
   * thread is online, at most `availableParallelism()` start at once and the rest follow
   * when one is online: threads starting together share the cores, so more than there are
   * cores only delays the first result.
   */
  fill(): void {
    if (this.#closing || this.#unhealthy || this.#backoff !== undefined) return;
    let online = false;
    let starting = 0;
    for (const t of this.threads) {
      if (t.fate !== undefined) continue;
      if (t.online) online = true;
      else starting++;
    }
    for (let n = this.wanted(); n < this.target; n++) {
      if (!online && starting >= startTogether) return; // the rest once one is online
      const data = prepare(this.#o.module);
      if (data instanceof Error) {
        // What `prepare` finds (no such file, a directory, no tsx) does not heal: no retries.
        queueMicrotask(() => this.#startFailed(data, false, true));
        return;
      }
      this.#spawn(data);
      starting++;
    }
  }

  #spawn(data: Exclude<ReturnType<typeof prepare>, Error>): void {
    const t = new Thread(data, this.#o, this.#shape, this.#o.spin);
    this.spawned++;
    this.threads.push(t);
    t.onReply = (message) => this.#reply(t, message);
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

  /** READY: the module loaded in `t`. Returns whether the pool still wants `t` (it may take work). */
  online(t: Thread, names: string[]): boolean {
    t.online = true;
    t.handlers = names;
    this.handlers ??= names;
    t.index = new Map(names.map((name, i) => [name, i]));
    if (t.fate !== undefined) return false;
    if (t.jobs.placed === 0) t.reference(false);
    this.#o.observer?.('online', { id: t.id });
    return true;
  }

  /** LOAD_ERROR: the module failed to load in `t`; its end retries or turns unhealthy. */
  loadFailed(t: Thread, error: Error): void {
    t.error = error;
    t.broken = !mayHeal(error);
    void t.worker.terminate();
  }

  /** A task result arrived: the module works, so start failures count afresh. */
  replied(): void {
    this.#failures = 0;
  }

  /** A stopped job of `t` was taken by it: kill `t` unless every such job ends within `killGrace`. */
  watch(t: Thread): void {
    if (t.killTimer === undefined)
      t.killTimer = this.#o.timers.setTimeout(() => this.#kill(t), this.#o.killGrace);
  }

  /** No stopped job of `t` is left: no kill. */
  clearKill(t: Thread): void {
    if (t.killTimer === undefined) return;
    this.#o.timers.clearTimeout(t.killTimer);
    t.killTimer = undefined;
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
    this.fill();
  }

  /** Ends every thread (what still runs is killed) and resolves once all are gone. */
  async close(): Promise<void> {
    this.#closing = true;
    this.target = 0;
    if (this.#backoff !== undefined) this.#o.timers.clearTimeout(this.#backoff);
    this.#backoff = undefined;
    const threads = [...this.threads];
    for (const t of threads) {
      this.clearKill(t);
      if (t.fate !== 'kill') t.fate = 'close';
      // Whoever awaits close() must be kept alive until the threads are really gone, even
      // if they were idle (and so unreferenced).
      t.reference(true);
      void t.worker.terminate();
    }
    await Promise.all(threads.map((t) => t.exited));
  }

  /** For `stats().details`. */
  details(perWorker: number): Record<string, unknown> {
    return {
      alive: this.threads.length,
      online: this.threads.filter((t) => t.online && t.fate === undefined).length,
      spawned: this.spawned,
      threads: this.threads.map((t) => t.describe(perWorker)),
    };
  }

  #onExit(t: Thread, exitCode: number): void {
    // Replies posted before the thread ended count (its own channel is not drained for us).
    t.seen = -1;
    t.receive();
    t.port.close();
    const i = this.threads.indexOf(t);
    if (i >= 0) this.threads.splice(i, 1);
    this.clearKill(t);
    const fate = t.fate;
    const hadJobs = t.jobs.placed > 0;
    if (hadJobs) this.#lost(t, exitCode);
    this.#o.observer?.('exit', { id: t.id, exitCode, reason: fate ?? 'crash' });
    if (fate !== undefined || this.#closing) return;
    // Died on its own. With tasks in flight they caused it: replace it now. Dying before
    // its module loaded, or while idle, would repeat: back off, then give up.
    if (hadJobs && t.online) this.fill();
    else
      this.#startFailed(
        t.error ?? new Error(`Worker thread exited with code ${exitCode}`),
        t.online,
        t.broken,
      );
  }

  /** `t` ended with jobs: those it never took are given back, the others fail `WorkerCrashedError`. */
  #lost(t: Thread, exitCode: number): void {
    const hooks = this.hooks;
    const fate = t.fate;
    const message =
      fate === 'kill'
        ? `Worker thread ${t.id} was terminated: ${t.error?.message ?? 'killed'}`
        : fate === 'close'
          ? `Worker thread ${t.id} was terminated with the pool`
          : `Worker thread ${t.id} exited with code ${exitCode} while running the task${
              t.error === undefined ? '' : `: ${t.error.message}`
            }`;
    for (const e of t.jobs.exited()) {
      if (e.state === S.recalled) {
        hooks.requeued(e.job);
        continue;
      }
      if (fate === 'kill' || fate === 'close') hooks.killed(e.job);
      hooks.finished(
        e.job,
        false,
        new WorkerCrashedError(
          message,
          exitCode,
          t.error === undefined ? undefined : { cause: t.error },
        ),
      );
    }
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
      this.hooks.unhealthy(new TaskModuleError(message, { cause }));
      return;
    }
    const delay = this.#o.loadRetryDelay * 2 ** (this.#failures - 1);
    this.#backoff = this.#o.timers.setTimeout(() => {
      this.#backoff = undefined;
      this.fill();
    }, delay);
  }
}
