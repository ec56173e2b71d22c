// The task list: a ring of the most recent failures, bounded in entries and in bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Task } from '../../src/index.js';
import { Failures, maxKeptInput, maxStack, previewLength } from '../../src/server/failures.js';
import type { Ended, Entry } from '../../src/server/lifecycle.js';

const task = (id: number): Task<unknown> =>
  ({ id, result: Promise.resolve(), cancel() {} }) as unknown as Task<unknown>;

/** The end of task `id`, submitted by the server with `input` (or by someone else: no input). */
function ended(
  id: number,
  outcome: 'failed' | 'timedOut' | 'cancelled' | 'completed',
  error: unknown,
  input?: unknown,
  key?: string,
): Ended {
  const entry: Entry = {
    id,
    state: 'running',
    attempt: 2,
    name: 'work',
    startedAt: 100,
    acceptedAt: 90,
    submitted: input === undefined ? undefined : { name: 'work', key, input, task: task(id) },
  };
  return { entry, event: { id, outcome, error, name: 'work' }, at: 150 };
}

test('newest first, filtered by name, key and outcome; completed tasks are not listed', () => {
  const f = new Failures(10, () => 1_000_000);
  f.record(ended(1, 'failed', new RangeError('bad'), { a: 1 }, 'acme'));
  f.record(ended(2, 'timedOut', new Error('slow'), { a: 2 }, 'globex'));
  f.record(ended(3, 'completed', undefined, { a: 3 }));
  f.record(ended(4, 'cancelled', 'a string reason'));
  assert.deepEqual(
    f.list().map((x) => x.id),
    [4, 2, 1],
  );
  const first = f.list({ outcome: 'failed' })[0];
  assert.equal(first?.id, 1);
  assert.deepEqual(first?.error, { name: 'RangeError', message: 'bad' });
  assert.equal(first?.attempts, 2);
  assert.equal(first?.durationMs, 50);
  assert.equal(first?.input, '{"a":1}');
  assert.equal(first?.at, 1_000_150);
  assert.equal(first?.retryable, true);
  assert.deepEqual(
    f.list({ key: 'globex' }).map((x) => x.id),
    [2],
  );
  assert.deepEqual(
    f.list({ name: 'other' }).map((x) => x.id),
    [],
  );
  assert.deepEqual(
    f.list({ limit: 1 }).map((x) => x.id),
    [4],
  );
  // Someone else's task: no input known, not retryable; a non-Error is kept as its text.
  const foreign = f.get(4);
  assert.equal(foreign?.input, null);
  assert.equal(foreign?.retryable, false);
  assert.equal(foreign?.error.message, 'a string reason');
  assert.match(f.get(1)?.stack ?? '', /RangeError: bad/);
  f.retried(1, 99);
  assert.equal(f.get(1)?.retriedAs, 99);
  assert.equal(f.get(1)?.retryable, false);
});

test('the ring keeps the last `capacity` entries, each string cut to its bound', () => {
  const f = new Failures(3, () => 0);
  const huge = 'x'.repeat(maxKeptInput * 2);
  const error = new Error('m'.repeat(100_000));
  error.stack = 's'.repeat(100_000);
  for (let id = 1; id <= 10; id++) f.record(ended(id, 'failed', error, { huge }));
  assert.equal(f.size, 3);
  assert.equal(f.recorded, 10);
  assert.deepEqual(
    f.list().map((x) => x.id),
    [10, 9, 8],
  );
  const last = f.get(10);
  assert.equal(last?.input?.length, previewLength);
  assert.ok((last?.error.message.length ?? 0) <= 2048);
  assert.ok((last?.stack?.length ?? 0) <= maxStack);
  // Too large to keep for a retry: shown, not retryable.
  assert.equal(last?.retryable, false);
  assert.equal(f.input(10), undefined);
  assert.equal(f.get(1), undefined);
});

test('memory stays flat: 5,000 or 50,000 failures hold the same heap', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const heapAfter = (n: number): number => {
    const f = new Failures(200, () => 0);
    const input = { text: 'i'.repeat(1_000) };
    for (let id = 1; id <= n; id++) {
      // An Error without a captured stack to format (as errors from threads arrive).
      const error = Object.assign(Object.create(Error.prototype) as Error, {
        message: `failure ${id} ${'m'.repeat(500)}`,
        stack: `Error: failure ${id}\n${'    at somewhere (file.js:1:1)\n'.repeat(20)}`,
      });
      f.record(ended(id, 'failed', error, input));
    }
    gc();
    gc();
    const used = process.memoryUsage().heapUsed;
    assert.equal(f.size, 200);
    return used;
  };
  heapAfter(1_000); // warm up code and caches
  const small = heapAfter(5_000);
  const large = heapAfter(50_000);
  // Ten times the failures: the ring's 200 entries (a few kB each) are all that is kept;
  // a list that kept them all would hold 45,000 more, over 100 MB.
  assert.ok(
    large - small < 4 * 1024 * 1024,
    `heap grew by ${Math.round((large - small) / 1024)} kB from 5k to 50k failures`,
  );
});
