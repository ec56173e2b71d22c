/**
 * `DistributedPool.map`: lazy and bounded (`window` jobs of `batch` items), results in
 * input order or as finished, the first error stops it, breaking out cancels what is in
 * flight.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DistributedPool } from '../../src/distributed/index.js';
import { queueName, startWorkerProcess, type WorkerProcess } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

type Tasks = typeof import('./fixtures/tasks.js');

describe('DistributedPool.map', () => {
  let redis: TestRedis;
  let worker: WorkerProcess;
  let pool: DistributedPool<Tasks>;
  const queue = queueName('map');

  before(async () => {
    redis = await startRedis();
    worker = await startWorkerProcess(redis.url, queue, ['--threads', '2']);
    pool = new DistributedPool<Tasks>({ connection: redis.connection, queue });
    await pool.ready();
  });
  after(async () => {
    await pool?.close({ timeout: 5000 });
    await worker?.terminate();
    await redis?.stop();
  });

  it('maps in input order, several items per job', async () => {
    const inputs = Array.from({ length: 50 }, (_, i) => ({ a: i, b: i }));
    const before = pool.stats().submitted;
    const out: number[] = [];
    for await (const n of pool.map('add', inputs, { batch: 8, window: 3 })) out.push(n);
    assert.deepEqual(
      out,
      inputs.map((x) => x.a * 2),
    );
    assert.equal(pool.stats().submitted - before, 7); // ceil(50 / 8) jobs
  });

  it('unordered: every result once', async () => {
    const out: number[] = [];
    for await (const n of pool.map(
      'add',
      [1, 2, 3, 4, 5].map((a) => ({ a, b: 0 })),
      { ordered: false, batch: 2 },
    ))
      out.push(n);
    assert.deepEqual(
      out.sort((x, y) => x - y),
      [1, 2, 3, 4, 5],
    );
  });

  it('pulls its source lazily: no more than window * batch items ahead', async () => {
    let pulled = 0;
    function* source(): Generator<{ a: number; b: number }> {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield { a: i, b: 0 };
      }
    }
    const it = pool.map('add', source(), { batch: 3, window: 2 });
    const first = await it.next();
    assert.equal(first.value, 0);
    assert.ok(pulled <= 6, `pulled ${pulled}`);
    await it.return?.(undefined);
    assert.equal(pool.stats().pending, 0); // what was in flight was cancelled
  });

  it('the first error stops the map', async () => {
    const run = async (): Promise<void> => {
      for await (const _ of pool.map('fail', [undefined, undefined], { batch: 1 })) {
      }
    };
    await assert.rejects(run, (e: Error) => e.name === 'QuotaError');
  });
});
