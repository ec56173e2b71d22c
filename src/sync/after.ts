import * as v from '../validate.js';
import { Channel, channelInternals } from './channel.js';
import type { SignalOptions } from './signal.js';

/**
 * Go's `time.After(d)`: a channel (capacity 1) that receives `Date.now()` (or `clock.now()`) once, after `ms`
 * milliseconds, and is never closed. The tutorial's `case <-time.After(time.Second):` is
 * `{ receive: after(1000), do: () => ... }`.
 *
 * Process lifetime: the timer keeps the process alive only while someone waits on the channel
 * (a `receive()`, an iteration, or a select with this case); otherwise it is unref'd. So when a
 * select finishes on another case, it withdraws from this channel and the pending timer stops
 * holding the process open. The timer is not cleared then, on purpose: the same channel may
 * serve as a shared deadline for a loop of selects (`const timeout = after(5000)`), and it
 * must still fire for the next one. A value that fires with nobody waiting stays buffered.
 *
 * The unref'd timer object lives until it fires; in a hot loop with long timeouts, pass a
 * `signal` and abort it once the select is done to free the timer at once. Aborting clears the
 * timer; the channel then never receives (as a stopped Go timer never fires).
 */
export function after(ms: number, options?: AfterOptions): Channel<number> {
  const delay = v.number('ms', ms, 0);
  const channel = new Channel<number>(1);
  const signal = options?.signal;
  if (signal?.aborted) return channel;
  const clock = options?.clock;
  if (clock !== undefined) {
    // A clock's timers are its own business (a ManualClock fires them when told).
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      channel.trySend(clock.now());
    }, delay);
    const onAbort = (): void => clock.clearTimeout(handle);
    signal?.addEventListener('abort', onAbort, { once: true });
    return channel;
  }
  const onAbort = (): void => clearTimeout(timer);
  const timer = setTimeout(() => {
    signal?.removeEventListener('abort', onAbort);
    channel.trySend(Date.now());
  }, delay);
  timer.unref();
  channelInternals().watchReceivers(channel, (waiting) => {
    if (waiting) timer.ref();
    else timer.unref();
  });
  signal?.addEventListener('abort', onAbort, { once: true });
  return channel;
}

/** The part of a clock `after` uses (structural: a pool's `ManualClock` fits). */
export interface AfterClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface AfterOptions extends SignalOptions {
  /**
   * Where time comes from: the channel receives `clock.now()` once `clock` has moved `ms`
   * on (a `ManualClock` in tests). Without it, `Date.now()` after a real timer.
   */
  readonly clock?: AfterClock;
}
