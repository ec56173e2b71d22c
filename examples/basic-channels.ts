/**
 * The tutorial's first program, with Go's primitives: 3 workers read jobs from a buffered
 * channel, square the number (after 1 s of "work") and send results to another channel.
 * main knows how many results to expect, so it receives exactly that many.
 */
import { Channel } from '../src/index.js';
import { type ExampleIO, runIfMain } from './io.js';

export interface Job {
  readonly id: number;
  readonly number: number;
}

export interface Result {
  readonly jobId: number;
  readonly number: number;
  readonly square: number;
}

export async function main(io: ExampleIO): Promise<Result[]> {
  const jobs = new Channel<Job>(100);
  const results = new Channel<Result>(100);

  const numWorkers = 3;
  for (let w = 1; w <= numWorkers; w++) void worker(io, w, jobs, results);

  const numJobs = 5;
  for (let j = 1; j <= numJobs; j++) await jobs.send({ id: j, number: j });
  jobs.close();

  const collected: Result[] = [];
  for (let a = 1; a <= numJobs; a++) {
    const { value: result, ok } = await results.receive();
    if (!ok) break;
    io.log(`Result: Job ID ${result.jobId}, Number ${result.number}, Square ${result.square}`);
    collected.push(result);
  }
  return collected;
}

/** Go's `for job := range jobs`: ends once `jobs` is closed and drained. */
async function worker(io: ExampleIO, id: number, jobs: Channel<Job>, results: Channel<Result>) {
  for await (const job of jobs) {
    io.log(`Worker ${id} processing job ${job.id}`);
    await io.sleep(1000); // simulate work
    await results.send({ jobId: job.id, number: job.number, square: job.number * job.number });
  }
}

runIfMain(import.meta, main);
