/**
 * The tutorial's dynamic worker pool, with Go's primitives: min 2, max 5 workers. A monitor
 * checks the queue every 200 ms and starts a worker while jobs pile up. Jobs arrive in a
 * burst (every 100 ms), then slowly (every 600 ms); each takes 500 ms.
 *
 * Two changes from the tutorial: it grows when more than 2 jobs wait (with its threshold
 * of 5, these arrival rates never queue 6 jobs, so its pool never grows), and it shrinks:
 * a worker above the minimum stops after 1 s without a job (a select between the jobs
 * channel and a timer). The tutorial's pool only ever grows.
 */
import { after, Channel, select, WaitGroup } from '../src/index.js';
import { type ExampleIO, runIfMain } from './io.js';

export interface DynamicResult {
  readonly results: number[];
  /** Worker count after each change, starting with the initial count. */
  readonly sizes: number[];
}

class WorkerPool {
  readonly jobs = new Channel<number>(100);
  readonly results = new Channel<number>(100);
  readonly sizes: number[] = [];
  readonly #wg = new WaitGroup();
  readonly #io: ExampleIO;
  #workers = 0;
  #lastId = 0;
  #closed = false;

  constructor(
    io: ExampleIO,
    readonly minWorkers: number,
    readonly maxWorkers: number,
    readonly idleTimeout = 1000,
    readonly growWhenQueued = 2,
  ) {
    this.#io = io;
  }

  start(): void {
    for (let i = 1; i <= this.minWorkers; i++) this.#spawn(false);
    this.sizes.push(this.#workers);
    void this.#monitor();
  }

  submit(job: number): Promise<void> {
    return this.jobs.send(job);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.jobs.close();
    await this.#wg.wait();
    this.results.close();
  }

  #spawn(extra: boolean): void {
    this.#workers++;
    this.#wg.add(1);
    void this.#worker(++this.#lastId, extra);
  }

  async #worker(id: number, extra: boolean): Promise<void> {
    try {
      for (;;) {
        // Workers above the minimum wait for a job at most idleTimeout.
        const got = extra
          ? await select([
              { receive: this.jobs },
              { receive: after(this.idleTimeout, { clock: this.#io.clock }) },
            ])
          : { index: 0 as const, ...(await this.jobs.receive()) };
        if (got.index === 1) {
          this.#workers--;
          this.sizes.push(this.#workers);
          this.#io.log(`Stopping idle worker #${id} (${this.#workers} left)`);
          return;
        }
        if (!got.ok) return; // jobs closed and drained
        const j = got.value;
        this.#io.log(`Worker ${id} processing job ${j}`);
        await this.#io.sleep(500); // simulate work
        await this.results.send(j * j);
      }
    } finally {
      this.#wg.done();
    }
  }

  /** Every 200 ms: more than `growWhenQueued` jobs waiting and room to grow → one more worker. */
  async #monitor(): Promise<void> {
    while (!this.#closed) {
      await this.#io.sleep(200);
      const queueSize = this.jobs.length;
      if (!this.#closed && queueSize > this.growWhenQueued && this.#workers < this.maxWorkers) {
        this.#spawn(true);
        this.sizes.push(this.#workers);
        this.#io.log(`Starting additional worker #${this.#lastId} (${queueSize} jobs waiting)`);
      }
    }
  }
}

export async function main(io: ExampleIO): Promise<DynamicResult> {
  const pool = new WorkerPool(io, 2, 5);
  pool.start();

  // Submit jobs at a varying rate: a burst, then slowly.
  void (async () => {
    for (let i = 1; i <= 20; i++) {
      await pool.submit(i);
      await io.sleep(i < 10 ? 100 : 600);
    }
    await pool.close();
  })();

  const results: number[] = [];
  for await (const r of pool.results) {
    io.log(`Got result: ${r}`);
    results.push(r);
  }
  io.log(`Workers over time: ${pool.sizes.join(' → ')}`);
  return { results, sizes: pool.sizes };
}

runIfMain(import.meta, main);
