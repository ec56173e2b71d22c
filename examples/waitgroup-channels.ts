/**
 * The tutorial's WaitGroup version: each worker calls `wg.done()` when the jobs channel is
 * drained; a helper closes the results channel once `wg.wait()` resolves, so main simply
 * ranges over the results without knowing how many there will be.
 */
import { Channel, WaitGroup } from '../src/index.js';
import type { Job, Result } from './basic-channels.js';
import { type ExampleIO, runIfMain } from './io.js';

export async function main(io: ExampleIO): Promise<Result[]> {
  const jobs = new Channel<Job>(100);
  const results = new Channel<Result>(100);
  const wg = new WaitGroup();

  const numWorkers = 3;
  for (let w = 1; w <= numWorkers; w++) {
    wg.add(1);
    void worker(io, w, jobs, results, wg);
  }

  const numJobs = 5;
  for (let j = 1; j <= numJobs; j++) await jobs.send({ id: j, number: j });
  jobs.close();

  // Close the results channel once every worker is done.
  void wg.wait().then(() => results.close());

  const collected: Result[] = [];
  for await (const result of results) {
    io.log(`Result: Job ID ${result.jobId}, Number ${result.number}, Square ${result.square}`);
    collected.push(result);
  }
  io.log('All workers done, results channel closed');
  return collected;
}

async function worker(
  io: ExampleIO,
  id: number,
  jobs: Channel<Job>,
  results: Channel<Result>,
  wg: WaitGroup,
) {
  try {
    for await (const job of jobs) {
      io.log(`Worker ${id} processing job ${job.id}`);
      await io.sleep(1000); // simulate work
      await results.send({ jobId: job.id, number: job.number, square: job.number * job.number });
    }
  } finally {
    wg.done(); // Go's `defer wg.Done()`
  }
}

runIfMain(import.meta, main);
