/**
 * Exercise 1, "handle errors gracefully": a task that throws rejects only its own result.
 * The pool keeps its workers and runs the other jobs; `close()` counts the failures.
 * (The in-process Pool catches what a task throws; a ThreadPool also survives a thread
 * that crashes, and replaces it.)
 */
import { Pool } from '../src/index.js';
import { type ExampleIO, runIfMain } from './io.js';

export class BadInputError extends Error {
  override readonly name = 'BadInputError';
}

export async function main(io: ExampleIO) {
  const pool = new Pool({ concurrency: 3, clock: io.clock });
  const inputs = ['4', '9', 'sixteen', '25', '-1', '36'];

  const squareRoot = async (input: string): Promise<number> => {
    await io.sleep(100); // simulate work
    const n = Number(input);
    if (!Number.isFinite(n) || n < 0) throw new BadInputError(`cannot take the root of "${input}"`);
    return Math.sqrt(n);
  };

  // allSettled: one failure does not hide the other results.
  const outcomes = await Promise.allSettled(
    inputs.map((input) => pool.run(() => squareRoot(input))),
  );
  outcomes.forEach((o, i) => {
    if (o.status === 'fulfilled') io.log(`Job ${i + 1} (${inputs[i]}): ${o.value}`);
    else io.log(`Job ${i + 1} (${inputs[i]}) failed: ${String(o.reason)}`);
  });

  // The pool is still healthy after the failures.
  io.log(`Still working: sqrt(49) = ${await pool.run(() => squareRoot('49'))}`);
  const report = await pool.close();
  io.log(`Report: ${report.completed} completed, ${report.failed} failed`);
  return report;
}

runIfMain(import.meta, main);
