import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool, PoolClosedError, TaskCancelledError } from '../../src/index.js';
import { flush, gate, outcome } from '../helpers.js';

// The in-process Pool's map fast path: items run inline on pool slots the map leases.

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

test('a lease yields its slot to waiting work before the next item', async () => {
  const pool = new Pool({ concurrency: 1 });
  const gates = [gate(), gate(), gate()];
  const order: string[] = [];
  const it = pool.map([0, 1, 2], async (i) => {
    order.push(`item${i}`);
    await (gates[i] as (typeof gates)[0]).wait;
    return i;
  });
  const consuming = collect(it);
  await flush();
  assert.deepEqual(order, ['item0']);
  const other = pool.run(() => {
    order.push('other');
    return 'other';
  });
  assert.equal(pool.stats().queued, 1);
  gates[0]?.open();
  assert.equal(await other, 'other');
  await flush();
  gates[1]?.open();
  gates[2]?.open();
  assert.deepEqual(await consuming, [0, 1, 2]);
  assert.deepEqual(order, ['item0', 'other', 'item1', 'item2']);
  await pool.close();
});

test('a slow consumer does not keep an idle slot: pool.run inside the loop runs', async () => {
  const pool = new Pool({ concurrency: 1 });
  const out: string[] = [];
  for await (const v of pool.map([1, 2, 3], (n) => n * 2)) {
    // Would wait forever if the map held the only slot while the consumer waits on the pool.
    out.push(await pool.run(() => `run after ${v}`));
  }
  assert.deepEqual(out, ['run after 2', 'run after 4', 'run after 6']);
  const s = pool.stats();
  assert.equal(s.running, 0);
  assert.equal(s.submitted, s.completed);
  await pool.close();
});

test('a map releases every slot when it ends, and when the consumer breaks', async () => {
  const pool = new Pool({ concurrency: 4 });
  assert.deepEqual(await collect(pool.map([1, 2, 3], (n) => n + 1)), [2, 3, 4]);
  assert.equal(pool.stats().running, 0);
  for await (const v of pool.map([1, 2, 3, 4, 5, 6, 7, 8], (n) => n)) {
    if (v === 2) break;
  }
  await pool.onIdle();
  const s = pool.stats();
  assert.equal(s.running, 0);
  assert.equal(s.submitted, s.completed + s.failed + s.cancelled);
  // The per-item path (a `timeout` needs it) counts the same items the same way.
  const perItem = new Pool({ concurrency: 4 });
  assert.deepEqual(
    await collect(perItem.map([1, 2, 3], (n) => n + 1, { timeout: 1e6 })),
    [2, 3, 4],
  );
  for await (const v of perItem.map([1, 2, 3, 4, 5, 6, 7, 8], (n) => n, { timeout: 1e6 })) {
    if (v === 2) break;
  }
  await perItem.onIdle();
  const t = perItem.stats();
  for (const k of ['submitted', 'started', 'completed', 'failed', 'cancelled'] as const)
    assert.equal(s[k], t[k], k);
  await perItem.close();
  await pool.close();
});

test('stats count items, not leases, on the fast path as on the per-item one', async () => {
  const pool = new Pool({ concurrency: 2 });
  await collect(
    pool.map(
      Array.from({ length: 100 }, (_, i) => i),
      (n) => n,
    ),
  );
  let s = pool.stats();
  assert.equal(s.submitted, 100);
  assert.equal(s.started, 100);
  assert.equal(s.completed, 100);
  assert.equal(s.runTime.count, 100);
  await collect(pool.map([1, 2, 3], (n) => n, { timeout: 10_000 }));
  s = pool.stats();
  assert.equal(s.submitted, 103);
  assert.equal(s.completed, 103);
  await pool.close();
});

test('terminate during a map: the iterator rejects, running items see their signal abort', async () => {
  const pool = new Pool({ concurrency: 2 });
  const g = gate();
  let aborted = 0;
  const it = pool.map([0, 1, 2, 3], async (i, { signal }) => {
    signal.addEventListener('abort', () => aborted++);
    await g.wait;
    return i;
  });
  const first = it.next();
  await flush();
  await pool.terminate();
  const r = await outcome(first);
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.error instanceof TaskCancelledError);
  assert.equal(aborted, 2);
  assert.deepEqual(await it.next(), { value: undefined, done: true });
  g.open();
});

test('terminate while the map waits for a slot: the iterator rejects PoolClosedError', async () => {
  const pool = new Pool({ concurrency: 1 });
  const g = gate();
  const busy = pool.run(() => g.wait);
  const it = pool.map([1, 2], (n) => n);
  const first = it.next();
  await flush();
  assert.equal(pool.stats().queued, 1);
  await pool.terminate();
  await assert.rejects(first, PoolClosedError);
  await assert.rejects(busy, TaskCancelledError);
  g.open();
});

