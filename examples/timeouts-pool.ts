/**
 * Timeouts with a Pool: `timeout: 1000` per task. At the deadline the caller gets
 * `TaskTimeoutError` and the task's `signal` aborts, which here stops the work itself
 * (the tutorial's version lets the sleeping goroutine run on).
 */
import { Pool, TaskTimeoutError } from '../src/index.js';
import { type ExampleIO, runIfMain } from './io.js';

export async function main(io: ExampleIO): Promise<number[]> {
  const pool = new Pool({ concurrency: 3, clock: io.clock });
  const collected: number[] = [];

  const job = async (j: number) => {
    try {
      const square = await pool.run(
        async ({ signal }) => {
          io.log(`Started job ${j}`);
          await io.sleep(j * 200, signal); // work that stops when the signal aborts
          io.log(`Finished job ${j}`);
          return j * j;
        },
        { timeout: 1000 },
      );
      io.log(`Result: ${square}`);
      collected.push(square);
    } catch (error) {
      if (!(error instanceof TaskTimeoutError)) throw error;
      io.log(`Result: Job ${j} timed out`);
      collected.push(-j);
    }
  };
  await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9].map(job));

  const report = await pool.close();
  io.log(`Report: ${report.completed} completed, ${report.timedOut} timed out`);
  return collected;
}

runIfMain(import.meta, main);
