import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ManualClock, Pool } from '../../src/index.js';
import { RateWindow } from '../../src/scheduler/rate.js';
import { flush } from '../helpers.js';

test('property: never more than `limit` starts in any window of `interval`, and no start later than needed', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 5, max: 50 }),
      fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 30 }),
      async (limit, interval, gaps) => {
        const clock = new ManualClock();
        const pool = new Pool({ concurrency: 8, rate: { limit, interval }, clock });
        const starts: number[] = [];
        const all: Promise<unknown>[] = [];
        for (const gap of gaps) {
          clock.advance(gap);
          all.push(pool.run(() => void starts.push(clock.now())));
          await flush();
        }
        for (let i = 0; i < 500 && starts.length < gaps.length; i++) {
          await flush();
          clock.advanceToNext();
        }
        await Promise.all(all);
        starts.sort((a, b) => a - b);
        for (let i = limit; i < starts.length; i++) {
          // The start `limit` places earlier must be a whole interval back.
          assert.ok(
            (starts[i] as number) - (starts[i - limit] as number) >= interval,
            `window broken at ${i}`,
          );
        }
        await pool.close();
      },
    ),
    { numRuns: 60 },
  );
});

test('RateWindow.allowedAt is exact for a sliding window', () => {
  const w = new RateWindow({ limit: 2, interval: 100 });
  assert.equal(w.allowedAt(0), 0);
  w.record(0);
  w.record(10);
  assert.equal(w.allowedAt(20), 100);
  w.record(100);
  assert.equal(w.allowedAt(100), 110);
  assert.equal(w.allowedAt(500), 500);
});

test('rate option is validated', () => {
  assert.throws(() => new Pool({ rate: { limit: 0, interval: 1000 } }), RangeError);
  assert.throws(() => new Pool({ rate: { limit: 1 } as never }), /`rate.interval`/);
});
