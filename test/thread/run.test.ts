import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ThreadPool } from '../../src/index.js';
import { fixture, threadDetails } from './helpers.js';

type Echo = typeof import('../fixtures/echo.js');

test('runs sync and async handlers of a TypeScript task module and returns their results', async () => {
  const pool = new ThreadPool<Echo>({ module: fixture('echo.ts'), maxThreads: 2 });
  assert.equal(await pool.run('add', { a: 2, b: 3 }), 5);
  assert.equal(await pool.run('later', 'x'), 'later:x');
  assert.deepEqual(await pool.run('echo', { nested: [1, 'two', new Map([[3, 4]])] }), {
    nested: [1, 'two', new Map([[3, 4]])],
  });
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) => pool.run('add', { a: i, b: 1 })),
  );
  assert.deepEqual(
    results,
    Array.from({ length: 50 }, (_, i) => i + 1),
  );
  const stats = pool.stats();
  assert.equal(stats.completed, 53);
  assert.equal(stats.workers, 2);
  assert.equal(stats.healthy, true);
  await pool.close();
});

test('a default-exported object of functions provides the handlers', async () => {
  const pool = new ThreadPool<typeof import('../fixtures/default-export.js')>({
    module: fixture('default-export.ts'),
    maxThreads: 1,
  });
  assert.equal(await pool.run('double', 21), 42);
  assert.equal(await pool.run('triple', 3), 9);
  await pool.close();
});

test('the module may be given as a path string, relative to the working directory', async () => {
  const pool = new ThreadPool({ module: 'test/fixtures/exit.js', maxThreads: 1 });
  assert.equal(await pool.run('ok'), 'ok');
  await pool.close();
});

test('stats().details reports each thread with utilization and event-loop utilization', async () => {
  const pool = new ThreadPool<Echo>({ module: fixture('echo.ts'), maxThreads: 2 });
  await Promise.all([pool.run('echo', 1), pool.run('echo', 2)]);
  const details = threadDetails(pool);
  assert.equal(details.alive, 2);
  assert.equal(details.threads.length, 2);
  for (const t of details.threads) {
    assert.equal(typeof t.id, 'number');
    assert.equal(t.running, 0);
    assert.equal(t.utilization, 0);
    assert.ok(t.eventLoopUtilization >= 0 && t.eventLoopUtilization <= 1);
  }
  await pool.close();
});
