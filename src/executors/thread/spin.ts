/**
 * Bounded, adaptive busy-waiting, used by both ends of a thread's channel. A reply to a
 * short task, or the next task of a busy pool, is there within a few µs, but a thread whose
 * event loop went to sleep takes tens of µs to wake, and waking it costs the sender as much
 * (measured here: ~2 µs round trip with both ends spinning, ~20-50 µs without). It imports
 * nothing, so a worker thread can load it.
 *
 * A spin that times out doubles the number of spins skipped after it (up to MAX_PENALTY),
 * so waits that are long anyway cost almost no spinning; one that succeeds resets that. At
 * most TURN_MS of each turn of the event loop goes to spinning (and what the polls do), so
 * timers and I/O still run while messages keep arriving.
 */

/** Ms of one event-loop turn that may go to spinning. */
const TURN_MS = 1;
/** Most spins skipped after spins that timed out. */
const MAX_PENALTY = 64;

export class Spinner {
  /** Most µs one spin lasts (0: never spin). */
  readonly micros: number;
  readonly #now: () => number;
  readonly #nextTurn: (fn: () => void) => void;
  #skip = 0;
  #penalty = 0;
  /** When spinning began in this turn of the event loop (-1: not yet). */
  #turn = -1;

  /** `now` (ms) and `nextTurn` (runs a callback in the next turn of the event loop) are for tests. */
  constructor(
    micros: number,
    now: () => number = () => performance.now(),
    nextTurn: (fn: () => void) => void = setImmediate,
  ) {
    this.micros = micros;
    this.#now = now;
    this.#nextTurn = nextTurn;
  }

  /** Calls `poll` until it returns true (then true) or the spin times out or is skipped (false). */
  spin(poll: () => boolean): boolean {
    if (this.micros <= 0) return false;
    if (this.#skip > 0) {
      this.#skip--;
      return false;
    }
    const start = this.#now();
    if (this.#turn < 0) {
      this.#turn = start;
      this.#nextTurn(this.#newTurn);
    } else if (start - this.#turn >= TURN_MS) return false;
    const deadline = start + this.micros / 1000;
    do {
      if (poll()) {
        this.#penalty = 0;
        return true;
      }
    } while (this.#now() < deadline);
    this.#penalty = Math.min(this.#penalty * 2 || 1, MAX_PENALTY);
    this.#skip = this.#penalty;
    return false;
  }

  readonly #newTurn = (): void => {
    this.#turn = -1;
  };
}
