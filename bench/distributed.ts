/**
 * `npm run build && node --import tsx bench/distributed.ts [--noop N] [--cpu N] [--workers 1,2,4] [--contenders workpool,bull-inline,bull-sandbox] [--reps N] [--warmup N] [--timings RUNS]`
 *
 * The distributed mode against a plain BullMQ Worker on one real redis-server (started
 * here as the tests start it, but with Redis's default `appendfsync everysec`), in one run: no-op jobs and
 * ~10 ms CPU jobs through DistributedPool + `workpool worker` processes, BullMQ's Worker
 * with an inline processor, and BullMQ's sandboxed processor on worker threads
 * (`useWorkerThreads`), at 1, 2 and 4 worker processes. Each contender's jobs are submitted
 * all at once from this process (one `add` per job, no `addBulk`), and timed from the
 * first submit to the last result. `--reps` repeats each measurement, the contenders
 * interleaved, and the table gives min / median / max (ratios per repetition). Prints a Markdown table; then cancel-to-stopped and
 * kill-to-recovered times over `--timings` runs each (default 5; 0 skips them; see
 * distributed/timings.ts). `--noop 0` or `--cpu 0` skips that kind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { DurationHistogram } from '../src/internal.js';
import { startRedis } from '../test/distributed/redis.js';
import { measureTimings, spread } from './distributed/timings.js';

// The caller's DistributedPool and the `workpool worker` processes both come from the build
// (dist/), as a user runs them: the figures are the packed library's.
if (!existsSync(fileURLToPath(new URL('../dist/cli/entry.js', import.meta.url)))) {
  throw new Error('bench/distributed runs workpool from dist/: run `npm run build` first');
}
const dist = '../dist/distributed/index.js';
const { DistributedPool } = (await import(dist)) as typeof import('../src/distributed/index.js');

type Kind = 'noop' | 'cpu';
type Contender = 'workpool' | 'bull-inline' | 'bull-sandbox';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const sizes: Record<Kind, number> = {
  noop: Number(arg('noop', '3000')),
  cpu: Number(arg('cpu', '300')),
};
const workerCounts = arg('workers', '1,2,4').split(',').map(Number);
/**
 * Jobs each measurement runs first, untimed, per kind: every contender's worker processes
 * are new, and a few hundred no-ops bring their hot paths (and this process's) to the
 * JIT's steady state, which a long-running worker is in. @default noop 300, cpu 20
 */
const warmups: Record<Kind, number> = {
  noop: Number(arg('warmup', '300')),
  cpu: Math.min(20, Number(arg('warmup', '20'))),
};
const timingRuns = Number(arg('timings', '5'));
const reps = Number(arg('reps', '1'));
const contenders = arg('contenders', 'workpool,bull-inline,bull-sandbox').split(',') as Contender[];
const root = fileURLToPath(new URL('../', import.meta.url));
const here = fileURLToPath(new URL('./distributed/', import.meta.url));

/** Jobs one worker process takes at once, per kind (a CPU job holds a core). */
const concurrency: Record<Kind, number> = { noop: 8, cpu: 1 };

interface Row {
  kind: Kind;
  workers: number;
  contender: Contender;
  jobsPerSec: number;
  startP50: number;
  startP99: number;
  endP50: number;
  endP99: number;
  commandsPerJob: number;
  /** CPU time (user + system) per job, in ms: Redis, this process (the caller), the worker processes. */
  cpu: { redis: number; caller: number; workers: number };
}

// Redis's default fsync policy: with `always`, every run is bound by this disk's fsync.
const redis = await startRedis({ appendfsync: 'everysec' });
const admin = new Redis(redis.connection);
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

