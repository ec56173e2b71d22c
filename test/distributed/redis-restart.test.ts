/**
 * Redis killed (-9) and restarted mid-run, with append-only persistence: every job whose
 * submit resolved settles exactly once at its caller with its own result, and the worker
 * hosts reconnect and go on (jobs submitted after the restart run too).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DistributedTask } from '../../src/distributed/index.js';
import { until, useCluster } from './helpers.js';

describe('Redis restarted mid-run', () => {
  const c = useCluster('restart', {
    workers: 2,
    flags: ['--threads', '1', '--lock-duration', '2000', '--stalled-interval', '500'],
    pool: { reconcileInterval: 500 },
  });
  const dir = mkdtempSync(join(tmpdir(), 'workpool-restart-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loses no accepted job, settles each caller once, and the workers go on', async () => {
    const ends = new Map<string, number>();
    c.pool.on('end', (e) => ends.set(e.id, (ends.get(e.id) ?? 0) + 1));
    // Both hosts busy on a job each, 300 jobs waiting in Redis: then Redis dies.
    const release = join(dir, 'release');
    const holds = [
      await c.pool.submit('hold', { path: release }),
      await c.pool.submit('hold', { path: release }),
    ];
    const tasks: DistributedTask<number>[] = [];
    for (let i = 0; i < 300; i++) tasks.push(await c.pool.submit('add', { a: i, b: 1000 }));
    await until('both hosts running a job', () => c.pool.stats().running === 2);
    await c.redis.kill();
    await c.redis.restart();
    writeFileSync(release, '');
    for (let i = 300; i < 350; i++) tasks.push(await c.pool.submit('add', { a: i, b: 1000 }));
    const pids = await Promise.all(holds.map((t) => t.result));
    assert.ok(pids.every((pid) => c.workers.some((w) => w.pid === pid)));
    const results = await Promise.all(tasks.map((t) => t.result));
    assert.deepEqual(
      results,
      tasks.map((_, i) => i + 1000),
    );
    assert.equal(ends.size, 352);
    for (const [id, n] of ends) assert.equal(n, 1, `job ${id} settled ${n} times`);
    assert.equal(c.pool.stats().pending, 0);
  });
});
