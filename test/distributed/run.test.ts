import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataCloneError, UnknownHandlerError } from '../../src/index.js';
import { useCluster } from './helpers.js';

describe('DistributedPool run through a worker process', () => {
  const c = useCluster('run');

  it('returns the handler result, structured-clone data intact', async () => {
    assert.equal(await c.pool.run('add', { a: 2, b: 3 }), 5);
    const bytes = new Uint8Array([1, 2, 255]);
    const out = await c.pool.run('echo', { bytes, when: new Date(0), m: new Map([['k', 1n]]) });
    assert.deepEqual(out, { bytes, when: new Date(0), m: new Map([['k', 1n]]) });
    assert.equal(await c.pool.run('pid'), c.workers[0]?.pid);
  });

  it("passes a task's error through: name, message, code, own props, cause", async () => {
    const error = await c.pool.run('fail').then(
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

  it('stats add up: refused calls are rejected, not submitted; each accepted one ends once', async () => {
    await c.pool.clusterStats(); // reads the adverts now
    const before = c.pool.stats();
    assert.equal(await c.pool.run('add', { a: 1, b: 1 }), 2);
    await assert.rejects(c.pool.run('fail'), { name: 'QuotaError' });
    await assert.rejects(c.pool.run('nope' as 'echo', 1), UnknownHandlerError);
    assert.throws(() => c.pool.trySubmit('nope' as 'echo', 1), UnknownHandlerError);
    const after = c.pool.stats();
    const delta = (k: 'submitted' | 'completed' | 'failed' | 'rejected' | 'started') =>
      after[k] - before[k];
    assert.deepEqual(
      {
        submitted: delta('submitted'),
        started: delta('started'),
        completed: delta('completed'),
        failed: delta('failed'),
        rejected: delta('rejected'),
      },
      { submitted: 2, started: 2, completed: 1, failed: 1, rejected: 2 },
    );
    const ended = after.completed + after.failed + after.cancelled + after.timedOut + after.dropped;
    assert.equal(after.submitted, ended + after.pending);
    assert.equal(after.killed, 0);
  });

  it('refuses an unknown handler at submit once workers have advertised theirs', async () => {
    await c.pool.clusterStats(); // reads the adverts now
    const error = await c.pool.submit('nope' as 'echo', 1).then(
      () => assert.fail('should reject'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof UnknownHandlerError);
    assert.ok(error.available.includes('echo'));
    assert.throws(() => c.pool.trySubmit('nope' as 'echo', 1), UnknownHandlerError);
  });

  it('refuses input that cannot be serialized before anything is enqueued', async () => {
    const before = (await c.pool.clusterStats()).cluster;
    await assert.rejects(c.pool.run('echo', { f: () => 1 }), DataCloneError);
    assert.throws(() => c.pool.trySubmit('echo', Symbol('x')), DataCloneError);
    const after = (await c.pool.clusterStats()).cluster;
    assert.equal(after?.waiting, before?.waiting);
    assert.equal(c.pool.stats().pending, 0);
  });

  it('counts what it ran, and sees the worker host', async () => {
    const s = await c.pool.clusterStats();
    assert.ok(s.completed >= 3);
    assert.equal(s.workers.length, 1);
    assert.equal(s.workers[0]?.pid, c.workers[0]?.pid);
    assert.equal(s.workers[0]?.threads, 1);
    assert.equal(s.workers[0]?.healthy, true);
  });
});
