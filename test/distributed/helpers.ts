/**
 * Worker hosts as real child processes (`workpool worker` run from src with tsx), killed
 * when the test process exits, and waits across processes (a condition polled under an
 * overall deadline: what another process does has no event here).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DistributedPool, type DistributedPoolOptions } from '../../src/distributed/index.js';
import { startRedis, type TestRedis } from './redis.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const tasksModule = fileURLToPath(new URL('./fixtures/tasks.ts', import.meta.url));
const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly id: string;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** kill -9 (no drain, no hand-back: BullMQ's stalled check must recover its jobs). */
  kill(): Promise<void>;
  /** SIGTERM, then waits for the exit code. */
  terminate(): Promise<number | null>;
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts `workpool worker` on `queue` and resolves once it has started (its first stdout line). */
export async function startWorkerProcess(
  url: string,
  queue: string,
  flags: readonly string[] = [],
): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', main, 'worker', tasksModule, '--redis', url, '--queue', queue, ...flags],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const id = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /worker (\S+) on queue/.exec(out);
      if (m?.[1] !== undefined) {
        child.stdout?.off('data', onData);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${err}`)));
  });
  const pid = child.pid ?? 0;
  return {
    child,
    pid,
    id,
    stderr: () => err,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
    terminate: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };
}

/** Polls `condition` every 20 ms until it holds; fails after `deadlineMs` (a bound, not a timing assertion). */
export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  deadlineMs = 60_000,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let queues = 0;
/** A queue name of its own for each test. */
export function queueName(label: string): string {
  return `t-${label}-${process.pid}-${++queues}`;
}

export type Tasks = typeof import('./fixtures/tasks.js');

/** What `useCluster` starts; its fields are set once the suite's `before` has run. */
export interface Cluster {
  readonly queue: string;
  redis: TestRedis;
  pool: DistributedPool<Tasks>;
  workers: WorkerProcess[];
}

/**
 * Registers the suite's `before`/`after`: a Redis of its own, `workers` worker processes
 * (`flags` for each) and a pool on a queue of its own; `after` closes and stops them all.
 */
export function useCluster(
  label: string,
  options: {
    readonly workers?: number;
    readonly flags?: readonly string[];
    readonly pool?: Partial<DistributedPoolOptions>;
  } = {},
): Cluster {
  const cluster = { queue: queueName(label), workers: [] } as unknown as Cluster;
  before(async () => {
    cluster.redis = await startRedis();
    for (let i = 0; i < (options.workers ?? 1); i++) {
      cluster.workers.push(
        await startWorkerProcess(
          cluster.redis.url,
          cluster.queue,
          options.flags ?? ['--threads', '1'],
        ),
      );
    }
    cluster.pool = new DistributedPool<Tasks>({
      connection: cluster.redis.connection,
      queue: cluster.queue,
      ...options.pool,
    });
    await cluster.pool.ready();
  });
  after(async () => {
    await cluster.pool?.close({ timeout: 5000 });
    for (const worker of cluster.workers) await worker.kill();
    await cluster.redis?.stop();
  });
  return cluster;
}

/** What `useScratch` gives a suite whose tests start their own workers and pools. */
export interface Scratch {
  redis: TestRedis;
  /** A temporary directory (release files, logs), removed at the end. */
  dir: string;
  /** Killed at the end. */
  readonly workers: WorkerProcess[];
  /** Closed at the end. */
  readonly pools: DistributedPool<Tasks>[];
}

/** Registers the suite's `before`/`after`: a Redis and a directory of its own; `after` also stops what the tests put in `workers` and `pools`. */
export function useScratch(label: string): Scratch {
  const scratch = { workers: [], pools: [] } as unknown as Scratch;
  before(async () => {
    scratch.redis = await startRedis();
    scratch.dir = mkdtempSync(join(tmpdir(), `workpool-${label}-`));
  });
  after(async () => {
    for (const pool of scratch.pools) await pool.close({ timeout: 2000 });
    for (const worker of scratch.workers) await worker.kill();
    await scratch.redis?.stop();
    if (scratch.dir !== undefined) rmSync(scratch.dir, { recursive: true, force: true });
  });
  return scratch;
}
