import { createIO, type ExampleIO } from '../../examples/io.js';
import { ManualClock } from '../../src/index.js';
import { flush } from '../helpers.js';

/** An example's io on a ManualClock, keeping every printed line with the clock time it was printed at. */
export interface Captured {
  readonly io: ExampleIO;
  readonly clock: ManualClock;
  readonly lines: string[];
  readonly timed: { readonly at: number; readonly line: string }[];
}

export function capture(): Captured {
  const clock = new ManualClock();
  const lines: string[] = [];
  const timed: { at: number; line: string }[] = [];
  const io = createIO({
    clock,
    log: (line) => {
      lines.push(line);
      timed.push({ at: clock.now(), line });
    },
  });
  return { io, clock, lines, timed };
}

/**
 * Runs an example's `main` to the end on a ManualClock: lets everything runnable run
 * (`flush`), then moves time to the next timer, until `main` settles. Fails if `main`
 * waits with no timer pending (it would hang), or takes more than `maxSteps` timers.
 */
export async function drive<T>(run: Promise<T>, clock: ManualClock, maxSteps = 10_000): Promise<T> {
  let settled = false;
  const watched = run.finally(() => {
    settled = true;
  });
  watched.catch(() => {});
  for (let step = 0; step < maxSteps; step++) {
    await flush();
    if (settled) return watched;
    if (!clock.advanceToNext()) {
      await flush();
      if (settled) return watched;
      throw new Error(`main is stuck at t=${clock.now()}: it waits, and no timer is pending`);
    }
  }
  throw new Error(`main did not finish within ${maxSteps} timer steps`);
}

/** Runs `main` with a captured io on a ManualClock. */
export async function runExample<T>(
  main: (io: ExampleIO) => Promise<T>,
): Promise<Captured & { readonly result: T }> {
  const c = capture();
  const result = await drive(main(c.io), c.clock);
  return { ...c, result };
}
