/**
 * What every example gets: where to print, and what time is. Run directly, an example
 * prints to stdout on the system clock; `examples/index.ts` speeds time up; tests inject a
 * `ManualClock` and collect the lines, so no example's output depends on real sleeps.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Clock, systemClock } from '../src/index.js';

export interface ExampleIO {
  /** Prints one line. */
  readonly log: (line: string) => void;
  /** The example's time: pools are given it, `sleep` waits on it, `after(ms, { clock })` too. */
  readonly clock: Clock;
  /** Waits `ms` on `clock` (Go's `time.Sleep`); an aborted `signal` stops the wait and rejects. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface IOOptions {
  /** @default console.log */
  readonly log?: (line: string) => void;
  /** @default the system clock */
  readonly clock?: Clock;
}

export function createIO(options: IOOptions = {}): ExampleIO {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? ((line: string) => console.log(line));
  const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((done, fail) => {
      if (signal?.aborted) return fail(signal.reason);
      const onAbort = (): void => {
        clock.clearTimeout(timer);
        fail(signal?.reason);
      };
      const timer = clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        done();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  return { log, clock, sleep };
}

/**
 * The system clock, `speed` times faster: a 1000 ms timer fires after 1000 / speed ms of
 * wall time, and `now()` advances `speed` ms per wall-clock ms. Examples keep the
 * tutorial's durations and print them in tutorial time; only the wait is shorter.
 */
export function fastClock(speed: number): Clock {
  const start = systemClock.now();
  return {
    now: () => start + (systemClock.now() - start) * speed,
    setTimeout: (fn, ms, options) => systemClock.setTimeout(fn, ms / speed, options),
    clearTimeout: (handle) => systemClock.clearTimeout(handle),
  };
}

/** `250ms`, `2.21s`: durations printed the way Go prints them (rounded). */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

/** Runs `main` with stdout and the system clock when `meta`'s file is the program run by node. */
export function runIfMain(meta: ImportMeta, main: (io: ExampleIO) => Promise<unknown>): void {
  const entry = process.argv[1];
  if (entry === undefined) return;
  const self = fileURLToPath(meta.url);
  const real = (path: string): string => {
    try {
      return realpathSync(path);
    } catch {
      return resolve(path);
    }
  };
  if (real(entry) !== real(self)) return;
  main(createIO()).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
