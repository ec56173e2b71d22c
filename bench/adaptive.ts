/**
 * `node --import tsx bench/adaptive.ts`: does `concurrency: 'auto'` find the concurrency
 * that maximises throughput? A simulated backend (on a ManualClock, so the figures are of
 * the POLICY, repeatable, not of this machine's speed) serves requests in `base` ms up to
 * `capacity` in flight; past that it thrashes: latency grows with the square of the
 * overload, so throughput FALLS past capacity. We sweep fixed limits, run 'auto', and
 * compare throughput (completions per simulated second) and p99 latency.
 */
import { ManualClock, Pool } from '../src/index.js';

interface Result {
  readonly setting: string;
  readonly throughput: number;
  readonly p99: number;
  readonly limit?: number;
}

async function simulate(
  concurrency: number | 'auto',
  capacity: number,
  base: number,
  tasks: number,
): Promise<Result> {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency, clock, metrics: true });
  let inFlight = 0;
  let lastDone = 0;
  const backend = () =>
    new Promise<void>((resolve) => {
      inFlight++;
      const overload = Math.max(1, inFlight / capacity);
      clock.setTimeout(
        () => {
          inFlight--;
          lastDone = clock.now();
          resolve();
        },
        base * overload * overload,
      );
    });
  const all: Promise<void>[] = [];
  for (let i = 0; i < tasks; i++) all.push(pool.run(backend));
  // Step simulated time until the work is done (idle-retirement timers may remain after).
  while (pool.stats().queued + pool.stats().running > 0) {
    await new Promise((r) => setImmediate(r));
    clock.advanceToNext();
  }
  await Promise.all(all);
  const s = pool.stats();
  await pool.close();
  return {
    setting: String(concurrency),
    throughput: (tasks / lastDone) * 1000,
    p99: s.runTime.p99,
    ...(s.concurrency.limit === undefined ? {} : { limit: s.concurrency.limit }),
  };
}

const capacity = Number(process.argv[2] ?? 16);
const base = 10;
const tasks = 20_000;
const fixed = [1, 2, 4, 8, 12, 16, 20, 24, 32, 48, 64, 128];
const results: Result[] = [];
for (const c of fixed) results.push(await simulate(c, capacity, base, tasks));
const auto = await simulate('auto', capacity, base, tasks);
const best = results.reduce((a, b) => (b.throughput > a.throughput ? b : a));
const worst = results.reduce((a, b) => (b.throughput < a.throughput ? b : a));
console.log(
  `backend capacity ${capacity}, base latency ${base} ms, ${tasks} tasks (simulated time)`,
);
console.log('setting  tasks/s  p99 run ms');
for (const r of [...results, auto]) {
  console.log(
    `${r.setting.padStart(7)}  ${r.throughput.toFixed(0).padStart(7)}  ${r.p99.toFixed(1).padStart(9)}${
      r.limit === undefined ? '' : `  (settled limit ${r.limit})`
    }`,
  );
}
console.log(
  `auto / best fixed (${best.setting}): ${(auto.throughput / best.throughput).toFixed(3)}x throughput; ` +
    `auto / worst fixed (${worst.setting}): ${(auto.throughput / worst.throughput).toFixed(2)}x`,
);
