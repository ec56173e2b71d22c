/**
 * Cancel-to-stopped and kill-to-recovered times of the distributed mode, on the bench's
 * Redis and `workpool worker` processes (bench/distributed.ts runs it after its table).
 *
 * - cancel → stopped: a running job is cancelled by its caller; "stopped" is the job's
 *   `failed` event on the queue's events stream, written by the host once the ThreadPool
 *   gave the task up: when the handler returns on its signal, or for one that spins deaf
 *   to it, at once, its thread killed after `--kill-grace` (100 ms here) in the background.
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

interface Stage {
  readonly queue: string;
  readonly pool: DistributedPool<Tasks>;
  readonly events: QueueEvents;
  close(): Promise<void>;
}

/**
 * A queue of its own for each measurement: BullMQ's stalled check runs at most once per
 * `stalledInterval` of the host that ran it last (a queue-wide key), so one host left with
 * the default 30 s would hold back the short checks of the next.
 */
async function stage(host: TimingHost, name: string): Promise<Stage> {
  const queue = `bench-${name}-${Date.now()}`;
  const pool = new DistributedPool<Tasks>({ connection: host.connection, queue });
  const events = new QueueEvents(queue, { connection: host.connection });
  await Promise.all([pool.ready(), events.waitUntilReady()]);
  return {
    queue,
    pool,
    events,
    close: async () => {
      await events.close();
      await pool.close({ timeout: 5000 });
    },
  };
}

export async function measureTimings(host: TimingHost, runs: number): Promise<Timing[]> {
  const out: Timing[] = [];
  const c = await stage(host, 'cancel');
  const worker = await host.startWorker(c.queue, ['--threads', '1', '--kill-grace', '100']);
  for (const handler of ['idle', 'spin'] as const) {
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const id = `${handler}-${i}-${Date.now()}`;
      const active = next(c.events, 'active', id);
      const failed = next(c.events, 'failed', id);
      const task = await c.pool.submit(handler, undefined, { id });
      await active;
      const t0 = performance.now();
      task.cancel();
      ms.push((await failed) - t0);
      await task.result.catch(() => {});
    }
    const how =
      handler === 'idle'
        ? 'cooperative handler'
        : 'CPU-bound handler deaf to its signal (its thread killed 100 ms later)';
    out.push({ what: `cancel → the job failed in Redis, ${how}`, ms });
  }
  await host.stop(worker);
  await c.close();

  const k = await stage(host, 'kill');
  const fast = ['--threads', '1', '--lock-duration', '2s', '--stalled-interval', '1s'];
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = await host.startWorker(k.queue, fast);
    const id = `kill-${i}-${Date.now()}`;
    const active = next(k.events, 'active', id);
    const task = await k.pool.submit('idle', undefined, { id }); // runs until cancelled
    await active;
    const b = await host.startWorker(k.queue, fast);
    const again = next(k.events, 'active', id);
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
  await k.close();
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
