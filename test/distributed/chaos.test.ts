/**
 * A randomised chaos run (seeded, so a failure replays): thousands of jobs submitted while
 * worker processes are killed (-9) and replaced at random moments and Redis is killed and
 * restarted once. Every job whose submit resolved settles exactly once at its caller, with
 * its own result. Jobs may run twice (at-least-once); callers never see it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DistributedTask } from '../../src/distributed/index.js';
import { seededRandom } from '../../src/images/sample.js';
import { startWorkerProcess, until, useCluster } from './helpers.js';

const SEED = Number(process.env.WORKPOOL_CHAOS_SEED ?? 20261203);
const JOBS = 2000;
const IN_FLIGHT = 200;

const flags = [
  '--threads',
  '1',
  '--concurrency',
  '4',
  '--lock-duration',
  '1500',
  '--stalled-interval',
  '500',
  '--max-stalled',
  '100',
];

describe(`chaos (seed ${SEED})`, () => {
  const c = useCluster('chaos', { workers: 3, flags, pool: { reconcileInterval: 500 } });

  it('every accepted job settles exactly once with its own result', async () => {
    const rand = seededRandom(SEED);
    const ends = new Map<string, number>();
    c.pool.on('end', (e) => ends.set(e.id, (ends.get(e.id) ?? 0) + 1));
    const tasks: DistributedTask<number>[] = [];
    const results: Promise<number>[] = [];

    const produce = (async () => {
      for (let i = 0; i < JOBS; i++) {
        while (tasks.length - c.pool.stats().completed >= IN_FLIGHT)
          await until('room in flight', () => tasks.length - c.pool.stats().completed < IN_FLIGHT);
        const task = await c.pool.submit('add', { a: i, b: 7 });
        tasks.push(task);
        results.push(task.result);
      }
    })();

    // Six disruptions at random points of the run; the third is a Redis restart.
    const points = Array.from({ length: 6 }, () => Math.floor(rand() * JOBS * 0.8)).sort(
      (x, y) => x - y,
    );
    for (const [n, point] of points.entries()) {
      await until(`${point} results`, () => c.pool.stats().completed >= point, 120_000);
      if (n === 2) {
        await c.redis.kill();
        await c.redis.restart();
        continue;
      }
      const victim = Math.floor(rand() * c.workers.length);
      const [gone] = c.workers.splice(victim, 1);
      await gone?.kill();
      c.workers.push(await startWorkerProcess(c.redis.url, c.queue, flags));
    }
    await produce;
    const values = await Promise.all(results);
    assert.deepEqual(
      values,
      tasks.map((_, i) => i + 7),
    );
    assert.equal(ends.size, JOBS);
    for (const [id, count] of ends) assert.equal(count, 1, `job ${id} settled ${count} times`);
    const s = c.pool.stats();
    assert.equal(s.completed, JOBS);
    assert.equal(s.pending, 0);
  });
});
