/**
 * The tutorial's first program, as a workpool user writes it: the pool owns the workers
 * and the job queue; `map` streams each job's result as it finishes.
 */
import { Pool } from '../src/index.js';
import type { Result } from './basic-channels.js';
import { type ExampleIO, runIfMain } from './io.js';

export async function main(io: ExampleIO): Promise<Result[]> {
  const pool = new Pool({ concurrency: 3, clock: io.clock });

  const square = async (n: number): Promise<Result> => {
    io.log(`Processing job ${n}`);
    await io.sleep(1000); // simulate work
    return { jobId: n, number: n, square: n * n };
  };

  const collected: Result[] = [];
  for await (const result of pool.map([1, 2, 3, 4, 5], square, { ordered: false })) {
    io.log(`Result: Job ID ${result.jobId}, Number ${result.number}, Square ${result.square}`);
    collected.push(result);
  }
  await pool.close();
  return collected;
}

runIfMain(import.meta, main);
