/**
 * Streaming handlers: values per second from one thread's async generator to the caller
 * (`threads.stream`) for several windows, against one task per value (`threads.map` of an
 * identity handler) and against `pool.stream` in-process. One thread; medians of `--reps`.
 *
 *   node --import tsx bench/stream.ts [--n 200000] [--reps 3]
 */
import { Pool, ThreadPool } from '../src/index.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N = flag('n', 200_000);
const REPS = flag('reps', 3);

type Tasks = {
  numbers(n: number): AsyncGenerator<number>;
  one(i: number): number;
};

const threads = new ThreadPool<Tasks>({
  module: new URL('./tasks/stream.mjs', import.meta.url),
  maxThreads: 1,
});
await threads.ready();
const pool = new Pool({ concurrency: 1 });

async function timeIt(label: string, body: () => Promise<number>): Promise<void> {
  const rates: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const start = performance.now();
    const n = await body();
    if (n !== N) throw new Error(`${label}: got ${n} values`);
    rates.push(n / ((performance.now() - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)] ?? 0;
  console.log(
    `${label.padEnd(34)} ${Math.round(median).toLocaleString('en-US').padStart(12)} values/s`,
  );
}

async function drain(it: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of it) n++;
  return n;
}

console.log(`${N.toLocaleString('en-US')} values, ${REPS} reps, median`);
for (const window of [1, 16, 256, 4096])
  await timeIt(`threads.stream window ${window}`, () =>
    drain(threads.stream('numbers', N, { window })),
  );
await timeIt('threads.map (one task per value)', () =>
  drain(
    threads.map(
      'one',
      Array.from({ length: N }, (_, i) => i),
    ),
  ),
);
await timeIt('pool.stream window 16', () =>
  drain(
    pool.stream(async function* () {
      for (let i = 0; i < N; i++) yield i;
    }),
  ),
);
await threads.close();
await pool.close();
