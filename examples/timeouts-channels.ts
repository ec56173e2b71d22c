/**
 * The tutorial's worker pool with timeouts, with Go's primitives: job j takes j*200 ms and
 * each job gets 1 s, so jobs 1-4 finish and 5-9 time out (job 5 needs exactly 1 s: the
 * deadline, started first, wins). A timed-out job reports -j.
 */
import { after, Channel, select, WaitGroup } from '../src/index.js';
import { type ExampleIO, runIfMain } from './io.js';

export async function main(io: ExampleIO): Promise<number[]> {
  const jobs = new Channel<number>(10);
  const results = new Channel<number>(10);

  const wg = new WaitGroup();
  const numWorkers = 3;
  for (let w = 1; w <= numWorkers; w++) {
    wg.add(1);
    void worker(io, w, jobs, results, wg);
  }

  for (let j = 1; j <= 9; j++) await jobs.send(j);
  jobs.close();

  void wg.wait().then(() => results.close());

  const collected: number[] = [];
  for await (const r of results) {
    io.log(r < 0 ? `Result: Job ${-r} timed out` : `Result: ${r}`);
    collected.push(r);
  }
  return collected;
}

async function worker(
  io: ExampleIO,
  id: number,
  jobs: Channel<number>,
  results: Channel<number>,
  wg: WaitGroup,
) {
  try {
    for await (const j of jobs) {
      io.log(`Worker ${id} started job ${j}`);
      const timeout = after(1000, { clock: io.clock });
      // Capacity 1, unlike the tutorial's unbuffered channel: after a timeout nobody
      // receives, and the work could never hand over its `true` (in Go, a leaked goroutine).
      const done = new Channel<boolean>(1);
      void io.sleep(j * 200).then(() => done.send(true)); // the work, in the background

      await select([
        {
          receive: done,
          do: async () => {
            io.log(`Worker ${id} finished job ${j}`);
            await results.send(j * j);
          },
        },
        {
          receive: timeout,
          do: async () => {
            io.log(`Worker ${id} timeout on job ${j}`);
            await results.send(-j); // a negative result marks a timeout
          },
        },
      ]);
    }
  } finally {
    wg.done();
  }
}

runIfMain(import.meta, main);
