/**
 * The dynamic pool with a Pool: `concurrency: { min: 2, max: 5 }` grows at once when work
 * waits (no polling), and `idleTimeout` retires workers the load no longer needs. The
 * `resize` event reports each change. Same load as the tutorial: a burst of jobs every
 * 100 ms, then one every 600 ms, each taking 500 ms.
 */
import { Pool } from '../src/index.js';
import type { DynamicResult } from './dynamic-channels.js';
import { type ExampleIO, runIfMain } from './io.js';

export async function main(io: ExampleIO): Promise<DynamicResult> {
  const pool = new Pool({ concurrency: { min: 2, max: 5 }, idleTimeout: 1000, clock: io.clock });
  const sizes = [pool.stats().workers];
  pool.on('resize', ({ workers }) => {
    io.log(`Pool resized to ${workers} workers`);
    sizes.push(workers);
  });

  const results: Promise<void>[] = [];
  const collected: number[] = [];
  for (let i = 1; i <= 20; i++) {
    const task = await pool.submit(async () => {
      io.log(`Processing job ${i}`);
      await io.sleep(500); // simulate work
      return i * i;
    });
    results.push(
      task.result.then((r) => {
        io.log(`Got result: ${r}`);
        collected.push(r);
      }),
    );
    await io.sleep(i < 10 ? 100 : 600);
  }
  await Promise.all(results);
  await pool.close();
  io.log(`Workers over time: ${sizes.join(' → ')}`);
  return { results: collected, sizes };
}

runIfMain(import.meta, main);
