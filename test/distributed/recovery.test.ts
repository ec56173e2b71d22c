/**
 * Worker hosts that go away. kill -9 mid-job: BullMQ's stalled check (short lock and
 * interval here, as in BullMQ's own stalled tests) gives the job to another host, and the
 * caller gets one result, from that host. SIGTERM: the host stops taking jobs, drains
 * within its deadline, and hands the running job back at once; the other host has a
 * 10-minute lock and stalled interval, so only the hand-back can explain it taking the job.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DistributedPool } from '../../src/distributed/index.js';
import { queueName, startWorkerProcess, useScratch } from './helpers.js';

type Tasks = typeof import('./fixtures/tasks.js');

describe('worker hosts that go away', () => {
  const scratch = useScratch('recovery');

  it('kill -9 of the host running a job: it runs again on another host, the caller gets one result', async () => {
    const queue = queueName('kill9');
    const fast = ['--threads', '1', '--lock-duration', '1500', '--stalled-interval', '500'];
    const a = await startWorkerProcess(scratch.redis.url, queue, fast);
    scratch.workers.push(a);
    const pool = new DistributedPool<Tasks>({ connection: scratch.redis.connection, queue });
    scratch.pools.push(pool);
    const starts: string[] = [];
    const ends: string[] = [];
    pool.on('start', (e) => starts.push(e.id));
    pool.on('end', (e) => ends.push(e.id));
    const release = join(scratch.dir, 'kill9');
    const firstStart = new Promise<void>((resolve) => pool.on('start', () => resolve()));
    const task = await pool.submit('hold', { path: release });
    await firstStart; // a took it (the only host)
    const b = await startWorkerProcess(scratch.redis.url, queue, fast);
    scratch.workers.push(b);
    await a.kill();
    writeFileSync(release, '');
    assert.equal(await task.result, b.pid);
    assert.deepEqual(ends, [task.id]);
    assert.equal(starts.length, 2); // once on a, once on b
  });

  it('SIGTERM: the host drains by its deadline and hands the running job back to another host', async () => {
    const queue = queueName('drain');
    const slow = ['--threads', '1', '--lock-duration', '600s', '--stalled-interval', '600s'];
    const a = await startWorkerProcess(scratch.redis.url, queue, [
      ...slow,
      '--drain-timeout',
      '200',
    ]);
    scratch.workers.push(a);
    const pool = new DistributedPool<Tasks>({ connection: scratch.redis.connection, queue });
    scratch.pools.push(pool);
    const release = join(scratch.dir, 'drain');
    const firstStart = new Promise<void>((resolve) => pool.on('start', () => resolve()));
    const task = await pool.submit('hold', { path: release });
    await firstStart;
    const b = await startWorkerProcess(scratch.redis.url, queue, slow);
    scratch.workers.push(b);
    assert.equal(await a.terminate(), 0);
    assert.match(a.stderr(), /draining/);
    writeFileSync(release, '');
    assert.equal(await task.result, b.pid);
  });
});
