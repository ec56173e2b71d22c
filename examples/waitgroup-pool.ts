/**
 * The WaitGroup version with a Pool: `close()` is the WaitGroup. It stops accepting work,
 * resolves once every accepted task has settled, and reports how they ended.
 */
import { Pool } from '../src/index.js';
import type { Result } from './basic-channels.js';
import { type ExampleIO, runIfMain } from './io.js';

export async function main(io: ExampleIO): Promise<Result[]> {
  const pool = new Pool({ concurrency: 3, clock: io.clock });
  const collected: Result[] = [];

  for (let n = 1; n <= 5; n++) {
    // submit resolves once the task is accepted; its result arrives later.
    const task = await pool.submit(async () => {
      io.log(`Processing job ${n}`);
      await io.sleep(1000); // simulate work
      return { jobId: n, number: n, square: n * n };
    });
    void task.result.then((result) => {
      io.log(`Result: Job ID ${result.jobId}, Number ${result.number}, Square ${result.square}`);
      collected.push(result);
    });
  }

  const report = await pool.close(); // wg.Wait()
  io.log(`All done: ${report.completed} completed, ${report.failed} failed`);
  return collected;
}

runIfMain(import.meta, main);
