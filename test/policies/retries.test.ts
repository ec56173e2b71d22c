import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, Pool, TaskCancelledError, TaskTimeoutError } from '../../src/index.js';
import { normalizeRetry, retryDelay } from '../../src/scheduler/retry-policy.js';
import { flush } from '../helpers.js';

/** Drives a manual clock until `p` settles. */
async function drive<T>(clock: ManualClock, p: Promise<T>): Promise<T> {
  let done = false;
  const watched = p.then(
    (value) => {
      done = true;
      return { ok: true as const, value };
    },
    (error: unknown) => {
      done = true;
      return { ok: false as const, error };
    },
  );
  for (let i = 0; i < 1000 && !done; i++) {
    await flush();
    if (!done) clock.advanceToNext();
  }
  const r = await watched;
  if (r.ok) return r.value;
  throw r.error;
}

test('a failing task is retried with exponential backoff; ctx.attempt counts', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 1, clock });
  const startedAt: number[] = [];
  const retries: number[] = [];
  pool.on('retry', ({ delayMs }) => retries.push(delayMs));
  const result = pool.run(
    ({ attempt }) => {
      startedAt.push(clock.now());
      if (attempt < 4) throw new Error(`attempt ${attempt} failed`);
      return attempt;
    },
    { retries: { attempts: 5, delay: 100 } },
  );
  assert.equal(await drive(clock, result), 4);
  assert.deepEqual(startedAt, [0, 100, 300, 700]);
  assert.deepEqual(retries, [100, 200, 400]);
  assert.equal(pool.stats().retried, 3);
  assert.equal(pool.stats().completed, 1);
  await pool.close();
});

test('after the last retry the final error carries the earlier ones', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 1, clock });
  const result = pool.run(
    ({ attempt }) => {
      throw new RangeError(`attempt ${attempt}`);
    },
    { retries: { attempts: 2, backoff: 'fixed', delay: 10 } },
  );
  const error = await drive(clock, result).catch((e: unknown) => e);
  assert.ok(error instanceof RangeError);
  assert.equal(error.message, 'attempt 3');
  const { attempts, errors } = error as RangeError & { attempts: number; errors: Error[] };
  assert.equal(attempts, 3);
  assert.deepEqual(
    errors.map((e) => e.message),
    ['attempt 1', 'attempt 2'],
  );
  assert.equal(pool.stats().failed, 1);
  await pool.close();
});

test('a timeout is not retried unless retryIf asks; then the next attempt gets a fresh signal', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 1, clock });
  let calls = 0;
  const plain = pool.run(
    ({ signal }) =>
      new Promise((_, reject) => {
        calls++;
        signal.addEventListener('abort', () => reject(signal.reason));
      }),
    { timeout: 5, retries: 3 },
  );
  await assert.rejects(drive(clock, plain), TaskTimeoutError);
  assert.equal(calls, 1);

  const signals: AbortSignal[] = [];
  const asked = pool.run(
    ({ signal, attempt }) => {
      signals.push(signal);
      if (attempt === 2) return 'second time lucky';
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason)),
      );
    },
    {
      timeout: 5,
      retries: { attempts: 1, delay: 0, retryIf: (e) => e instanceof TaskTimeoutError },
    },
  );
  assert.equal(await drive(clock, asked), 'second time lucky');
  assert.equal(signals.length, 2);
  assert.equal(signals[0]?.aborted, true);
  assert.equal(signals[1]?.aborted, false);
  await pool.close();
});

test('a cancelled task is never retried, and a delayed retry can be cancelled', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 1, clock });
  let calls = 0;
  const task = await pool.submit(
    () => {
      calls++;
      throw new Error('fails');
    },
    { retries: { attempts: 5, delay: 1000 } },
  );
  await flush();
  assert.equal(calls, 1);
  task.cancel('enough');
  await assert.rejects(task.result, TaskCancelledError);
  clock.advance(10_000);
  await flush();
  assert.equal(calls, 1);
  assert.equal(clock.pending, 0);
  await pool.close();
});

test('retryDelay: fixed, exponential capped, custom, jitter bounds', () => {
  const fixed = normalizeRetry({ attempts: 3, backoff: 'fixed', delay: 50 });
  const exp = normalizeRetry({ attempts: 10, delay: 100, maxDelay: 500 });
  const custom = normalizeRetry({ attempts: 2, backoff: (n: number) => n * 7 });
  const full = normalizeRetry({ attempts: 2, delay: 100, jitter: true });
  const half = normalizeRetry({ attempts: 2, delay: 100, jitter: 0.5 });
  assert.ok(fixed && exp && custom && full && half);
  const e = new Error('x');
  assert.equal(retryDelay(fixed, e, 1), 50);
  assert.equal(retryDelay(fixed, e, 4), undefined);
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => retryDelay(exp, e, n)),
    [100, 200, 400, 500, 500],
  );
  assert.equal(retryDelay(custom, e, 2), 14);
  for (const r of [0, 0.25, 0.999]) {
    const d = retryDelay(full, e, 1, () => r) ?? -1;
    assert.ok(d >= 0 && d <= 100);
    const h = retryDelay(half, e, 1, () => r) ?? -1;
    assert.ok(h >= 50 && h <= 150, String(h));
  }
  assert.throws(() => normalizeRetry({ attempts: -1 }), RangeError);
  assert.throws(() => normalizeRetry({ attempts: 1, backoff: 'linear' }), /retries.backoff/);
  assert.throws(() => normalizeRetry({ attempts: 1, jitter: 2 }), RangeError);
});
