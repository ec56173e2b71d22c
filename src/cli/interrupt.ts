import { ExitCode } from './errors.js';

/**
 * Ctrl-C handling for long runs. The first SIGINT calls `graceful` (stop reading, let running
 * tasks finish, write what is done, print the summary; the command then exits 130). A
 * second one exits 130 at once. Returns the function that removes the handler.
 */
export function onInterrupt(graceful: () => void, stderr: NodeJS.WriteStream): () => void {
  let count = 0;
  const handler = (): void => {
    count++;
    if (count === 1) {
      stderr.write('\nInterrupted: finishing the running tasks (Ctrl-C again to stop at once)\n');
      graceful();
    } else {
      stderr.write('\nInterrupted twice: stopping now\n');
      process.exit(ExitCode.interrupted);
    }
  };
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
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