async function startProcess(command: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, command, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${command.join(' ')} exited ${code}`)));
  });
  return child;
}

/** SIGTERM (both kinds of worker exit cleanly on it), SIGKILL after 10 s. */
async function stop(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

/** `BENCH_PROF=dir` writes a CPU profile of every worker process there. */
const prof =
  process.env.BENCH_PROF === undefined
    ? []
    : ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF];

/**
 * `workpool worker` on the bench's task module, from the build (`dist/cli/entry.js`, what the
 * `workpool` bin runs), so the figures are the packed library's: `npm run build` first.
 */
function workpoolWorker(queue: string, flags: readonly string[]): string[] {
  const main = ['dist/cli/entry.js', 'worker', `${here}tasks.mjs`];
  return [...prof, ...main, '--redis', redis.url, '--queue', queue, ...flags];
}

function workerCommand(contender: Contender, kind: Kind, queue: string): string[] {
  if (contender === 'workpool') {
    return workpoolWorker(queue, [
      '--threads',
      '1',
      '--concurrency',
      String(kind === 'cpu' ? 2 : concurrency.noop),
    ]);
  }
  const mode = contender === 'bull-inline' ? 'inline' : 'sandbox';
  return [...prof, `${here}bull-worker.mjs`, mode, redis.url, queue, String(concurrency[kind])];
}

async function commands(): Promise<number> {
  const info = await admin.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
}

/** `INFO commandstats` as command -> calls (commands run inside scripts included). */
async function commandStats(): Promise<Map<string, number>> {
  const info = await admin.info('commandstats');
  const calls = new Map<string, number>();
  for (const m of info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g))
    calls.set(m[1] ?? '', Number(m[2]));
  return calls;
}

/** `BENCH_COMMANDS=1` prints each contender's Redis commands per job, by command. */
async function printCommands(what: string, before: Map<string, number>, n: number): Promise<void> {
  if (process.env.BENCH_COMMANDS === undefined) return;
  const after = await commandStats();
  const rows = [...after]
    .map(([name, calls]) => [name, (calls - (before.get(name) ?? 0)) / n] as const)
    .filter(([, perJob]) => perJob >= 0.05)
    .sort((a, b) => b[1] - a[1]);
  console.error(`${what}: ${rows.map(([c, x]) => `${c} ${x.toFixed(2)}`).join(', ')}`);
}

async function redisCpu(): Promise<number> {
  const info = await admin.info('cpu');
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  return (user + sys) * 1000;
}

/** CPU ms (user + system, all threads) of a child process so far, from /proc (Linux). */
function processCpu(child: ChildProcess): number {
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  } catch {
    return Number.NaN;
  }
}
const TICKS = 100; // USER_HZ on Linux

/** CPU ms of Redis, this process and `procs` now. */
async function cpuNow(procs: readonly ChildProcess[]): Promise<[number, number, number]> {
  const self = process.cpuUsage();
  return [
    await redisCpu(),
    (self.user + self.system) / 1000,
    procs.reduce((sum, p) => sum + processCpu(p), 0),
  ];
}

async function measure(kind: Kind, workers: number, contender: Contender): Promise<Row> {
  const queue = `bench-${contender}-${kind}-${workers}-${Date.now()}`;
  const procs: ChildProcess[] = [];
  for (let i = 0; i < workers; i++) {
    procs.push(
      await startProcess(workerCommand(contender, kind, queue), /worker .* on queue|ready/),
    );
  }
  const n = sizes[kind];
  const start = new DurationHistogram();
  const end = new DurationHistogram();
  let elapsed: number;
  let used: number;
  let cpu0: [number, number, number];
  let stats0: Map<string, number>;
  let cpu1: [number, number, number];
  if (contender === 'workpool') {
    const pool = new DistributedPool({ connection: redis.connection, queue });
    await pool.ready();
    await Promise.all(Array.from({ length: warmups[kind] }, () => pool.run(kind))); // warm-up
    const submitted = new Map<string, number>();
    pool.on('start', (e) => {
      const at = submitted.get(e.id);
      if (at !== undefined) start.record(performance.now() - at);
    });
    const before = await commands();
    stats0 = await commandStats();
    cpu0 = await cpuNow(procs);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: n }, async () => {
        const at = performance.now();
        const task = await pool.submit(kind);
        submitted.set(task.id, at);
        await task.result;
        end.record(performance.now() - at);
      }),
    );
    elapsed = performance.now() - t0;
    cpu1 = await cpuNow(procs);
    used = (await commands()) - before;
    await pool.close({ timeout: 5000 });
  } else {
    const q = new Queue(queue, { connection: redis.connection });
    // From the stream's start (the queue is new): BullMQ's default '$' is taken at its first
    // XREAD, after `waitUntilReady`, so the warm-up's first events could be missed and the
    // run would wait forever (it did, twice).
    const events = new QueueEvents(queue, { connection: redis.connection, lastEventId: '0-0' });
    await Promise.all([q.waitUntilReady(), events.waitUntilReady()]);
    const submitted = new Map<string, number>();
    const waiting = new Map<string, () => void>();
    events.on('active', ({ jobId }) => {
      const at = submitted.get(jobId);
      if (at !== undefined) start.record(performance.now() - at);
    });
    events.on('completed', ({ jobId }) => waiting.get(jobId)?.());
    const run = async (): Promise<void> => {
      const at = performance.now();
      const id = crypto.randomUUID();
      submitted.set(id, at);
      const done = new Promise<void>((resolve) => waiting.set(id, resolve));
      await q.add(kind, {}, { jobId: id, removeOnComplete: { count: 10_000 } });
      await done;
      end.record(performance.now() - at);
    };
    await Promise.all(Array.from({ length: warmups[kind] }, run)); // warm-up
    start.reset();
    end.reset();
    const before = await commands();
    stats0 = await commandStats();
    cpu0 = await cpuNow(procs);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: n }, run));
    elapsed = performance.now() - t0;
    cpu1 = await cpuNow(procs);
    used = (await commands()) - before;
    await events.close();
    await q.close();
  }
  await printCommands(`${kind} ${workers}w ${contender}`, stats0, n);
  for (const p of procs) await stop(p);
  const s = start.snapshot();
  const e = end.snapshot();
  return {
    kind,
    workers,
    contender,
    jobsPerSec: (n / elapsed) * 1000,
    startP50: s.p50,
    startP99: s.p99,
    endP50: e.p50,
    endP99: e.p99,
    commandsPerJob: used / n,
    cpu: {
      redis: (cpu1[0] - cpu0[0]) / n,
      caller: (cpu1[1] - cpu0[1]) / n,
      workers: (cpu1[2] - cpu0[2]) / n,
    },
  };
}

const rows: (Row & { rep: number })[] = [];
for (const kind of ['noop', 'cpu'] as const) {
  if (sizes[kind] === 0) continue;
  for (const workers of workerCounts) {
    // Repetitions interleave the contenders, so a change of load hits them all alike.
    for (let rep = 0; rep < reps; rep++) {
      for (const contender of contenders) {
        const row = await measure(kind, workers, contender);
        rows.push({ ...row, rep });
        const c = row.cpu;
        console.error(
          `${kind} ${workers}w ${contender} #${rep + 1}: ${row.jobsPerSec.toFixed(0)} jobs/s, end p50 ${row.endP50.toFixed(1)} ms, ${row.commandsPerJob.toFixed(1)} cmds/job, CPU ms/job redis ${c.redis.toFixed(3)} caller ${c.caller.toFixed(3)} workers ${c.workers.toFixed(3)}`,
        );
      }
    }
  }
}

