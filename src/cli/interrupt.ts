import { ExitCode, type ExitCodeValue } from './errors.js';

/** The signals a long run handles alike, with the exit code each ends with (128 + its number). */
const signals = { SIGINT: ExitCode.interrupted, SIGTERM: ExitCode.terminated } as const;
export type StopSignal = keyof typeof signals;

/** The exit code of a run stopped by `signal`: 130 for SIGINT (Ctrl-C), 143 for SIGTERM. */
export function exitCodeOf(signal: StopSignal): ExitCodeValue {
  return signals[signal];
}

/**
 * Ctrl-C and SIGTERM handling for long runs, the same for both. The first signal calls
 * `graceful(signal)` (stop reading, let running tasks finish, write what is done, print the
 * summary; the command then exits 130 or 143). A second one exits at once with that code.
 * `before` runs first (the progress bar is cleared, so the message does not break it).
 * Returns the function that removes the handlers.
 */
export function onInterrupt(
  graceful: (signal: StopSignal) => void,
  stderr: NodeJS.WriteStream,
  before: () => void = () => {},
): () => void {
  let count = 0;
  const handler = (signal: StopSignal): void => {
    count++;
    if (count === 1) {
      before();
      // Under 80 columns, so the message keeps to one row of a terminal.
      const what = signal === 'SIGINT' ? 'Interrupted' : 'Terminated (SIGTERM)';
      const again = signal === 'SIGINT' ? 'Ctrl-C' : 'a signal';
      stderr.write(`\n${what}: finishing running tasks (${again} again: stop at once)\n`);
      graceful(signal);
    } else {
      stderr.write('\nInterrupted twice: stopping now\n');
      process.exit(exitCodeOf(signal));
    }
  };
  for (const s of Object.keys(signals) as StopSignal[]) process.on(s, handler);
  return () => {
    for (const s of Object.keys(signals) as StopSignal[]) process.off(s, handler);
  };
}

/** The part of a pool `finishRunning` drives (both Pool and ThreadPool have it). */
export interface Stoppable {
  pause(): void;
  stats(): { readonly running: number };
  terminate(): Promise<unknown>;
}

/**
 * After Ctrl-C: no new task starts, the running ones finish, then the queued ones are
 * dropped (they reject `PoolClosedError`: never run). Polls `running` because the pool
 * has no "running reached zero while paused" event; the poll only paces the shutdown.
 */
export async function finishRunning(pool: Stoppable): Promise<void> {
  pool.pause();
  while (pool.stats().running > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  await pool.terminate();
}

/**
 * Resolves with the first SIGTERM or SIGINT, for commands that run until stopped (`serve`,
 * `worker`). Its handlers are removed then, so a second signal gets Node's default: exit
 * at once.
 */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (s: NodeJS.Signals): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(s);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
