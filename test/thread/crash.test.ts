import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ThreadPool, WorkerCrashedError } from '../../src/index.js';
import { fixture, nextThreadEvent, threadDetails } from './helpers.js';

test('process.exit in a handler rejects WorkerCrashedError with the exit code; the pool heals', async () => {
  const pool = new ThreadPool({
    module: fixture('exit.js'),
    maxThreads: 1,
  });
  const replaced = nextThreadEvent(
    pool,
    'online',
    (e) => e.id !== undefined && threadDetails(pool).spawned === 2,
  );
  await assert.rejects(
    pool.run('exit', 3),
    (e) => e instanceof WorkerCrashedError && e.exitCode === 3,
  );
  await replaced;
  assert.equal(threadDetails(pool).alive, 1);
  assert.equal(await pool.run('ok'), 'ok');
  assert.equal(pool.stats().healthy, true);
  await pool.close();
});

test('an exception thrown later from a timer crashes the thread: WorkerCrashedError with the cause', async () => {
  const pool = new ThreadPool<typeof import('../fixtures/timer-throw.js')>({
    module: fixture('timer-throw.ts'),
    maxThreads: 1,
  });
  await assert.rejects(
    pool.run('later'),
    (e) =>
      e instanceof WorkerCrashedError &&
      e.exitCode === 1 &&
      e.cause instanceof Error &&
      e.cause.message === 'boom from a timer',
  );
  assert.equal(await pool.run('ok'), 'ok');
  await pool.close();
});

test('running out of memory under resourceLimits crashes the thread, not the pool', async () => {
  const pool = new ThreadPool<typeof import('../fixtures/oom.js')>({
    module: fixture('oom.ts'),
    maxThreads: 1,
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  await assert.rejects(
    pool.run('grow'),
    (e) =>
      e instanceof WorkerCrashedError &&
      typeof e.exitCode === 'number' &&
      (e.cause as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY',
  );
  assert.equal(await pool.run('ok'), 'ok');
  await pool.close();
});
