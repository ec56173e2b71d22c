/**
 * The wedged-connection watchdog of a worker host. A BullMQ worker can stop receiving
 * work without any error: after a Redis restart or a network fault a socket may stay open
 * and never answer again (BullMQ #4479, #4585). BullMQ 6 already resets its blocking
 * connection when a blocking read overstays; nothing resets a command connection whose
 * `moveToActive` never returns, nor the host's own connections. So every `interval` the
 * host asks Redis how many of its queue's jobs wait, and looks at what it did meanwhile:
 * jobs wait (or Redis did not answer the previous ask within the interval), the host had
 * a free slot, and it started nothing — twice in a row — means it is wedged, and it
 * recovers (new BullMQ worker, reconnected clients). Twice, so a job added just before a
 * check is not taken for a wedge; a false alarm costs only a reconnect.
 */
import type { Clock } from '../index.js';

type TimerHandle = ReturnType<Clock['setTimeout']>;

/** What the host saw at one check. */
export interface Observation {
  /** Jobs waiting to start, as Redis answered the previous check; `undefined`: no answer yet. */
  readonly waiting: number | undefined;
  /** Jobs the host has started, ever. */
  readonly starts: number;
  /** It could have taken a job (a slot was free). */
  readonly free: boolean;
}

export interface WatchState {
  /** Checks in a row that looked wedged. */
  readonly strikes: number;
  /** `starts` at the previous check. */
  readonly starts: number;
}

/** Checks in a row that must look wedged before the host recovers. */
export const STRIKES = 2;

/** Pure: the next state, and whether to recover now. */
export function watch(
  state: WatchState,
  seen: Observation,
): { state: WatchState; recover: boolean } {
  const stuck =
    seen.free && seen.starts === state.starts && (seen.waiting === undefined || seen.waiting > 0);
  const strikes = stuck ? state.strikes + 1 : 0;
  if (strikes >= STRIKES) return { state: { strikes: 0, starts: seen.starts }, recover: true };
  return { state: { strikes, starts: seen.starts }, recover: false };
}

export interface WatchdogHost {
  /** Asks Redis how many jobs wait to start. */
  waiting(): Promise<number>;
  starts(): number;
  free(): boolean;
  recover(): void;
}

/** Runs `watch` every `interval` ms of `clock`. */
export class Watchdog {
  readonly #host: WatchdogHost;
  readonly #clock: Clock;
  readonly #interval: number;
  #state: WatchState = { strikes: 0, starts: 0 };
  #asking = false;
  #answer: number | undefined;
  /** Bumped at each recovery: a late answer from before it is dropped. */
  #generation = 0;
  #timer: TimerHandle | undefined;
  #first = true;

  constructor(host: WatchdogHost, clock: Clock, interval: number) {
    this.#host = host;
    this.#clock = clock;
    this.#interval = interval;
    if (interval !== Number.POSITIVE_INFINITY) this.#schedule();
  }

  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => this.#check(), this.#interval, { unref: true });
  }

  #check(): void {
    const seen: Observation = {
      waiting: this.#asking ? undefined : this.#answer,
      starts: this.#host.starts(),
      free: this.#host.free(),
    };
    if (this.#first) {
      // The first check (and the first after a recovery) has no answer to judge by: it asks.
      this.#first = false;
      this.#state = { strikes: 0, starts: seen.starts };
    } else {
      const next = watch(this.#state, seen);
      this.#state = next.state;
      if (next.recover) {
        this.#asking = false; // an answer on the old connection is no longer awaited
        this.#generation++;
        this.#first = true;
        this.#host.recover();
      }
    }
    this.#ask();
    this.#schedule();
  }

  #ask(): void {
    if (this.#asking) return;
    this.#asking = true;
    this.#answer = undefined;
    const generation = this.#generation;
    const answered = (n: number): void => {
      if (generation !== this.#generation) return;
      this.#asking = false;
      this.#answer = n;
    };
    // An error is an answer too (Redis is away and says so: ioredis reconnects by itself).
    this.#host.waiting().then(answered, () => answered(0));
  }
}
