/**
 * Exercise 2, "prioritize certain tasks": with one worker busy, tasks queue; higher
 * `priority` starts first, FIFO among equals. (Pass `agingInterval` to the Pool so that
 * low priorities still start eventually under a steady stream of high ones.)
 */
import { Pool } from '../src/index.js';
import { type ExampleIO, runIfMain } from './io.js';

export async function main(io: ExampleIO): Promise<string[]> {
  const pool = new Pool({ concurrency: 1, clock: io.clock });
  const order: string[] = [];

  const job = (name: string) => async () => {
    io.log(`Running ${name}`);
    order.push(name);
    await io.sleep(100); // simulate work
  };

  // The first task takes the only worker at once; the others wait in the queue.
  const tasks = [
    pool.run(job('first (already running)')),
    pool.run(job('report (low)'), { priority: -1 }),
    pool.run(job('email A (normal)')),
    pool.run(job('payment (high)'), { priority: 10 }),
    pool.run(job('email B (normal)')),
    pool.run(job('alert (urgent)'), { priority: 100 }),
  ];
  await Promise.all(tasks);
  await pool.close();
  return order;
}

runIfMain(import.meta, main);