test('close during a map: the next item is refused and close resolves', async () => {
  const pool = new Pool({ concurrency: 2 });
  const it = pool.map([1, 2, 3, 4, 5, 6], (n) => n);
  assert.deepEqual(await it.next(), { value: 1, done: false });
  const closing = pool.close();
  const rest = await outcome(collect(it));
  assert.ok(!rest.ok && rest.error instanceof PoolClosedError);
  await closing;
});

test('the map signal is honoured between items and stops the source', async () => {
  const pool = new Pool({ concurrency: 2 });
  const ac = new AbortController();
  let pulled = 0;
  let closed = false;
  function* source(): Generator<number> {
    try {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield i;
      }
    } finally {
      closed = true;
    }
  }
  const seen: number[] = [];
  const run = outcome(
    (async () => {
      for await (const v of pool.map(source(), (n) => n, { signal: ac.signal })) {
        seen.push(v);
        if (v === 3) ac.abort(new Error('enough'));
      }
    })(),
  );
  const r = await run;
  assert.ok(!r.ok && r.error instanceof TaskCancelledError);
  assert.deepEqual(seen, [0, 1, 2, 3]);
  assert.ok(pulled <= 6, `pulled ${pulled}`);
  assert.equal(closed, true);
  await pool.onIdle();
  assert.equal(pool.stats().running, 0);
  await pool.close();
});

test('a mapper that aborts the map signal itself stops the map', async () => {
  const pool = new Pool({ concurrency: 3 });
  const ac = new AbortController();
  const it = pool.map(
    [0, 1, 2, 3, 4, 5],
    (n) => {
      if (n === 2) ac.abort();
      return n;
    },
    { signal: ac.signal },
  );
  const r = await outcome(collect(it));
  assert.ok(!r.ok && r.error instanceof TaskCancelledError);
  await pool.onIdle();
  const s = pool.stats();
  assert.equal(s.running, 0);
  assert.equal(s.submitted, s.completed + s.cancelled);
  await pool.close();
});

