import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { ThreadPool, type ThreadPoolOptions } from '../../src/index.js';
import { fixture } from './helpers.js';

const module = fixture('echo.ts');

function make(options: Record<string, unknown>): () => ThreadPool {
  return () => new ThreadPool(options as unknown as ThreadPoolOptions);
}

test('wrong types are TypeErrors naming the option', () => {
  assert.throws(make({}), { name: 'TypeError', message: /`module`/ });
  assert.throws(make({ module: 42 }), {
    name: 'TypeError',
    message: /^Expected `module` to be a file: URL or a file path, got `42` \(number\)/,
  });
  assert.throws(make({}), {
    name: 'TypeError',
    message: /`module` to be a file: URL or a file path, got `undefined`/,
  });
  assert.throws(make({ module, maxThreads: '2' }), { name: 'TypeError', message: /`maxThreads`/ });
  assert.throws(make({ module, killGrace: null }), { name: 'TypeError', message: /`killGrace`/ });
  assert.throws(make({ module, spin: '50' }), { name: 'TypeError', message: /`spin`/ });
  assert.throws(make({ module, resourceLimits: 5 }), {
    name: 'TypeError',
    message: /`resourceLimits`/,
  });
  assert.throws(make({ module, execArgv: '--x' }), { name: 'TypeError', message: /`execArgv`/ });
  assert.throws(make({ module, maxQueue: 'x' }), { name: 'TypeError', message: /`maxQueue`/ });
  assert.throws(() => new ThreadPool(null as unknown as ThreadPoolOptions), TypeError);
});

test('values out of range are RangeErrors naming the option', () => {
  assert.throws(make({ module, maxThreads: 0 }), {
    name: 'RangeError',
    message: /`maxThreads`.*`0`/,
  });
  assert.throws(make({ module, minThreads: -1 }), { name: 'RangeError', message: /`minThreads`/ });
  assert.throws(make({ module, minThreads: 3, maxThreads: 2 }), {
    name: 'RangeError',
    message: /`minThreads`/,
  });
  assert.throws(make({ module, concurrentTasksPerThread: 0 }), {
    name: 'RangeError',
    message: /`concurrentTasksPerThread`/,
  });
  assert.throws(make({ module, killGrace: -1 }), { name: 'RangeError', message: /`killGrace`/ });
  assert.throws(make({ module, spin: -1 }), { name: 'RangeError', message: /`spin`/ });
  assert.throws(make({ module, prefetch: 1.5 }), { name: 'RangeError', message: /`prefetch`/ });
  assert.throws(make({ module, prefetch: 1e9 }), { name: 'RangeError', message: /`prefetch`/ });
  assert.throws(make({ module: new URL('https://example.com/tasks.js') }), {
    name: 'RangeError',
    message: /`module`/,
  });
});

test('unknown keys are rejected, including Pool’s `concurrency`', () => {
  assert.throws(make({ module, maxThread: 2 }), {
    name: 'TypeError',
    message: /Unknown option `maxThread`/,
  });
  assert.throws(make({ module, concurrency: 2 }), {
    name: 'TypeError',
    message: /Unknown option `concurrency`/,
  });
});

test('defaults: maxThreads is os.availableParallelism(), minThreads is maxThreads', async () => {
  const pool = new ThreadPool({ module });
  assert.deepEqual(pool.stats().concurrency, {
    min: availableParallelism(),
    max: availableParallelism(),
  });
  await pool.close();
  const grown = new ThreadPool({ module, minThreads: availableParallelism() + 1 });
  assert.deepEqual(grown.stats().concurrency.max, availableParallelism() + 1);
  await grown.terminate();
});

test('task options are checked: transfer must be an array, unknown keys rejected', async () => {
  const pool = new ThreadPool({ module, maxThreads: 1 });
  assert.throws(() => pool.run('echo', 1, { transfer: 'x' as never }), TypeError);
  assert.throws(() => pool.run('echo', 1, { tiemout: 5 } as never), {
    name: 'TypeError',
    message: /tiemout/,
  });
  assert.throws(() => pool.run(5 as never), { name: 'TypeError', message: /`name`/ });
  await pool.close();
});
