/**
 * `DistributedPool.map`: lazy and bounded (`window` jobs of `batch` items), results in
 * input order or as finished, the first error stops it, breaking out cancels what is in
 * flight.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useCluster } from './helpers.js';

describe('DistributedPool.map', () => {
  const c = useCluster('map', { flags: ['--threads', '2'] });

  it('maps in input order, several items per job', async () => {
    const inputs = Array.from({ length: 50 }, (_, i) => ({ a: i, b: i }));
    const before = c.pool.stats().submitted;
    const out: number[] = [];
    for await (const n of c.pool.map('add', inputs, { batch: 8, window: 3 })) out.push(n);
    assert.deepEqual(
      out,
      inputs.map((x) => x.a * 2),
    );
    assert.equal(c.pool.stats().submitted - before, 7); // ceil(50 / 8) jobs
  });

  it('unordered: every result once', async () => {
    const out: number[] = [];
    for await (const n of c.pool.map(
      'add',
      [1, 2, 3, 4, 5].map((a) => ({ a, b: 0 })),
      { ordered: false, batch: 2 },
    ))
      out.push(n);
    assert.deepEqual(
      out.sort((x, y) => x - y),
      [1, 2, 3, 4, 5],
    );
  });

  it('pulls its source lazily: no more than window * batch items ahead', async () => {
    let pulled = 0;
    function* source(): Generator<{ a: number; b: number }> {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield { a: i, b: 0 };
      }
    }
    const it = c.pool.map('add', source(), { batch: 3, window: 2 });
    const first = await it.next();
    assert.equal(first.value, 0);
    assert.ok(pulled <= 6, `pulled ${pulled}`);
    await it.return?.(undefined);
    assert.equal(c.pool.stats().pending, 0); // what was in flight was cancelled
  });

  it('the first error stops the map', async () => {
    const run = async (): Promise<void> => {
      for await (const _ of c.pool.map('fail', [undefined, undefined], { batch: 1 })) {
      }
    };
    await assert.rejects(run, (e: Error) => e.name === 'QuotaError');
  });
});
