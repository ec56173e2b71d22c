import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ManualClock, Pool } from '../../src/index.js';
import { flush } from '../helpers.js';

test('property: retry accounting — attempts, outcomes and counters add up', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          failures: fc.nat(4),
          attempts: fc.nat(3),
          delay: fc.integer({ min: 0, max: 20 }),
        }),
        {
          minLength: 1,
          maxLength: 12,
        },
      ),
      fc.integer({ min: 1, max: 3 }),
      async (specs, concurrency) => {
        const clock = new ManualClock();
        const pool = new Pool({ concurrency, clock });
        const calls = specs.map(() => 0);
        let retryEvents = 0;
        pool.on('retry', () => retryEvents++);
        const results = specs.map(({ failures, attempts, delay }, i) =>
          pool
            .run(
              ({ attempt }) => {
                calls[i] = (calls[i] ?? 0) + 1;
                assert.equal(attempt, calls[i]);
                if (attempt <= failures) throw new Error(`fail ${attempt}`);
                return attempt;
              },
              { retries: { attempts, backoff: 'fixed', delay } },
            )
            .then(
              (value) => ({ ok: true as const, value }),
              (error: unknown) => ({ ok: false as const, error }),
            ),
        );
        let settled = false;
        const all = Promise.all(results).then((r) => {
          settled = true;
          return r;
        });
        for (let i = 0; i < 500 && !settled; i++) {
          await flush();
          clock.advanceToNext();
        }
        const outcomes = await all;
        let expectedRetries = 0;
        specs.forEach(({ failures, attempts }, i) => {
          const runs = Math.min(failures, attempts) + 1;
          expectedRetries += runs - 1;
          assert.equal(calls[i], runs, `task ${i} ran ${calls[i]} times`);
          const outcome = outcomes[i];
          if (failures <= attempts) assert.deepEqual(outcome, { ok: true, value: failures + 1 });
          else {
            assert.equal(outcome?.ok, false);
            const error = (outcome as { error: Error & { attempts?: number; errors?: unknown[] } })
              .error;
            if (attempts > 0) {
              assert.equal(error.attempts, runs);
              assert.equal(error.errors?.length, runs - 1);
            }
          }
        });
        const s = pool.stats();
        assert.equal(s.retried, expectedRetries);
        assert.equal(retryEvents, expectedRetries);
        assert.equal(s.completed + s.failed, specs.length);
        assert.equal(s.started, expectedRetries + specs.length);
        await pool.close();
        assert.equal(clock.pending, 0);
      },
    ),
    { numRuns: 60 },
  );
});
