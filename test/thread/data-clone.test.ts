import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataCloneError, ThreadPool } from '../../src/index.js';
import { fixture } from './helpers.js';

type Data = typeof import('../fixtures/data.js');

test('input that cannot be cloned rejects DataCloneError (input) and the pool keeps working', async () => {
  const pool = new ThreadPool<Data>({ module: fixture('data.ts'), maxThreads: 1 });
  await assert.rejects(
    pool.run('ok', () => 'no'),
    (e) => e instanceof DataCloneError && e.direction === 'input' && e.code === 'ERR_DATA_CLONE',
  );
  assert.equal(await pool.run('ok', 1), 1);
  assert.equal(pool.stats().details?.spawned, 1);
  await pool.close();
});

test('output that cannot be cloned rejects DataCloneError (output) and the pool keeps working', async () => {
  const pool = new ThreadPool<Data>({ module: fixture('data.ts'), maxThreads: 1 });
  await assert.rejects(
    pool.run('fn'),
    (e) => e instanceof DataCloneError && e.direction === 'output',
  );
  assert.equal(await pool.run('ok', 2), 2);
  assert.equal(pool.stats().details?.spawned, 1);
  await pool.close();
});

test('a progress value that cannot be cloned throws DataCloneError (progress) in the handler', async () => {
  const pool = new ThreadPool<Data>({ module: fixture('data.ts'), maxThreads: 1 });
  const caught = await pool.run('caughtProgress');
  assert.equal(caught.workpool, true, 'workpool DataCloneError, not a DOMException');
  assert.equal(caught.code, 'ERR_DATA_CLONE');
  assert.equal(caught.direction, 'progress');
  assert.match(String(caught.message), /progress value/);
  await pool.close();
});

test('a progress DataCloneError the handler lets escape fails the task with DataCloneError (progress)', async () => {
  const pool = new ThreadPool<Data>({ module: fixture('data.ts'), maxThreads: 1 });
  const seen: unknown[] = [];
  const error = await pool.run('badProgress', undefined, { onProgress: (v) => seen.push(v) }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof DataCloneError, String(error));
  assert.equal(error.code, 'ERR_DATA_CLONE');
  assert.equal(error.direction, 'progress');
  assert.match(error.message, /progress value cannot be sent between threads/);
  assert.match(error.message, /could not be cloned/);
  assert.deepEqual(seen, [0.5], 'the report before it arrived; the bad one was not posted');
  assert.equal(await pool.run('ok', 3), 3);
  assert.equal(pool.stats().details?.spawned, 1);
  await pool.close();
});

test('in a batch, only the task with bad input fails', async () => {
  const pool = new ThreadPool<Data>({
    module: fixture('data.ts'),
    maxThreads: 1,
    concurrentTasksPerThread: 8,
  });
  const results = await Promise.allSettled([
    pool.run('ok', 1),
    pool.run('ok', Symbol('no')),
    pool.run('ok', 3),
    pool.run('fn'),
    pool.run('ok', 5),
  ]);
  assert.deepEqual(
    results.map((r) =>
      r.status === 'fulfilled' ? r.value : (r.reason as DataCloneError).direction,
    ),
    [1, 'input', 3, 'output', 5],
  );
  await pool.close();
});
