import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ThreadPool } from '../../src/index.js';

const module = new URL('../fixtures/echo.ts', import.meta.url);

test('a ThreadPool task is retried, and the handler sees ctx.attempt', async () => {
  const pool = new ThreadPool<typeof import('../fixtures/echo.js')>({ module, maxThreads: 1 });
  const attempts: number[] = [];
  pool.on('start', ({ attempt }) => attempts.push(attempt));
  assert.equal(await pool.run('flaky', undefined, { retries: { attempts: 3, delay: 0 } }), 3);
  assert.deepEqual(attempts, [1, 2, 3]);
  const s = pool.stats();
  assert.equal(s.retried, 2);
  assert.equal(s.byName.flaky?.retried, 2);
  await assert.rejects(
    pool.run('flaky', undefined, { retries: { attempts: 1, delay: 0 } }),
    (e: unknown) => {
      const error = e as Error & { attempts: number; errors: Error[] };
      return (
        error.message === 'attempt 2 failed' && error.attempts === 2 && error.errors.length === 1
      );
    },
  );
  await pool.close();
});

test('pool.group(): the first error aborts the group signal and cancels the sibling tasks', async () => {
  const pool = new ThreadPool<typeof import('../fixtures/echo.js')>({ module, maxThreads: 2 });
  const g = pool.group();
  const outcomes: string[] = [];
  void g.go(async (signal) => {
    outcomes.push(
      await pool.run('untilAborted', undefined, { signal }).catch((e: Error) => e.name),
    );
  });
  void g.go(() => pool.run('flaky', undefined, { signal: g.signal }));
  await assert.rejects(g.wait(), /attempt 1 failed/);
  assert.equal(g.signal.aborted, true);
  assert.deepEqual(outcomes, ['TaskCancelledError']);
  await pool.close();
});
