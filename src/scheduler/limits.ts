import { type AdaptiveState, adapt, adaptiveDefaults, initialAdaptive } from './adaptive.js';
import type { Clock, TimerHandle } from './clock.js';
import { type RateLimit, RateWindow } from './rate.js';

/** What the start limits read of the scheduler's options. */
export interface LimitOptions {
  readonly rate: RateLimit | undefined;
  readonly adaptive: boolean;
  readonly maxPerKey: number;
  readonly min: number;
  readonly max: number;
  readonly clock: Clock;
}

/** The worker limits the adaptive limit lives within (the scheduler's sizer). */
export interface WorkerLimits {
  readonly min: number;
  readonly max: number;
}

/**
 * Start limits beyond free workers: a start rate, an adaptive limit on tasks in flight,
 * and a cap per key. Owns their state; the scheduler asks it only when `limited` (set once,
 * at construction), so a pool without limits never calls in here on the run/finish path.
 * Limits count dispatched records, not begun ones: conservative under prefetch.
 */
export class StartLimits {
  /** Whether any limit is configured. */
  readonly limited: boolean;
  readonly #rate: RateWindow | undefined;
  readonly #maxPerKey: number;
  readonly #clock: Clock;
  /** Called once a start the rate refused becomes allowed. */
  readonly #wake: () => void;
  #rateTimer: TimerHandle = undefined;
  #adaptive: AdaptiveState | undefined;
  readonly #perKey = new Map<string, number>();
  /** Whether a key is below its cap (a queue's eligibility filter). */
  readonly keyEligible = (key: string): boolean => (this.#perKey.get(key) ?? 0) < this.#maxPerKey;

  constructor(options: LimitOptions, wake: () => void) {
    this.#rate = options.rate === undefined ? undefined : new RateWindow(options.rate);
    this.#adaptive = options.adaptive ? initialAdaptive(options) : undefined;
    this.#maxPerKey = options.maxPerKey;
    this.#clock = options.clock;
    this.#wake = wake;
    this.limited =
      this.#rate !== undefined ||
      options.adaptive ||
      options.maxPerKey !== Number.POSITIVE_INFINITY;
  }

  get rated(): boolean {
    return this.#rate !== undefined;
  }
  get adaptive(): boolean {
    return this.#adaptive !== undefined;
  }
  /** Whether the per-key cap is set (the queue must then skip capped keys). */
  get perKey(): boolean {
    return this.#maxPerKey !== Number.POSITIVE_INFINITY;
  }

  /** Turns adaptive concurrency on (a `resize` to `'auto'`); a no-op if already on. */
  enableAdaptive(limits: WorkerLimits): void {
    if (this.#adaptive === undefined) this.#adaptive = initialAdaptive(limits);
  }

  /** The adaptive limit on running tasks (Infinity when not adaptive). */
  cap(workers: WorkerLimits): number {
    return this.#adaptive === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(1, workers.min, Math.floor(this.#adaptive.limit));
  }

  /** Whether a record with `key` may start at `now`, with `active` dispatched (no timer is armed). */
  mayStartNow(
    active: number,
    key: string | undefined,
    now: number,
    workers: WorkerLimits,
  ): boolean {
    if (active >= this.cap(workers)) return false;
    if (this.#rate !== undefined && this.#rate.allowedAt(now) > now) return false;
    return (
      key === undefined || this.#maxPerKey === Number.POSITIVE_INFINITY || this.keyEligible(key)
    );
  }

  /** Whether the rate allows a start now; if not, arms one timer that wakes the scheduler. */
  rateAllows(): boolean {
    const rate = this.#rate;
    if (rate === undefined) return true;
    const clock = this.#clock;
    const now = clock.now();
    const at = rate.allowedAt(now);
    if (at <= now) return true;
    if (this.#rateTimer === undefined) {
      this.#rateTimer = clock.setTimeout(() => {
        this.#rateTimer = undefined;
        this.#wake();
      }, at - now);
    }
    return false;
  }

  /** Counts a start (`now`: a clock reading the caller has, if any). */
  started(key: string | undefined, now: number | undefined): void {
    this.#rate?.record(now ?? this.#clock.now());
    if (key !== undefined) this.#perKey.set(key, (this.#perKey.get(key) ?? 0) + 1);
  }

  /** Undoes `started`'s per-key count. */
  released(key: string | undefined): void {
    if (key === undefined) return;
    const n = (this.#perKey.get(key) ?? 1) - 1;
    if (n === 0) this.#perKey.delete(key);
    else this.#perKey.set(key, n);
  }

  /** Feeds a finished run's time to the adaptive limit (`inFlight` counts it). */
  ran(runMs: number, inFlight: number, workers: WorkerLimits): void {
    if (this.#adaptive === undefined) return;
    this.#adaptive = adapt(this.#adaptive, runMs, inFlight, {
      ...adaptiveDefaults,
      min: workers.min,
      max: workers.max,
    });
  }

  /** Disarms the rate timer (shutdown). */
  stop(): void {
    if (this.#rateTimer !== undefined) {
      this.#clock.clearTimeout(this.#rateTimer);
      this.#rateTimer = undefined;
    }
  }
}
