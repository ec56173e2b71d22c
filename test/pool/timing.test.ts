import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, Pool } from '../../src/index.js';
import { flush, gate } from '../helpers.js';

// A running task's begin time lives in the scheduler's active set, not on the task, and a
// retried task's first admission in its `extra`: these check the times still add up.

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 0.5, `${what}: ${actual}, expected ${expected}`);
}

test('each task is timed from its own begin while others leave the active set', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 2, clock });
  const [a, b, c] = [gate(), gate(), gate()];
  const done = [
    pool.run(() => a.wait, { name: 'a' }),
    pool.run(() => b.wait, { name: 'b' }),
    pool.run(() => c.wait, { name: 'c' }),
  ];
  await flush();
  clock.advance(10);
  a.open(); // `b` moves into `a`'s place in the active set; `c` begins at 10
  await flush();
  clock.advance(20);
  b.open();
  await flush();
  clock.advance(5);
  c.open();
  await Promise.all(done);
  const { byName } = pool.stats();
  const expected = { a: [0, 10, 10], b: [0, 30, 30], c: [10, 25, 35] } as const;
  for (const [name, [wait, run, total]] of Object.entries(expected)) {
    const s = byName[name];
    assert.ok(s !== undefined, name);
    near(s.waitTime.max, wait, `${name} wait`);
    near(s.runTime.max, run, `${name} run`);
    near(s.totalTime.max, total, `${name} total`);
  }
  await pool.close();
});

test('a retried task is timed from its first admission; its wait from its re-queueing', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 1, clock });
  const result = pool.run(
    async ({ attempt }) => {
      if (attempt === 1) {
        clock.advance(7);
        throw new Error('first attempt fails');
      }
      return attempt;
    },
    { name: 't', retries: { attempts: 2, delay: 100 } },
  );
  await flush();
  clock.advanceToNext(); // the backoff ends at 107
  assert.equal(await result, 2);
  const s = pool.stats().byName.t;
  assert.ok(s !== undefined);
  near(s.totalTime.max, 107, 'total');
  near(s.runTime.max, 7, 'run');
  near(s.waitTime.max, 0, 'wait');
  await pool.close();
});
