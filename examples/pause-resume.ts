/**
 * Exercise 3, "a pool that can be paused and resumed": `pause()` stops starting tasks
 * (running ones finish, new ones are still accepted and wait); `resume()` starts them again.
 */
import { Pool } from '../src/index.js';
import { type ExampleIO, runIfMain } from './io.js';

export async function main(io: ExampleIO): Promise<{ started: { job: number; at: number }[] }> {
  const pool = new Pool({ concurrency: 2, clock: io.clock });
  const t0 = io.clock.now();
  const at = (): number => Math.round(io.clock.now() - t0);
  const started: { job: number; at: number }[] = [];

  const tasks = [1, 2, 3, 4, 5, 6, 7, 8].map((job) =>
    pool.run(async () => {
      started.push({ job, at: at() });
      io.log(`t=${at()}ms  job ${job} started`);
      await io.sleep(200); // simulate work
    }),
  );

  await io.sleep(300);
  pool.pause();
  const s = pool.stats();
  io.log(`t=${at()}ms  paused (${s.running} running, ${s.queued} queued)`);

  await io.sleep(600);
  const p = pool.stats();
  io.log(`t=${at()}ms  still paused: nothing started (${p.running} running, ${p.queued} queued)`);
  io.log(`t=${at()}ms  resume`);
  pool.resume();

  await Promise.all(tasks);
  await pool.close();
  return { started };
}

runIfMain(import.meta, main);
