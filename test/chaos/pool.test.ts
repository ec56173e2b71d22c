/**
 * Chaos for the in-process Pool: random schedules of submits (values, errors, non-Error
 * throws, throwing thenables, never-settling and abort-only functions, gates, timeouts,
 * retries, priorities), cancels (task.cancel() and AbortSignal), clock advances, pause,
 * resume, resize, drop policies, close and terminate, checked against the model after every
 * step (model.ts, driver.ts). Time is a ManualClock and a function waits on a gate the test
 * opens: no real time is involved. `CHAOS_RUNS=5000 node scripts/run-tests.mjs chaos` runs
 * the long mode; `CHAOS_SEED` and `CHAOS_PATH` replay a counterexample.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { flush } from '../helpers.js';
import { drive } from './driver.js';
import { poolAdapter } from './pool-adapter.js';
import { parameters, poolSchedule, testOptions } from './schedule.js';

test('chaos: random schedules against a Pool match the model', testOptions(), async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await fc.assert(
      fc.asyncProperty(poolSchedule, (schedule) => drive(schedule, poolAdapter(schedule))),
      parameters(300),
    );
    await flush();
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
