/**
 * Worker hosts that go away. kill -9 mid-job: BullMQ's stalled check (short lock and
 * interval here, as in BullMQ's own stalled tests) gives the job to another host, and the
 * caller gets one result, from that host. SIGTERM: the host stops taking jobs, drains
 * within its deadline, and hands the running job back at once; the other host has a
 * 10-minute lock and stalled interval, so only the hand-back can explain it taking the job.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DistributedPool } from '../../src/distributed/index.js';
import { queueName, startWorkerProcess, type WorkerProcess } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

type Tasks = typeof import('./fixtures/tasks.js');

describe('worker hosts that go away', () => {
  let redis: TestRedis;
  let dir: string;
  const workers: WorkerProcess[] = [];
  const pools: DistributedPool<Tasks>[] = [];

  before(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'workpool-recovery-'));
  });
  after(async () => {
    for (const pool of pools) await pool.close({ timeout: 2000 });
    for (const worker of workers) await worker.kill();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kill -9 of the host running a job: it runs again on another host, the caller gets one result', async () => {
    const queue = queueName('kill9');
    const fast = ['--threads', '1', '--lock-duration', '1500', '--stalled-interval', '500'];
    const a = await startWorkerProcess(redis.url, queue, fast);
    workers.push(a);
    const pool = new DistributedPool<Tasks>({ connection: redis.connection, queue });
    pools.push(pool);
    const starts: string[] = [];
    const ends: string[] = [];
    pool.on('start', (e) => starts.push(e.id));
    pool.on('end', (e) => ends.push(e.id));
    const release = join(dir, 'kill9');
    const firstStart = new Promise<void>((resolve) => pool.on('start', () => resolve()));
    const task = await pool.submit('hold', { path: release });
    await firstStart; // a took it (the only host)
    const b = await startWorkerProcess(redis.url, queue, fast);
    workers.push(b);
    await a.kill();
    writeFileSync(release, '');
    assert.equal(await task.result, b.pid);
    assert.deepEqual(ends, [task.id]);
    assert.equal(starts.length, 2); // once on a, once on b
  });

  it('SIGTERM: the host drains by its deadline and hands the running job back to another host', async () => {
    const queue = queueName('drain');
    const slow = ['--threads', '1', '--lock-duration', '600s', '--stalled-interval', '600s'];
    const a = await startWorkerProcess(redis.url, queue, [...slow, '--drain-timeout', '200']);
    workers.push(a);
    const pool = new DistributedPool<Tasks>({ connection: redis.connection, queue });
    pools.push(pool);
    const release = join(dir, 'drain');
    const firstStart = new Promise<void>((resolve) => pool.on('start', () => resolve()));
    const task = await pool.submit('hold', { path: release });
    await firstStart;
    const b = await startWorkerProcess(redis.url, queue, slow);
    workers.push(b);
    assert.equal(await a.terminate(), 0);
    assert.match(a.stderr(), /draining/);
    writeFileSync(release, '');
    assert.equal(await task.result, b.pid);
  });
});
