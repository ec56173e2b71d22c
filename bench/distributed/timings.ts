/**
 * Cancel-to-stopped and kill-to-recovered times of the distributed mode, on the bench's
 * Redis and `workpool worker` processes (bench/distributed.ts runs it after its table).
 *
 * - cancel → stopped: a running job is cancelled by its caller; "stopped" is the job's
 *   `failed` event on the queue's events stream, written by the host once the handler
 *   has stopped: at once for a handler that listens to its signal, after `--kill-grace`
 *   (100 ms here) and a thread kill for one that spins deaf to it.
 * - kill -9 → recovered: the host running a job is killed; "recovered" is the job's next
 *   `active` event, on the other host. BullMQ finds the job once its lock expires and a
 *   stalled check runs, so this is about `--lock-duration` + up to `--stalled-interval`
 *   (2 s and 1 s here; BullMQ's defaults, 30 s and 30 s, give 30-60 s).
 */
import type { ChildProcess } from 'node:child_process';
import { QueueEvents } from 'bullmq';
import { DistributedPool } from '../../src/distributed/index.js';

export interface TimingHost {
  readonly url: string;
  readonly connection: { readonly host: string; readonly port: number };
  startWorker(queue: string, flags: readonly string[]): Promise<ChildProcess>;
  kill(child: ChildProcess): Promise<void>;
  stop(child: ChildProcess): Promise<void>;
}

export interface Timing {
  readonly what: string;
  readonly ms: readonly number[];
}

interface Tasks {
  idle(ms?: number): Promise<void>;
  spin(): never;
}

/** Resolves with the next `event` of job `id` (performance.now() when it arrived). */
function next(events: QueueEvents, event: 'active' | 'failed', id: string): Promise<number> {
  return new Promise((resolve) => {
    const on = ({ jobId }: { jobId: string }): void => {
      if (jobId !== id) return;
      events.off(event, on);
      resolve(performance.now());
    };
    events.on(event, on);
  });
}

export async function measureTimings(host: TimingHost, runs: number): Promise<Timing[]> {
  const out: Timing[] = [];
  const queue = `bench-timings-${Date.now()}`;
  const pool = new DistributedPool<Tasks>({ connection: host.connection, queue });
  const events = new QueueEvents(queue, { connection: host.connection });
  await Promise.all([pool.ready(), events.waitUntilReady()]);
  const flags = ['--threads', '1', '--kill-grace', '100'];
  const worker = await host.startWorker(queue, flags);
  for (const handler of ['idle', 'spin'] as const) {
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const id = `${handler}-${i}-${Date.now()}`;
      const active = next(events, 'active', id);
      const failed = next(events, 'failed', id);
      const task = await pool.submit(handler, undefined, { id });
      await active;
      const t0 = performance.now();
      task.cancel();
      ms.push((await failed) - t0);
      await task.result.catch(() => {});
    }
    out.push({
      what: `cancel → stopped, ${handler === 'idle' ? 'cooperative handler' : 'CPU-bound handler deaf to its signal (killGrace 100 ms)'}`,
      ms,
    });
  }
  await host.stop(worker);

  const fast = ['--threads', '1', '--lock-duration', '2s', '--stalled-interval', '1s'];
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = await host.startWorker(queue, fast);
    const id = `kill-${i}-${Date.now()}`;
    const active = next(events, 'active', id);
    const task = await pool.submit('idle', undefined, { id }); // runs until cancelled
    await active;
    const b = await host.startWorker(queue, fast);
    const again = next(events, 'active', id);
    const t0 = performance.now();
    await host.kill(a);
    ms.push((await again) - t0);
    task.cancel();
    await task.result.catch(() => {});
    await host.stop(b);
  }
  out.push({
    what: 'kill -9 of the host → the job starts on another (lock 2 s, stalled check 1 s)',
    ms,
  });
  await events.close();
  await pool.close({ timeout: 5000 });
  return out;
}

/** `min / median / max` in ms. */
export function spread(ms: readonly number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const median =
    s.length % 2 === 1
      ? s[(s.length - 1) / 2]
      : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
  return `${(s[0] ?? 0).toFixed(0)} / ${(median ?? 0).toFixed(0)} / ${(s[s.length - 1] ?? 0).toFixed(0)}`;
}
