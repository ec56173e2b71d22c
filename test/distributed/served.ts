/**
 * A served cluster for the cluster dashboard tests: a redis-server of its own, two
 * `workpool worker` processes (one thread each, heartbeat 500 ms), a DistributedPool, a
 * `serve({ cluster })` server, a BullMQ `Queue` to look at job states, and a scratch
 * directory; registered as the suite's `before`/`after`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { Queue } from 'bullmq';
import { DistributedPool } from '../../src/distributed/index.js';
import { type ClusterServer, serve } from '../../src/server/index.js';
import { queueName, startWorkerProcess, type Tasks, type WorkerProcess } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

export interface Served {
  readonly queue: string;
  redis: TestRedis;
  /** Killed at the end; a test that kills one takes it out. */
  workers: WorkerProcess[];
  pool: DistributedPool<Tasks>;
  server: ClusterServer;
  bull: Queue;
  dir: string;
}

export function useServedCluster(
  label: string,
  cluster: { readonly sampleInterval: number; readonly timeout?: number },
): Served {
  const s = { queue: queueName(label), workers: [] } as unknown as Served;
  before(async () => {
    s.redis = await startRedis();
    s.dir = mkdtempSync(join(tmpdir(), `workpool-${label}-`));
    for (let i = 0; i < 2; i++)
      s.workers.push(
        await startWorkerProcess(s.redis.url, s.queue, ['--threads', '1', '--heartbeat', '500']),
      );
    s.pool = new DistributedPool<Tasks>({ connection: s.redis.connection, queue: s.queue });
    await s.pool.ready();
    s.server = await serve({
      cluster: {
        connection: s.redis.connection,
        queue: s.queue,
        ...(cluster.timeout === undefined ? {} : { timeout: cluster.timeout }),
      },
      port: 0,
      sampleInterval: cluster.sampleInterval,
    });
    s.bull = new Queue(s.queue, { connection: s.redis.connection });
    s.bull.on('error', () => {}); // Redis is stopped on purpose by some tests
  });
  after(async () => {
    await s.server?.close();
    await s.bull?.close();
    await s.pool?.close({ timeout: 2000 });
    for (const w of s.workers) await w.kill();
    await s.redis?.stop();
    if (s.dir !== undefined) rmSync(s.dir, { recursive: true, force: true });
  });
  return s;
}
