import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DistributedPool } from '../../src/distributed/index.js';
import { DataCloneError, UnknownHandlerError } from '../../src/index.js';
import { queueName, startWorkerProcess, type WorkerProcess } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

type Tasks = typeof import('./fixtures/tasks.js');

describe('DistributedPool run through a worker process', () => {
  let redis: TestRedis;
  let worker: WorkerProcess;
  let pool: DistributedPool<Tasks>;
  const queue = queueName('run');

  before(async () => {
    redis = await startRedis();
    worker = await startWorkerProcess(redis.url, queue, ['--threads', '1']);
    pool = new DistributedPool<Tasks>({ connection: redis.connection, queue });
    await pool.ready();
  });
  after(async () => {
    await pool?.close({ timeout: 5000 });
    await worker?.terminate();
    await redis?.stop();
  });

  it('returns the handler result, structured-clone data intact', async () => {
    assert.equal(await pool.run('add', { a: 2, b: 3 }), 5);
    const bytes = new Uint8Array([1, 2, 255]);
    const out = await pool.run('echo', { bytes, when: new Date(0), m: new Map([['k', 1n]]) });
    assert.deepEqual(out, { bytes, when: new Date(0), m: new Map([['k', 1n]]) });
    assert.equal(await pool.run('pid'), worker.pid);
  });

  it("passes a task's error through: name, message, code, own props, cause", async () => {
    const error = await pool.run('fail').then(
      () => assert.fail('should reject'),
      (e: unknown) => e as Error & { code?: string; limit?: number },
    );
    assert.equal(error.name, 'QuotaError');
    assert.equal(error.message, 'over quota');
    assert.equal(error.code, 'E_QUOTA');
    assert.equal(error.limit, 5);
    assert.ok(error.cause instanceof TypeError);
    assert.match(String(error.stack), /fixtures\/tasks\.ts/);
  });

  it('refuses an unknown handler at submit once workers have advertised theirs', async () => {
    await pool.clusterStats(); // reads the adverts now
    const error = await pool.submit('nope' as 'echo', 1).then(
      () => assert.fail('should reject'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof UnknownHandlerError);
    assert.ok(error.available.includes('echo'));
    assert.throws(() => pool.trySubmit('nope' as 'echo', 1), UnknownHandlerError);
  });

  it('refuses input that cannot be serialized before anything is enqueued', async () => {
    const before = (await pool.clusterStats()).cluster;
    await assert.rejects(pool.run('echo', { f: () => 1 }), DataCloneError);
    assert.throws(() => pool.trySubmit('echo', Symbol('x')), DataCloneError);
    const after = (await pool.clusterStats()).cluster;
    assert.equal(after?.waiting, before?.waiting);
    assert.equal(pool.stats().pending, 0);
  });

  it('counts what it ran, and sees the worker host', async () => {
    const s = await pool.clusterStats();
    assert.ok(s.completed >= 3);
    assert.equal(s.workers.length, 1);
    assert.equal(s.workers[0]?.pid, worker.pid);
    assert.equal(s.workers[0]?.threads, 1);
    assert.equal(s.workers[0]?.healthy, true);
  });
});
