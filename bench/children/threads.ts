/** Suite B children: ThreadPool beside piscina, tinypool, workerpool and poolifier. */

import { percentile } from '../lib/stats.js';
import { busy } from '../tasks/work.mjs';
import { param, phase, settledHeap, tick } from './common.js';
import { loadThreadPool, makeThreadRunner, type ThreadRunner } from './thread-runners.js';

/** Builds the pool and times construction -> first `noop` result (threads start inside). */
async function start(
  contender: string,
  threads: number,
): Promise<{ runner: ThreadRunner; firstResultMs: number }> {
  const ThreadPool = contender === 'workpool' ? await loadThreadPool() : undefined;
  phase.now = 'first result';
  const t0 = performance.now();
  const runner = makeThreadRunner(contender, threads, ThreadPool);
  const answer = await runner.run('noop', 42);
  const firstResultMs = performance.now() - t0;
  if (answer !== 42) throw new Error(`noop returned ${String(answer)}`);
  return { runner, firstResultMs };
}

/** Submits `n` tasks at once and waits for all (excluded from the figures it precedes). */
async function batch(
  runner: ThreadRunner,
  n: number,
  name: 'noop' | 'busy',
  input: number,
): Promise<number> {
  phase.now = `${n} x ${name}`;
  const t0 = performance.now();
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) all.push(runner.run(name, name === 'noop' ? i : input));
  await Promise.all(all);
  return performance.now() - t0;
}

async function heap(
  runner: ThreadRunner,
  threads: number,
  n: number,
): Promise<Record<string, number>> {
  // Park every thread on a gate task (Atomics.wait) so the next n tasks all wait.
  const shared = new SharedArrayBuffer(8);
  const cells = new Int32Array(shared);
  const gated: Promise<unknown>[] = [];
  for (let i = 0; i < threads; i++) gated.push(runner.run('gate', shared));
  const deadline = performance.now() + 10_000;
  while (Atomics.load(cells, 1) < threads) {
    if (performance.now() > deadline) throw new Error('threads did not reach the gate');
    await tick();
  }
  const before = settledHeap();
  const rssBefore = process.memoryUsage().rss;
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) all.push(runner.run('noop', i));
  await tick();
  const after = settledHeap();
  const rss = process.memoryUsage().rss - rssBefore;
  const queued = runner.queued();
  // Reading `all` and `gated` here keeps every task's promise alive across the measurement.
  const held = all.length + gated.length;
  // Open the gate, but do not drain: the child exits right after reporting.
  Atomics.store(cells, 0, 1);
  Atomics.notify(cells, 0);
  return { bytesPerTask: (after - before) / n, rssPerTask: rss / n, queued, held };
}

export async function threadsChild(
  kind: string,
  contender: string,
  params: Readonly<Record<string, number>>,
): Promise<Record<string, number>> {
  const iterations = param(params, 'iterations');
  if (contender === 'sequential') {
    if (kind !== 'speedup') throw new Error('sequential only runs the speedup case');
    busy(Math.ceil(iterations / 10));
    const t0 = performance.now();
    for (let i = 0; i < param(params, 'n'); i++) busy(iterations);
    return { wallMs: performance.now() - t0 };
  }
  const threads = param(params, 'threads');
  const n = param(params, 'n');
  const { runner, firstResultMs } = await start(contender, threads);
  const warm = params.warmup ?? 0;
  if (warm > 0) await batch(runner, warm, 'noop', 0);
  let metrics: Record<string, number>;
  switch (kind) {
    case 'throughput': {
      const ms = await batch(runner, n, 'noop', 0);
      metrics = { tasksPerSec: n / (ms / 1000), firstResultMs };
      break;
    }
    case 'latency': {
      const us: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await runner.run('noop', i);
        us.push((performance.now() - t0) * 1000);
      }
      metrics = { medianUs: percentile(us, 50), p99Us: percentile(us, 99), firstResultMs };
      break;
    }
    case 'speedup': {
      await batch(runner, threads, 'busy', Math.ceil(iterations / 10));
      metrics = { wallMs: await batch(runner, n, 'busy', iterations), firstResultMs };
      break;
    }
    case 'heap':
      // Returns without closing: the queued tasks are left to the child's exit.
      return { ...(await heap(runner, threads, n)), firstResultMs };
    default:
      throw new Error(`unknown kind ${kind}`);
  }
  phase.now = 'close';
  await runner.close();
  return metrics;
}
