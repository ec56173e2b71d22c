/**
 * A randomised chaos run (seeded, so a failure replays): thousands of jobs submitted while
 * worker processes are killed (-9) and replaced at random moments and Redis is killed and
 * restarted once. Every job whose submit resolved settles exactly once at its caller, with
 * its own result. Jobs may run twice (at-least-once); callers never see it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DistributedPool, type DistributedTask } from '../../src/distributed/index.js';
import { queueName, startWorkerProcess, until, type WorkerProcess } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

type Tasks = typeof import('./fixtures/tasks.js');

const SEED = Number(process.env.WORKPOOL_CHAOS_SEED ?? 20261203);
const JOBS = 2000;
const IN_FLIGHT = 200;

/** mulberry32: a small seeded PRNG. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  let redis: TestRedis;
  const workers: WorkerProcess[] = [];
  let pool: DistributedPool<Tasks>;
  const queue = queueName('chaos');

  before(async () => {
    redis = await startRedis();
    for (let i = 0; i < 3; i++) workers.push(await startWorkerProcess(redis.url, queue, flags));
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
  });

  it('every accepted job settles exactly once with its own result', async () => {
    const rand = random(SEED);
    const ends = new Map<string, number>();
    pool.on('end', (e) => ends.set(e.id, (ends.get(e.id) ?? 0) + 1));
    const tasks: DistributedTask<number>[] = [];
    const results: Promise<number>[] = [];

    const produce = (async () => {
      for (let i = 0; i < JOBS; i++) {
        while (tasks.length - pool.stats().completed >= IN_FLIGHT)
          await until('room in flight', () => tasks.length - pool.stats().completed < IN_FLIGHT);
        const task = await pool.submit('add', { a: i, b: 7 });
        tasks.push(task);
        results.push(task.result);
      }
    })();

    // Six disruptions at random points of the run; the third is a Redis restart.
    const points = Array.from({ length: 6 }, () => Math.floor(rand() * JOBS * 0.8)).sort(
      (x, y) => x - y,
    );
    for (const [n, point] of points.entries()) {
      await until(`${point} results`, () => pool.stats().completed >= point, 120_000);
      if (n === 2) {
        await redis.kill();
        await redis.restart();
        continue;
      }
      const victim = Math.floor(rand() * workers.length);
      const [gone] = workers.splice(victim, 1);
      await gone?.kill();
      workers.push(await startWorkerProcess(redis.url, queue, flags));
    }
    await produce;
    const values = await Promise.all(results);
    assert.deepEqual(
      values,
      tasks.map((_, i) => i + 7),
    );
    assert.equal(ends.size, JOBS);
    for (const [id, count] of ends) assert.equal(count, 1, `job ${id} settled ${count} times`);
    const s = pool.stats();
    assert.equal(s.completed, JOBS);
    assert.equal(s.pending, 0);
  });
});
