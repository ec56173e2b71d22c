import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool, TaskCancelledError } from '../../src/index.js';
import { flush, gate } from '../helpers.js';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

test('map yields results in input order by default', async () => {
  const pool = new Pool({ concurrency: 3 });
  const out = await collect(pool.map([5, 1, 3, 2, 4], async (n) => n * 10));
  assert.deepEqual(out, [50, 10, 30, 20, 40]);
  await pool.close();
});

test('map with ordered: false yields results as they finish', async () => {
  const pool = new Pool({ concurrency: 3 });
  const gates = [gate(), gate(), gate()];
  const it = pool.map(
    [0, 1, 2],
    async (i) => {
      await (gates[i] as (typeof gates)[0]).wait;
      return i;
    },
    { ordered: false },
  );
  const first = it.next();
  await flush();
  gates[2]?.open();
  assert.deepEqual(await first, { value: 2, done: false });
  gates[0]?.open();
  gates[1]?.open();
  assert.deepEqual(await collect(it), [0, 1]);
  await pool.close();
});

test('map pulls its source lazily, about `concurrency` items ahead of the consumer', async () => {
  const pool = new Pool({ concurrency: 4 });
  let pulled = 0;
  function* source(): Generator<number> {
    for (let i = 0; i < 1_000_000; i++) {
      pulled++;
      yield i;
    }
  }
  const it = pool.map(source(), (n) => n);
  const seen: number[] = [];
  for await (const v of it) {
    seen.push(v);
    assert.ok(pulled <= seen.length + 4, `pulled ${pulled} for ${seen.length} consumed`);
    if (seen.length === 100) break;
  }
  assert.ok(pulled <= 104);
  await pool.close();
});

test('map works over an async iterable', async () => {
  const pool = new Pool({ concurrency: 2 });
  async function* source(): AsyncGenerator<string> {
    yield 'a';
    await flush();
    yield 'b';
  }
  assert.deepEqual(await collect(pool.map(source(), (s) => s.toUpperCase())), ['A', 'B']);
  await pool.close();
});

test('map stops at the first error, cancels in-flight tasks and closes the source', async () => {
  const pool = new Pool({ concurrency: 3 });
  const aborted: number[] = [];
  let closed = false;
  function* source(): Generator<number> {
    try {
      for (let i = 0; ; i++) yield i;
    } finally {
      closed = true;
    }
  }
  const it = pool.map(source(), async (i, { signal }) => {
    if (i === 1) throw new Error('item 1 failed');
    await new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => {
        aborted.push(i);
        resolve();
      }),
    );
    return i;
  });
  await assert.rejects(collect(it), /item 1 failed/);
  await pool.onIdle();
  assert.deepEqual(aborted.sort(), [0, 2]);
  assert.equal(closed, true);
  assert.equal(pool.stats().cancelled, 2);
  await pool.close();
});

test('breaking out of map cancels what is in flight', async () => {
  const pool = new Pool({ concurrency: 2 });
  const g = gate();
  let cancelled = 0;
  const it = pool.map([0, 1, 2, 3], async (i, { signal }) => {
    if (i === 0) return i;
    signal.addEventListener('abort', () => cancelled++);
    await g.wait;
    return i;
  });
  for await (const v of it) {
    assert.equal(v, 0);
    break;
  }
  g.open();
  await pool.onIdle();
  assert.ok(cancelled >= 1);
  assert.ok(pool.stats().cancelled >= 1);
  await assert.rejects(Promise.reject(new TaskCancelledError()), TaskCancelledError);
  await pool.close();
});

test('map rejects a non-iterable source with a TypeError', () => {
  const pool = new Pool({ concurrency: 1 });
  assert.throws(() => pool.map(42 as unknown as number[], (n) => n), TypeError);
});

test('map keeps every result when a later item finishes first', async () => {
  for (const ordered of [true, false]) {
    const pool = new Pool({ concurrency: 2 });
    const gates = [gate<number>(), gate<number>()];
    const it = pool.map([0, 1], (i) => gates[i]?.wait ?? i, { ordered });
    const first = it.next();
    gates[1]?.open(1);
    await flush();
    gates[0]?.open(0);
    const results = [await first, await it.next(), await it.next()];
    assert.deepEqual(
      results.map((r) => r.value),
      ordered ? [0, 1, undefined] : [1, 0, undefined],
    );
    assert.equal(results[2]?.done, true);
    await pool.close();
  }
});

test('property: map yields every result exactly once, in order when ordered, whatever the finishing order', async () => {
  const fc = (await import('fast-check')).default;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.nat(), { minLength: 0, maxLength: 12 }),
      fc.boolean(),
      async (concurrency, releaseOrder, ordered) => {
        const n = releaseOrder.length;
        const pool = new Pool({ concurrency });
        const gates = Array.from({ length: n }, () => gate<number>());
        const it = pool.map(
          Array.from({ length: n }, (_, i) => i),
          (i) => (gates[i] as (typeof gates)[0]).wait,
          { ordered },
        );
        const out: number[] = [];
        const consuming = (async () => {
          for await (const v of it) out.push(v);
        })();
        // Release gates in a random order, interleaved with turns of the event loop.
        const order = releaseOrder.map((r, i) => [r, i] as const).sort((a, b) => a[0] - b[0]);
        for (const [, i] of order) {
          gates[i]?.open(i);
          await flush();
        }
        await consuming;
        const expected = Array.from({ length: n }, (_, i) => i);
        assert.deepEqual(ordered ? out : [...out].sort((a, b) => a - b), expected);
        await pool.close();
      },
    ),
    { numRuns: 80 },
  );
});

test('map: an `error` listener alone hears a failed item (no `end` listener needed)', async () => {
  const pool = new Pool({ concurrency: 2 });
  const errors: string[] = [];
  pool.on('error', ({ outcome, error }) => errors.push(`${outcome} ${(error as Error).message}`));
  const boom = new Error('boom');
  await assert.rejects(
    collect(
      pool.map([1, 2, 3], async (n) => {
        if (n === 2) throw boom;
        return n;
      }),
    ),
    boom,
  );
  assert.deepEqual(errors.slice(0, 1), ['failed boom']);
  await pool.close();
});
