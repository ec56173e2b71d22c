// Bad options and stages fail when the pipeline is made, with TypeError/RangeError naming them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { map, Pool, pipeline, ThreadPool } from '../../src/index.js';
import { fixture } from '../thread/helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: these calls are wrong on purpose.
const loose = pipeline as any;

describe('pipeline options', () => {
  it('names the option and what it got', () => {
    assert.throws(() => loose([1], (x: number) => x, { buffer: -1 }), {
      name: 'RangeError',
      message: 'Expected `buffer` to be an integer from 0 and up, got `-1` (number)',
    });
    assert.throws(() => loose([1], (x: number) => x, { ordered: 'yes' }), TypeError);
    assert.throws(() => loose([1], (x: number) => x, { onError: 'skip' }), /`onError`/);
    assert.throws(() => loose([1], (x: number) => x, { signal: 1 }), /`signal`/);
    assert.throws(() => loose([1], (x: number) => x, { bufer: 1 }), /Unknown option `bufer`/);
    assert.throws(() => map((x: number) => x, { concurrency: 0 }), {
      name: 'RangeError',
      message: 'Expected `concurrency` to be an integer from 1 and up, got `0` (number)',
    });
    assert.throws(() => map((x: number) => x, { timeout: 5 }), /`timeout` needs a pool/);
  });

  it('names the stage of a bad stage object', () => {
    const pool = new Pool({ concurrency: 1 });
    assert.throws(() => loose([1], 42), /Expected `stages\[0\]` to be a function, a stage/);
    assert.throws(() => loose([1], { pool: {}, fn: () => 1 }), /`stages\[0\]\.pool` to be a Pool/);
    assert.throws(() => loose([1], (x: number) => x, { pool, fn: 1 }), /`stages\[1\]\.fn`/);
    assert.throws(() => loose([1], { pool, fn: () => 1, timeout: -1 }), /`stages\[0\]\.timeout`/);
    assert.throws(() => loose([1], { pool, fn: () => 1, concurrency: 1.5 }), RangeError);
    assert.throws(() => loose([1], { pool, handler: 'x' }), /names a thread handler/);
    assert.throws(() => loose(42, (x: number) => x), /Expected `source` to be an iterable/);
    void pool.close();
  });

  it('refuses retries with transfer on a thread stage when it is made, not once per item', async () => {
    const threads = new ThreadPool({ module: fixture('echo.ts'), maxThreads: 1 });
    const transfer = (b: Uint8Array) => [b.buffer];
    assert.throws(
      () => loose([], { pool: threads, handler: 'echo', transfer, retries: 2 }),
      /Expected `stages\[0\]\.retries` to be unset with `stages\[0\]\.transfer`/,
    );
    // Either one alone is a stage.
    loose([], { pool: threads, handler: 'echo', transfer });
    loose([], { pool: threads, handler: 'echo', retries: 2 });
    await threads.close();
  });
});
