/**
 * The scheduler's only source of time. Tests inject a manual clock; production uses the
 * system one. Timers from a clock can be unref'd so housekeeping never keeps a process alive.
 */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(fn: () => void, ms: number, options?: { unref?: boolean }): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export type TimerHandle = unknown;

export const systemClock: Clock = Object.freeze({
  now: () => performance.now(),
  setTimeout(fn: () => void, ms: number, options?: { unref?: boolean }): TimerHandle {
    const timer = setTimeout(fn, ms);
    if (options?.unref === true) timer.unref();
    return timer;
  },
  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as NodeJS.Timeout);
  },
});

interface ManualTimer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * A clock that moves only when told: `advance(ms)` fires due timers in time order.
 * For deterministic tests of timeouts, aging, idle retirement and rate limits.
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers = new Set<ManualTimer>();

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: ManualTimer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.add(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as ManualTimer);
  }

  /** Timers still pending. */
  get pending(): number {
    return this.#timers.size;
  }

  /** When the earliest pending timer is due, or `undefined` with none pending. */
  nextAt(): number | undefined {
    let at: number | undefined;
    for (const t of this.#timers) if (at === undefined || t.at < at) at = t.at;
    return at;
  }

  /** Moves time to the earliest pending timer and fires it (and any due with it); false if none. */
  advanceToNext(): boolean {
    const at = this.nextAt();
    if (at === undefined) return false;
    this.advance(Math.max(0, at - this.#now));
    return true;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, earliest first. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const t of this.#timers) {
        if (
          t.at <= end &&
          (next === undefined || t.at < next.at || (t.at === next.at && t.seq < next.seq))
        )
          next = t;
      }
      if (next === undefined) break;
      this.#timers.delete(next);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
    this.#now = end;
  }
}
