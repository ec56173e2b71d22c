/**
 * ThreadPool prefetch check: throughput of 100,000 tiny tasks submitted at once and
 * sequential round-trip latency over 10,000 tasks, 2 threads, compiled task modules,
 * workpool build(s) beside piscina and poolifier in one run (interleaved reps, medians);
 * plus `Pool.run` throughput (1,000,000 no-op tasks at concurrency 16) per build.
 *
 *   npx tsc -p tsconfig.build.json --outDir /tmp/wp-a   # one build per variant
 *   node --import tsx bench/thread-prefetch.ts --build before=/tmp/wp-b --build after=/tmp/wp-a [--reps 5]
 *
 * A build may name ThreadPool options after `?`: `--build p4=/tmp/wp-a?prefetch=4`.
 */
import { Piscina } from 'piscina';
import { FixedThreadPool } from 'poolifier';

interface Runner {
  run(input: number): Promise<unknown>;
  close(): Promise<unknown>;
}
interface Built {
  ThreadPool: new (
    o: Record<string, unknown>,
  ) => {
    run(name: string, input: unknown): Promise<unknown>;
    close(): Promise<unknown>;
  };
  Pool: new (
    o: Record<string, unknown>,
  ) => {
    run(fn: () => unknown): Promise<unknown>;
    close(): Promise<unknown>;
  };
}

const THREADS = 2;
const N = 100_000;
const SEQ = 10_000;
const task = (peer: string): URL => new URL(`./tasks/${peer}.mjs`, import.meta.url);

const args = process.argv.slice(2);
const builds: { label: string; dir: string; options: Record<string, number> }[] = [];
let reps = 5;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--reps') reps = Number(args[++i]);
  else if (args[i] === '--build') {
    const spec = String(args[++i]);
    const label = spec.slice(0, spec.indexOf('='));
    const rest = spec.slice(spec.indexOf('=') + 1);
    const [dir = '', query = ''] = rest.split('?');
    const options: Record<string, number> = {};
    for (const [k, v] of new URLSearchParams(query)) options[k] = Number(v);
    builds.push({ label, dir, options });
  }
}
const modules = new Map<string, Built>();
for (const b of builds)
  modules.set(b.label, (await import(`${b.dir.replace(/\/$/, '')}/index.js`)) as Built);

function makers(): Record<string, () => Runner> {
  const out: Record<string, () => Runner> = {
    piscina: () => {
      const p = new Piscina({
        filename: task('piscina').href,
        minThreads: THREADS,
        maxThreads: THREADS,
      });
      return { run: (x) => p.run(x, { name: 'noop' }), close: () => p.destroy() };
    },
    poolifier: () => {
      const p = new FixedThreadPool<unknown, unknown>(THREADS, task('poolifier').pathname);
      return { run: (x) => p.execute(x, 'noop'), close: () => p.destroy() };
    },
  };
  for (const b of builds) {
    const { ThreadPool } = modules.get(b.label) as Built;
    out[`workpool:${b.label}`] = () => {
      const p = new ThreadPool({
        module: task('workpool'),
        minThreads: THREADS,
        maxThreads: THREADS,
        ...b.options,
      });
      return { run: (x) => p.run('noop', x), close: () => p.close() };
    };
  }
  return out;
}

async function warm(r: Runner): Promise<void> {
  await Promise.all(Array.from({ length: 2000 }, (_, i) => r.run(i)));
}

async function throughput(make: () => Runner): Promise<number> {
  const r = make();
  await warm(r);
  const t0 = performance.now();
  const all: Promise<unknown>[] = new Array(N);
  for (let i = 0; i < N; i++) all[i] = r.run(i);
  await Promise.all(all);
  const rate = N / ((performance.now() - t0) / 1000);
  await r.close();
  return rate;
}

async function latency(make: () => Runner): Promise<{ median: number; p99: number }> {
  const r = make();
  await warm(r);
  const times = new Float64Array(SEQ);
  for (let i = 0; i < SEQ; i++) {
    const t0 = performance.now();
    await r.run(i);
    times[i] = (performance.now() - t0) * 1000;
  }
  await r.close();
  times.sort();
  return { median: times[SEQ >> 1] ?? 0, p99: times[Math.floor(SEQ * 0.99)] ?? 0 };
}

async function poolRun(b: Built): Promise<number> {
  const pool = new b.Pool({ concurrency: 16 });
  const total = 1_000_000;
  const batch = 10_000;
  const noop = (): number => 1;
  const t0 = performance.now();
  for (let done = 0; done < total; done += batch) {
    const all: Promise<unknown>[] = new Array(batch);
    for (let i = 0; i < batch; i++) all[i] = pool.run(noop);
    await Promise.all(all);
  }
  const rate = total / ((performance.now() - t0) / 1000);
  await pool.close();
  return rate;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? 0;
};

const m = makers();
const tput = new Map<string, number[]>();
const lat = new Map<string, { median: number; p99: number }[]>();
const pool = new Map<string, number[]>();
for (let rep = 0; rep < reps; rep++) {
  for (const [name, make] of Object.entries(m)) {
    tput.set(name, [...(tput.get(name) ?? []), await throughput(make)]);
    lat.set(name, [...(lat.get(name) ?? []), await latency(make)]);
  }
  for (const b of builds)
    pool.set(b.label, [...(pool.get(b.label) ?? []), await poolRun(modules.get(b.label) as Built)]);
  process.stderr.write(`rep ${rep + 1}/${reps}\n`);
}
const best = Math.max(median(tput.get('piscina') ?? []), median(tput.get('poolifier') ?? []));
const bestLat = Math.min(
  median((lat.get('piscina') ?? []).map((l) => l.median)),
  median((lat.get('poolifier') ?? []).map((l) => l.median)),
);
console.log(`${THREADS} threads, ${reps} reps, medians`);
console.log('contender            tasks/s   x best peer   rtt median us  p99 us  x best peer');
for (const name of Object.keys(m)) {
  const t = median(tput.get(name) ?? []);
  const l = lat.get(name) ?? [];
  const lm = median(l.map((x) => x.median));
  const lp = median(l.map((x) => x.p99));
  console.log(
    `${name.padEnd(20)} ${t.toFixed(0).padStart(8)}   ${(t / best).toFixed(2).padStart(10)}   ${lm.toFixed(1).padStart(13)}  ${lp.toFixed(1).padStart(6)}  ${(lm / bestLat).toFixed(2).padStart(10)}`,
  );
}
for (const b of builds)
  console.log(
    `Pool.run ${b.label}: ${median(pool.get(b.label) ?? []).toFixed(0)} tasks/s (1M no-op, concurrency 16)`,
  );
