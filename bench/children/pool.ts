/** Suite A children: the in-process Pool beside p-limit, p-queue, p-map and a hand loop. */
import pLimit from 'p-limit';
import pMap from 'p-map';
import PQueue from 'p-queue';
import type { Pool } from '../../src/index.js';
import { gatePromise, param, settledHeap, tick } from './common.js';
import { FloorMap } from './map-floor.js';
import { FloorLimiter } from './run-floor.js';
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
    case 'api floor': {
      const limiter = new FloorLimiter(concurrency);
      return {
        run: (fn) => limiter.run(fn),
        queued: () => limiter.queued,
        close: async () => {},
      };
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

/** Fills every slot with a task blocked on a gate that never opens; returns their promises. */
async function occupy(runner: Runner, concurrency: number): Promise<Promise<unknown>[]> {
  const gate = gatePromise();
  const held: Promise<unknown>[] = [];
  for (let i = 0; i < concurrency; i++) held.push(runner.run(() => gate.promise));
  await tick();
  return held;
}

/** Bytes of heap per task with `n` tasks queued behind `concurrency` gated ones. */
async function heapPerQueued(
  runner: Runner,
  n: number,
  concurrency: number,
): Promise<Record<string, number>> {
  const held = await occupy(runner, concurrency);
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

/** `run(async () => i)` for i in 0..n, the way users call it; returns tasks/s. */
async function asyncThroughput(runner: Runner, n: number): Promise<number> {
  const start = performance.now();
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) all.push(runner.run(async () => i));
  const out = await Promise.all(all);
  const elapsed = performance.now() - start;
  if (out[n - 1] !== n - 1) throw new Error(`run result wrong: ${String(out[n - 1])}`);
  return n / (elapsed / 1000);
}

/** Bytes of JS heap and of ArrayBuffers (typed arrays' contents live outside the heap). */
function used(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Heap per queued `run(async () => i)` behind `concurrency` gated tasks: read right after
 * the calls, with no forced gc (what a burst really costs, garbage included), and after gc.
 */
async function asyncHeap(
  runner: Runner,
  n: number,
  concurrency: number,
): Promise<Record<string, number>> {
  const held = await occupy(runner, concurrency);
  // Made before the first reading, so the array holding the promises is not counted.
  const all: unknown[] = [];
  for (let i = 0; i < n; i++) all.push(undefined);
  // Heap plus ArrayBuffer memory: typed arrays keep their contents outside the JS heap.
  settledHeap();
  const before = used();
  for (let i = 0; i < n; i++) all[i] = runner.run(async () => i);
  const noGc = used();
  await tick();
  settledHeap();
  const after = used();
  const queued = runner.queued();
  if (queued !== n) throw new Error(`expected ${n} queued tasks, saw ${queued}`);
  return {
    bytesNoGc: (noGc - before) / n,
    bytesPerTask: (after - before) / n,
    queued,
    held: all.length + held.length,
  };
}

/**
 * `map` through an async identity; the hand loop is `concurrency` async workers pulling
 * from one shared iterator (the floor for this work). Returns items/s.
 */
async function asyncMapThroughput(
  contender: string,
  n: number,
  concurrency: number,
  ordered: boolean,
): Promise<number> {
  const items = Array.from({ length: n }, (_, i) => i);
  const fn = async (x: number): Promise<number> => x;
  let sum = 0;
  const start = performance.now();
  if (contender === 'workpool') {
    const pool = await workpoolPool(concurrency, undefined);
    for await (const r of pool.map(items, fn, { ordered })) sum += r;
    await pool.close();
  } else if (contender === 'p-map') {
    // p-map always returns results in input order; it has no unordered mode.
    const out = await pMap(items, fn, { concurrency });
    for (const r of out) sum += r;
  } else if (contender === 'hand loop') {
    const it = items[Symbol.iterator]();
    const worker = async (): Promise<void> => {
      for (let r = it.next(); r.done !== true; r = it.next()) {
        const v = await fn(r.value);
        sum += v;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  } else if (contender === 'api floor') {
    for await (const r of new FloorMap(items, fn, concurrency, ordered)) sum += r;
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
  if (kind === 'map-async') {
    const ordered = params.ordered !== 0;
    if (warmup > 0) await asyncMapThroughput(contender, warmup, concurrency, ordered);
    return { tasksPerSec: await asyncMapThroughput(contender, n, concurrency, ordered) };
  }
  const runner = await makeRunner(contender, concurrency);
  const isAsync = kind === 'run-async' || kind === 'heap-async';
  if (warmup > 0 && isAsync) await asyncThroughput(runner, warmup);
  else if (warmup > 0) await throughput(runner, noop, warmup);
  let metrics: Record<string, number>;
  if (kind === 'run-noop') metrics = { tasksPerSec: await throughput(runner, noop, n) };
  else if (kind === 'run-immediate')
    metrics = { tasksPerSec: await throughput(runner, immediate, n) };
  else if (kind === 'run-async') metrics = { tasksPerSec: await asyncThroughput(runner, n) };
  else if (kind === 'heap-async') return asyncHeap(runner, n, concurrency);
  else if (kind === 'heap')
    return heapPerQueued(runner, n, concurrency); // exits without draining
  else throw new Error(`unknown kind ${kind}`);
  await runner.close();
  return metrics;
}
