import type { Executor } from '../types.js';
import type { Clock } from './clock.js';
import type { Emitter, SchedulerEvents } from './events.js';
import { demand, growTarget, shrinkTarget } from './sizing.js';

/**
 * Applies the sizing policy (scheduler/sizing.ts) to an executor: grows at once when work
 * waits, and retires workers not needed for a whole `idleTimeout` window, on one unref'd
 * timer armed only while there are more workers than `min`.
 */
export class Sizer<P> {
  min: number;
  max: number;
  readonly #executor: Executor<P>;
  readonly #clock: Clock;
  readonly #idleTimeout: number;
  readonly #events: Emitter<SchedulerEvents>;
  /** Highest demand (in workers) seen in the current idle window. */
  #peak = 0;
  #timer: unknown;
  /** The latest observation, read when the idle timer fires. */
  #running = 0;
  #queued = 0;
  #stopped = false;

  constructor(
    executor: Executor<P>,
    limits: { min: number; max: number },
    clock: Clock,
    idleTimeout: number,
    events: Emitter<SchedulerEvents>,
  ) {
    this.#executor = executor;
    this.min = limits.min;
    this.max = limits.max;
    this.#clock = clock;
    this.#idleTimeout = idleTimeout;
    this.#events = events;
  }

  /** Starts the `min` workers: once the scheduler is whole and bound to the executor. */
  start(): void {
    if (this.min > 0) this.#executor.resize(this.min);
  }

  /** Grows toward the demand of `running + queued` tasks (never shrinks). */
  grow(running: number, queued: number): void {
    const executor = this.#executor;
    const target = growTarget(
      { workers: executor.workers, running, queued, perWorker: executor.perWorker },
      { min: this.min, max: this.max },
    );
    if (target > executor.workers) this.#resize(target);
  }

  /** Notes demand after a dispatch pass; arms the idle timer when above `min`. */
  observe(running: number, queued: number): void {
    this.#running = running;
    this.#queued = queued;
    const d = demand({ running, queued, perWorker: this.#executor.perWorker });
    if (d > this.#peak) this.#peak = d;
    if (this.#timer === undefined && !this.#stopped && this.#executor.workers > this.min)
      this.#arm();
  }

  /** New limits: clamp the worker count into them at once. */
  setLimits(min: number, max: number): void {
    this.min = min;
    this.max = max;
    const workers = this.#executor.workers;
    const target = Math.min(max, Math.max(min, workers));
    if (target !== workers) this.#resize(target);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #arm(): void {
    if (this.#idleTimeout === Number.POSITIVE_INFINITY) return;
    this.#timer = this.#clock.setTimeout(() => this.#fire(), this.#idleTimeout, { unref: true });
  }

  #fire(): void {
    this.#timer = undefined;
    const executor = this.#executor;
    const now = demand({
      running: this.#running,
      queued: this.#queued,
      perWorker: executor.perWorker,
    });
    const target = shrinkTarget(executor.workers, Math.max(this.#peak, now), {
      min: this.min,
      max: this.max,
    });
    this.#peak = now;
    if (target < executor.workers) this.#resize(target);
    if (executor.workers > this.min && !this.#stopped) this.#arm();
  }

  #resize(workers: number): void {
    this.#executor.resize(workers);
    this.#events.emit('resize', { workers: this.#executor.workers });
  }
}
