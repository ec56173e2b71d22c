import * as v from '../validate.js';

/** At most `limit` task starts in any window of `interval` ms. */
export interface RateLimit {
  readonly limit: number;
  readonly interval: number;
}

export function normalizeRate(value: unknown): RateLimit | undefined {
  if (value === undefined) return undefined;
  const o = v.object('rate', value);
  v.knownKeys('rate', o, new Set(['limit', 'interval']));
  return Object.freeze({
    limit: v.integer('rate.limit', o.limit, 1),
    interval: v.number('rate.interval', o.interval, Number.MIN_VALUE),
  });
}

/**
 * A sliding log of the last `limit` start times: exact over any window, not a fixed-window
 * approximation. A start is allowed at `now` when fewer than `limit` starts fall in
 * (now - interval, now], i.e. when the `limit`-th most recent start is at or before
 * now - interval. Memory: `limit` numbers.
 */
export class RateWindow {
  readonly #rate: RateLimit;
  readonly #starts: Float64Array;
  #next = 0;
  #count = 0;

  constructor(rate: RateLimit) {
    this.#rate = rate;
    this.#starts = new Float64Array(rate.limit);
  }

  /** The earliest time a start is allowed (`now` or later). */
  allowedAt(now: number): number {
    if (this.#count < this.#rate.limit) return now;
    const oldest = this.#starts[this.#next] as number;
    return Math.max(now, oldest + this.#rate.interval);
  }

  record(now: number): void {
    this.#starts[this.#next] = now;
    this.#next = (this.#next + 1) % this.#rate.limit;
    if (this.#count < this.#rate.limit) this.#count++;
  }
}
