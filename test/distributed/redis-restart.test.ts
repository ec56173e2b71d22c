/**
 * Redis killed (-9) and restarted mid-run, with append-only persistence: every job whose
 * submit resolved settles exactly once at its caller with its own result, and the worker
 * hosts reconnect and go on (jobs submitted after the restart run too).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DistributedPool, type DistributedTask } from '../../src/distributed/index.js';
import { queueName, startWorkerProcess, until, type WorkerProcess } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

type Tasks = typeof import('./fixtures/tasks.js');

describe('Redis restarted mid-run', () => {
  let redis: TestRedis;
  const workers: WorkerProcess[] = [];
  let pool: DistributedPool<Tasks>;
  const queue = queueName('restart');
  const dir = mkdtempSync(join(tmpdir(), 'workpool-restart-'));

  before(async () => {
    redis = await startRedis();
    for (let i = 0; i < 2; i++) {
      workers.push(
        await startWorkerProcess(redis.url, queue, [
          '--threads',
          '1',
          '--lock-duration',
          '2000',
          '--stalled-interval',
          '500',
        ]),
      );
    }
    pool = new DistributedPool<Tasks>({
      connection: redis.connection,
      queue,
      reconcileInterval: 500,
    });
    await pool.ready();
  });
  after(async () => {
    await pool?.close({ timeout: 5000 });
    for (const worker of workers) await worker.kill();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no accepted job, settles each caller once, and the workers go on', async () => {
    const ends = new Map<string, number>();
    pool.on('end', (e) => ends.set(e.id, (ends.get(e.id) ?? 0) + 1));
    // Both hosts busy on a job each, 300 jobs waiting in Redis: then Redis dies.
    const release = join(dir, 'release');
    const holds = [
      await pool.submit('hold', { path: release }),
      await pool.submit('hold', { path: release }),
    ];
    const tasks: DistributedTask<number>[] = [];
    for (let i = 0; i < 300; i++) tasks.push(await pool.submit('add', { a: i, b: 1000 }));
    await until('both hosts running a job', () => pool.stats().running === 2);
    await redis.kill();
    await redis.restart();
    writeFileSync(release, '');
    for (let i = 300; i < 350; i++) tasks.push(await pool.submit('add', { a: i, b: 1000 }));
    const pids = await Promise.all(holds.map((t) => t.result));
    assert.ok(pids.every((pid) => workers.some((w) => w.pid === pid)));
    const results = await Promise.all(tasks.map((t) => t.result));
    assert.deepEqual(
      results,
      tasks.map((_, i) => i + 1000),
    );
    assert.equal(ends.size, 352);
    for (const [id, n] of ends) assert.equal(n, 1, `job ${id} settled ${n} times`);
    assert.equal(pool.stats().pending, 0);
  });
});
