import { TaskCancelledError } from '../errors.js';
import * as v from '../validate.js';
import { listen } from './signal.js';
import { WaitQueue } from './wait-queue.js';

/** Runs one group function: the default calls it directly; a pool passes its own `run`. */
export type ErrGroupRun = <T>(
  fn: (signal: AbortSignal) => T | Promise<T>,
  signal: AbortSignal,
) => Promise<T>;

export interface ErrGroupOptions {
  /** Most functions running at once: an integer from 1 and up, or `Infinity`. @default Infinity */
  readonly limit?: number | undefined;
  /** A parent signal: its abort aborts the group's `signal` with the same reason. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Executes a function, e.g. on a pool:
   * `run: (fn, signal) => pool.run((ctx) => fn(ctx.signal), { signal })`.
   * @default calls `fn(signal)` directly
   */
  readonly run?: ErrGroupRun | undefined;
}

interface Pending {
  readonly fn: (signal: AbortSignal) => unknown;
  readonly started: () => void;
}

const directRun: ErrGroupRun = async (fn, signal) => fn(signal);

/**
 * Go's `errgroup.Group` with `WithContext` and `SetLimit`: runs functions, `wait` resolves when
 * all have finished or rejects with the FIRST error (later ones are ignored). A zero-config
 * group is valid.
 *
 * `signal` aborts on the first error (reason: that error), when the parent signal aborts
 * (reason: the parent's), or when `wait()` settles (reason: the first error, else a
 * `TaskCancelledError`), as Go cancels the derived context when `Wait` returns. A parent's
 * abort alone does not fail the group: functions that stop because of it report their own
 * errors, as in Go.
 *
 * `go()` after the group failed or finished is allowed, as in Go: the function still runs,
 * and sees the aborted `signal`. Functions waiting for a slot under `limit` start in FIFO order,
 * also after a failure (their signal is already aborted).
 */
export class ErrGroup {
  readonly #limit: number;
  readonly #run: ErrGroupRun;
  readonly #controller = new AbortController();
  readonly #pending = new WaitQueue<Pending>();
  #active = 0;
  #failed = false;
  #error: unknown;
  #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(options: ErrGroupOptions = {}) {
    this.#limit = v.integer('limit', options.limit ?? Number.POSITIVE_INFINITY, 1, true);
    const run = options.run ?? directRun;
    v.fn('run', run);
    this.#run = run;
    const parent = options.signal;
    if (parent?.aborted) this.#controller.abort(parent.reason);
    else if (parent !== undefined) {
      const dispose = listen(parent, () => this.#controller.abort(parent.reason));
      // Once the group's signal is aborted for any reason, the parent has nothing to tell it.
      this.#controller.signal.addEventListener('abort', dispose, { once: true });
    }
  }

  /** Aborted on the first error, on the parent's abort, or when `wait()` settles. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get limit(): number {
    return this.#limit;
  }

  /** Functions started and not yet settled. */
  get running(): number {
    return this.#active;
  }

  /** Functions waiting for a slot under `limit`. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Runs `fn(signal)` in the group. Resolves once it has STARTED (at once when under `limit`,
   * else when a slot frees); never rejects (failures go to `wait`), so it may be ignored. Await
   * it to apply back-pressure, as Go's `Go` blocks at the limit.
   */
  go(fn: (signal: AbortSignal) => unknown): Promise<void> {
    v.fn('fn', fn);
    if (this.tryGo(fn)) return Promise.resolve();
    return new Promise<void>((started) => {
      this.#pending.push({ fn, started });
    });
  }

  /** Starts `fn` only if a slot is free (and nothing waits for one): true when started. */
  tryGo(fn: (signal: AbortSignal) => unknown): boolean {
    v.fn('fn', fn);
    if (this.#active >= this.#limit || this.#pending.size > 0) return false;
    this.#start(fn);
    return true;
  }

  /**
   * Resolves when every function (including those waiting for a slot) has settled; rejects
   * with the first error instead if any failed. Then aborts `signal`.
   */
  wait(): Promise<void> {
    const settled = new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
    if (this.#active === 0 && this.#pending.size === 0) this.#settleWaiters();
    return settled;
  }

  #start(fn: (signal: AbortSignal) => unknown): void {
    this.#active++;
    let running: Promise<unknown>;
    try {
      // `Promise.resolve`: a custom `run` that returns a plain value or a thenable still works.
      running = Promise.resolve(this.#run(fn, this.#controller.signal));
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      () => this.#finished(),
      (error: unknown) => {
        if (!this.#failed) {
          this.#failed = true;
          this.#error = error;
          this.#controller.abort(error);
        }
        this.#finished();
      },
    );
  }

  #finished(): void {
    this.#active--;
    while (this.#active < this.#limit) {
      const next = this.#pending.shift()?.value;
      if (next === undefined) break;
      this.#start(next.fn);
      next.started();
    }
    if (this.#active === 0 && this.#pending.size === 0) this.#settleWaiters();
  }

  #settleWaiters(): void {
    if (this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const { resolve, reject } of waiters) {
      if (this.#failed) reject(this.#error);
      else resolve();
    }
    if (!this.#controller.signal.aborted) {
      this.#controller.abort(new TaskCancelledError('ErrGroup finished: wait() returned'));
    }
  }
}
