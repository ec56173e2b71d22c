/** Suite A children: the in-process Pool beside p-limit, p-queue, p-map and a hand loop. */
import pLimit from 'p-limit';
import pMap from 'p-map';
import PQueue from 'p-queue';
import type { Pool } from '../../src/index.js';
import { gatePromise, param, settledHeap, tick } from './common.js';
import { loadWorkpool } from './workpool.js';

type Fn = () => unknown;

/** The one shape every contender is driven through. */
interface Runner {
  run(fn: Fn): Promise<unknown>;
  /** Tasks waiting to start. */
  queued(): number;
  close(): Promise<void>;
}

async function workpoolPool(concurrency: number, metrics: boolean | undefined): Promise<Pool> {
  const { Pool: PoolClass } = await loadWorkpool();
  return new PoolClass(metrics === undefined ? { concurrency } : { concurrency, metrics });
}

async function makeRunner(contender: string, concurrency: number): Promise<Runner> {
  switch (contender) {
    case 'workpool':
    case 'workpool metrics:on':
    case 'workpool metrics:off': {
      const metrics = contender === 'workpool' ? undefined : contender.endsWith(':on');
      const pool = await workpoolPool(concurrency, metrics);
      return {
        run: (fn) => pool.run(fn),
        queued: () => pool.stats().queued,
        close: async () => {
          await pool.close();
        },
      };
    }
    case 'p-limit': {
      const limit = pLimit(concurrency);
      return { run: (fn) => limit(fn), queued: () => limit.pendingCount, close: async () => {} };
    }
    case 'p-queue': {
      const queue = new PQueue({ concurrency });
      return {
        run: (fn) => queue.add(fn),
        queued: () => queue.size,
        close: () => queue.onIdle(),
      };
    }
    default:
      throw new Error(`unknown contender ${contender}`);
  }
}

const noop = (): undefined => undefined;
const immediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Submits `n` tasks at once and waits for all; returns tasks/s. */
async function throughput(runner: Runner, fn: Fn, n: number): Promise<number> {
  const start = performance.now();
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) all.push(runner.run(fn));
  await Promise.all(all);
  return n / ((performance.now() - start) / 1000);
}

/** Bytes of heap per task with `n` tasks queued behind `concurrency` gated ones. */
async function heapPerQueued(
  runner: Runner,
  n: number,
  concurrency: number,
): Promise<Record<string, number>> {
  const gate = gatePromise();
  const held: Promise<unknown>[] = [];
  for (let i = 0; i < concurrency; i++) held.push(runner.run(() => gate.promise));
  await tick();
  const before = settledHeap();
  const queuedBefore = runner.queued();
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) all.push(runner.run(noop));
  await tick();
  const after = settledHeap();
  const queued = runner.queued() - queuedBefore;
  if (queued !== n) throw new Error(`expected ${n} queued tasks, saw ${queued}`);
  // Reading `all` and `held` here keeps every task's promise alive across the measurement.
  return {
    bytesPerTask: (after - before) / n,
    heapMB: after / 2 ** 20,
    queued,
    held: all.length + held.length,
  };
}

async function mapThroughput(contender: string, n: number, concurrency: number): Promise<number> {
  const items = Array.from({ length: n }, (_, i) => i);
  const fn = (x: number): number => x;
  let sum = 0;
  const start = performance.now();
  if (contender === 'workpool') {
    const pool = await workpoolPool(concurrency, undefined);
    for await (const r of pool.map(items, fn)) sum += r;
    await pool.close();
  } else if (contender === 'p-map') {
    const out = await pMap(items, fn, { concurrency });
    for (const r of out) sum += r;
  } else if (contender === 'hand loop') {
    const out = new Array<number>(n);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(items[i] ?? 0);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    for (const r of out) sum += r;
  } else throw new Error(`unknown contender ${contender}`);
  const elapsed = performance.now() - start;
  if (sum !== (n * (n - 1)) / 2) throw new Error(`map result wrong: ${sum}`);
  return n / (elapsed / 1000);
}

export async function poolChild(
  kind: string,
  contender: string,
  params: Readonly<Record<string, number>>,
): Promise<Record<string, number>> {
  const n = param(params, 'n');
  const concurrency = param(params, 'concurrency');
  const warmup = params.warmup ?? 0;
  if (kind === 'map') {
    if (warmup > 0) await mapThroughput(contender, warmup, concurrency);
    return { tasksPerSec: await mapThroughput(contender, n, concurrency) };
  }
  const runner = await makeRunner(contender, concurrency);
  if (warmup > 0) await throughput(runner, noop, warmup);
  let metrics: Record<string, number>;
  if (kind === 'run-noop') metrics = { tasksPerSec: await throughput(runner, noop, n) };
  else if (kind === 'run-immediate')
    metrics = { tasksPerSec: await throughput(runner, immediate, n) };
  else if (kind === 'heap')
    return heapPerQueued(runner, n, concurrency); // exits without draining
  else throw new Error(`unknown kind ${kind}`);
  await runner.close();
  return metrics;
}
