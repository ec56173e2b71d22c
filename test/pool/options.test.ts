import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from '../../src/index.js';

test('invalid pool options throw TypeError/RangeError naming the option and the value', () => {
  assert.throws(() => new Pool({ concurrency: 0 }), {
    name: 'RangeError',
    message: 'Expected `concurrency` to be an integer from 1 and up, got `0` (number)',
  });
  assert.throws(() => new Pool({ concurrency: '4' as unknown as number }), {
    name: 'TypeError',
    message: 'Expected `concurrency` to be a number, \'auto\' or { min, max }, got `"4"` (string)',
  });
  assert.throws(
    () => new Pool({ concurrency: { min: 5, max: 2 } }),
    /`concurrency.min` \(5\) to be at most `concurrency.max` \(2\)/,
  );
  assert.throws(() => new Pool({ maxQueue: -1 }), {
    name: 'RangeError',
    message: /`maxQueue`.*`-1`/,
  });
  assert.throws(() => new Pool({ maxQueue: 1.5 }), RangeError);
  assert.throws(() => new Pool({ idleTimeout: Number.NaN }), TypeError);
  assert.throws(() => new Pool({ concurency: 3 } as never), {
    name: 'TypeError',
    message: /Unknown option `concurency`/,
  });
  assert.doesNotThrow(() => new Pool({ maxQueue: Number.POSITIVE_INFINITY }));
});

test('invalid task options reject without taking the pool down', async () => {
  const pool = new Pool({ concurrency: 1 });
  assert.throws(() => pool.run(() => 1, { timeout: -5 }), {
    name: 'RangeError',
    message: /`timeout`.*`-5`/,
  });
  assert.throws(() => pool.run(() => 1, { priority: 'high' as unknown as number }), TypeError);
  assert.throws(
    () => pool.run(() => 1, { signal: {} as AbortSignal }),
    /`signal` to be an AbortSignal/,
  );
  assert.throws(() => pool.run(() => 1, { retry: 3 } as never), /Unknown option `retry`/);
  assert.throws(() => pool.run('not a function' as never), /`fn` to be a function/);
  assert.equal(await pool.run(() => 'ok'), 'ok');
  await pool.close();
});

test('the zero-config pool works', async () => {
  const pool = new Pool();
  assert.ok(pool.stats().concurrency.max >= 1);
  assert.equal(await pool.run(() => 1), 1);
  await pool.close();
});
