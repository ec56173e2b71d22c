import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskCancelledError, TaskTimeoutError, ThreadPool } from '../../src/index.js';
import { fixture, SharedGate, threadDetails } from './helpers.js';

type Gate = typeof import('../fixtures/gate.js');

test('a timeout aborts the in-thread signal; a cooperative handler ends and keeps its thread', async () => {
  const pool = new ThreadPool<Gate>({
    module: fixture('gate.ts'),
    maxThreads: 1,
    killGrace: 60_000,
  });
  const gate = new SharedGate();
  const task = pool.submit('waitAsyncOrAbort', gate.sab, { timeout: 20 });
  await assert.rejects(
    (await task).result,
    (e) => e instanceof TaskTimeoutError && e.phase === 'run',
  );
  // The handler saw its signal abort and returned; the slot is free again without a kill.
  await pool.onIdle();
  assert.equal(await pool.run('ok', 'next'), 'next');
  assert.equal(threadDetails(pool).spawned, 1, 'the thread was not replaced');
  await pool.close();
});

test('task.cancel() aborts the in-thread signal of a running task', async () => {
  const pool = new ThreadPool<Gate>({
    module: fixture('gate.ts'),
    maxThreads: 1,
    killGrace: 60_000,
  });
  const gate = new SharedGate();
  const task = await pool.submit('waitAsyncOrAbort', gate.sab);
  await gate.started();
  task.cancel('changed my mind');
  await assert.rejects(
    task.result,
    (e) => e instanceof TaskCancelledError && e.cause === 'changed my mind',
  );
  await pool.onIdle();
  assert.equal(pool.stats().cancelled, 1);
  assert.equal(threadDetails(pool).spawned, 1);
  await pool.close();
});
