// fanOut: every item to every branch, outputs merged. merge: several sources into one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fanOut, filter, map, merge, Pool, pipeline } from '../../src/index.js';
import { outcome } from '../helpers.js';
import { collect } from './helpers.js';

describe('fanOut and merge', () => {
  it('fanOut sends each item to every branch and merges what they pass on', async () => {
    const pool = new Pool({ concurrency: 2 });
    const out = await collect(
      pipeline(
        [1, 2, 3],
        fanOut(
          (x) => `s${x}`,
          filter((x) => x !== 2),
          { pool, fn: async (x: number) => x * 100 },
        ),
      ),
    );
    const sorted = (xs: unknown[]) => xs.map(String).sort();
    assert.deepEqual(sorted(out), sorted(['s1', 's2', 's3', 1, 3, 100, 200, 300]));
    // Each branch keeps its own order.
    assert.deepEqual(
      out.filter((x) => typeof x === 'string'),
      ['s1', 's2', 's3'],
    );
    await pool.close();
  });

  it('a failing branch fails the pipeline', async () => {
    const r = await outcome(
      collect(
        pipeline(
          [1, 2],
          fanOut(
            (x) => x,
            map((x) => {
              if (x === 2) throw new Error('branch broke');
              return x;
            }),
          ),
        ),
      ),
    );
    assert.equal((r as { error: Error }).error.message, 'branch broke');
  });

  it('merge interleaves sources, each in its own order', async () => {
    async function* letters() {
      yield 'a';
      yield 'b';
    }
    const out = await collect(merge([1, 2, 3], letters()));
    assert.deepEqual(
      out.filter((x) => typeof x === 'number'),
      [1, 2, 3],
    );
    assert.deepEqual(
      out.filter((x) => typeof x === 'string'),
      ['a', 'b'],
    );
    assert.deepEqual(
      await collect(pipeline(merge([1], [2]), (x) => x * 2)).then((xs) => xs.sort()),
      [2, 4],
    );
  });

  it('stopping a merge closes every source', async () => {
    const closed: string[] = [];
    function* endless(name: string) {
      try {
        for (;;) yield name;
      } finally {
        closed.push(name);
      }
    }
    const merged = merge(endless('x'), endless('y'));
    for await (const _ of merged) break;
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(closed.sort(), ['x', 'y']);
  });
});