const f = (x: number, d = 1): string => x.toFixed(d);
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
/** min / median / max, or the one figure when there is one repetition. */
const mmm = (xs: readonly number[], d = 1): string =>
  xs.length === 1
    ? f(xs[0] ?? Number.NaN, d)
    : `${f(Math.min(...xs), d)} / ${f(median(xs), d)} / ${f(Math.max(...xs), d)}`;
console.log(
  `| jobs | workers | contender | jobs/s | vs inline | vs sandbox | submit→start p50 ms | submit→result p50 ms | Redis cmds/job | CPU ms/job: Redis / caller / workers (medians) |`,
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const kind of ['noop', 'cpu'] as const) {
  for (const workers of workerCounts) {
    for (const contender of contenders) {
      const mine = rows.filter(
        (r) => r.kind === kind && r.workers === workers && r.contender === contender,
      );
      if (mine.length === 0) continue;
      // Ratios are per repetition: against the other contender measured next to it.
      const ratio = (other: Contender): number[] =>
        mine.map((r) => {
          const o = rows.find(
            (x) =>
              x.kind === kind && x.workers === workers && x.contender === other && x.rep === r.rep,
          );
          return r.jobsPerSec / (o?.jobsPerSec ?? Number.NaN);
        });
      const c = (k: keyof Row['cpu']): string => f(median(mine.map((r) => r.cpu[k])), 2);
      console.log(
        `| ${kind} ×${sizes[kind]} | ${workers} | ${contender} | ${mmm(
          mine.map((r) => r.jobsPerSec),
          0,
        )} | ${mmm(ratio('bull-inline'), 2)} | ${mmm(ratio('bull-sandbox'), 2)} | ${mmm(
          mine.map((r) => r.startP50),
          0,
        )} | ${mmm(
          mine.map((r) => r.endP50),
          0,
        )} | ${f(median(mine.map((r) => r.commandsPerJob)))} | ${c('redis')} / ${c('caller')} / ${c('workers')} |`,
      );
    }
  }
}
if (timingRuns > 0) {
  const timings = await measureTimings(
    {
      url: redis.url,
      connection: redis.connection,
      startWorker: (queue, flags) =>
        startProcess(workpoolWorker(queue, flags), /worker .* on queue/),
      kill: async (child) => {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
        children.delete(child);
      },
      stop,
    },
    timingRuns,
  );
  console.log('');
  console.log(`| time (${timingRuns} runs) | min / median / max ms |`);
  console.log('|---|---|');
  for (const t of timings) console.log(`| ${t.what} | ${spread(t.ms)} |`);
}
admin.disconnect();
await redis.stop();
process.exit(0);