test('a mixed sync/async mapper keeps order, and every result, in both modes', async () => {
  for (const ordered of [true, false]) {
    const pool = new Pool({ concurrency: 3 });
    const gates = Array.from({ length: 10 }, () => gate<number>());
    const it = pool.map(
      Array.from({ length: 10 }, (_, i) => i),
      (i) => (i % 3 === 0 ? (gates[i] as (typeof gates)[0]).wait : i),
      { ordered },
    );
    const consuming = collect(it);
    for (const i of [9, 3, 6, 0]) {
      await flush();
      gates[i]?.open(i);
    }
    const out = await consuming;
    assert.deepEqual(
      ordered ? out : [...out].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    const s = pool.stats();
    assert.equal(s.running, 0);
    assert.equal(s.submitted, s.completed);
    await pool.close();
  }
});

test('a sync throw stops the map and the error reaches the consumer', async () => {
  const pool = new Pool({ concurrency: 2 });
  const g = gate<number>();
  let aborted = false;
  const it = pool.map([0, 1, 2, 3], (i, { signal }) => {
    if (i === 0) {
      signal.addEventListener('abort', () => {
        aborted = true;
      });
      return g.wait;
    }
    if (i === 1) throw new Error('item 1 failed');
    return i;
  });
  await assert.rejects(collect(it), /item 1 failed/);
  assert.equal(aborted, true);
  g.open(0);
  await pool.onIdle();
  assert.equal(pool.stats().cancelled, 1);
  await pool.close();
});

test('a paused pool runs no map item until resumed', async () => {
  const pool = new Pool({ concurrency: 2 });
  pool.pause();
  let ran = 0;
  const consuming = collect(
    pool.map([1, 2, 3], (n) => {
      ran++;
      return n;
    }),
  );
  await flush();
  assert.equal(ran, 0);
  pool.resume();
  assert.deepEqual(await consuming, [1, 2, 3]);
  await pool.close();
});

test('a map pauses mid-way: no new item starts until resume', async () => {
  const pool = new Pool({ concurrency: 1 });
  const started: number[] = [];
  const it = pool.map([0, 1, 2], (n) => {
    started.push(n);
    return n;
  });
  assert.deepEqual(await it.next(), { value: 0, done: false });
  pool.pause();
  const second = it.next();
  await flush();
  // Item 1 was pulled into the window before the pause; item 2 waits for resume.
  assert.deepEqual(started, [0, 1]);
  assert.deepEqual(await second, { value: 1, done: false });
  const third = it.next();
  await flush();
  assert.deepEqual(started, [0, 1]);
  pool.resume();
  assert.deepEqual(await third, { value: 2, done: false });
  assert.deepEqual(await it.next(), { value: undefined, done: true });
  await pool.close();
});

test('two maps on one slot take turns and both finish', async () => {
  const pool = new Pool({ concurrency: 1 });
  const a = collect(pool.map([1, 2, 3, 4, 5], (n) => n));
  const b = collect(pool.map([10, 20, 30], async (n) => n));
  const c = pool.map(['x', 'y'], (s, { signal }) => (signal.aborted ? '' : s));
  assert.deepEqual(await Promise.all([a, b, collect(c)]), [
    [1, 2, 3, 4, 5],
    [10, 20, 30],
    ['x', 'y'],
  ]);
  const s = pool.stats();
  assert.equal(s.running, 0);
  assert.equal(s.submitted, s.completed);
  await pool.close();
});

test('property: maps with other work never exceed the limit, always finish, and keep stats whole', async () => {
  const fc = (await import('fast-check')).default;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 3 }),
      fc.array(fc.constantFrom('sync', 'async', 'throw'), { maxLength: 10 }),
      fc.array(fc.nat(), { maxLength: 14 }),
      fc.integer({ min: 0, max: 3 }),
      fc.boolean(),
      fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
      async (concurrency, kinds, releaseOrder, others, ordered, breakAt) => {
        const pool = new Pool({ concurrency });
        let running = 0;
        let peak = 0;
        const enter = (): void => {
          running++;
          peak = Math.max(peak, running);
        };
        const gates = Array.from({ length: kinds.length + others }, () => gate());
        const side = Array.from({ length: others }, (_, j) =>
          pool.run(async () => {
            enter();
            await gates[kinds.length + j]?.wait;
            running--;
          }),
        );
        const it = pool.map(
          kinds.map((k, i) => [k, i] as const),
          ([kind, i]) => {
            enter();
            if (kind === 'sync') {
              running--;
              return i;
            }
            if (kind === 'throw') {
              running--;
              throw new Error(`item ${i}`);
            }
            return (gates[i] as (typeof gates)[0]).wait.then(() => {
              running--;
              return i;
            });
          },
          { ordered },
        );
        const seen: number[] = [];
        const consuming = outcome(
          (async () => {
            for await (const v of it) {
              seen.push(v);
              if (seen.length === breakAt) break;
            }
          })(),
        );
        const order = gates
          .map((_, i) => [releaseOrder[i] ?? i, i] as const)
          .sort((a, b) => a[0] - b[0]);
        for (const [, i] of order) {
          await flush();
          gates[i]?.open();
        }
        await consuming;
        await Promise.allSettled(side);
        await pool.onIdle();
        assert.ok(peak <= concurrency, `peak ${peak} > ${concurrency}`);
        if (ordered && !kinds.includes('throw')) {
          assert.deepEqual(seen, kinds.map((_, i) => i).slice(0, breakAt ?? kinds.length));
        }
        const s = pool.stats();
        assert.equal(s.running, 0);
        assert.equal(s.queued, 0);
        assert.equal(s.submitted, s.completed + s.failed + s.cancelled);
        assert.ok(s.started <= s.submitted);
        await pool.close();
      },
    ),
    { numRuns: 150 },
  );
});

test('after a resize down, a map starts no item until the pool runs under the new limit', async () => {
  const pool = new Pool({ concurrency: 4 });
  const gates = Array.from({ length: 8 }, () => gate());
  let running = 0;
  const startedAt: number[] = [];
  const consuming = collect(
    pool.map(
      Array.from({ length: 8 }, (_, i) => i),
      async (i) => {
        running++;
        startedAt.push(running);
        await gates[i]?.wait;
        running--;
        return i;
      },
      { ordered: false },
    ),
  );
  await flush();
  assert.equal(running, 4);
  pool.resize(2);
  for (const g of gates) {
    g.open();
    await flush();
  }
  assert.equal((await consuming).length, 8);
  assert.deepEqual(startedAt.slice(4), [2, 2, 2, 2]);
  await pool.onIdle();
  const s = pool.stats();
  // Lease requests the items no longer needed began and ended: none counts as cancelled.
  assert.equal(s.cancelled, 0);
  assert.equal(s.submitted, s.completed);
  await pool.close();
});

test('a rate-limited pool maps one task per item, so every item counts against the rate', async () => {
  const { ManualClock } = await import('../../src/index.js');
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 4, rate: { limit: 2, interval: 100 }, clock });
  const startedAt: number[] = [];
  const it = pool.map([1, 2, 3, 4, 5], (n) => {
    startedAt.push(clock.now());
    return n;
  });
  const out: number[] = [];
  const consuming = (async () => {
    for await (const v of it) out.push(v);
  })();
  for (let i = 0; i < 50 && out.length < 5; i++) {
    await new Promise((r) => setImmediate(r));
    clock.advanceToNext();
  }
  await consuming;
  assert.deepEqual(out, [1, 2, 3, 4, 5]);
  assert.deepEqual(startedAt, [0, 0, 100, 100, 200]);
  assert.equal(pool.stats().completed, 5);
  await pool.close();
});
