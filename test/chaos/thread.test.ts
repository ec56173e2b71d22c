/**
 * Chaos for the ThreadPool, in its default configuration (prefetch 1, spinning, stealing):
 * the Pool's schedules (pool.test.ts) plus `process.exit` in a thread, running out of memory
 * under resourceLimits, runaway loops killed after timeout + killGrace, uncloneable results
 * and transferred inputs the handler checks byte by byte. Every step is checked against the
 * model (model.ts, driver.ts); what only threads know (which attempt began, how many ran at
 * once, what input arrived) they record in shared memory (thread-memory.ts).
 *
 * Threads start ~7x faster from compiled JavaScript than through tsx, so this runs a fresh
 * build of src/ (the one the CLI tests make) with a plain .mjs task module. Time is a
 * ManualClock (it also runs the kill timers): no timing window anywhere.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { drive } from './driver.js';
import { parameters, testOptions, threadSchedule } from './schedule.js';
import { builtLibrary, sleep, threadAdapter } from './thread-adapter.js';

test('chaos: random schedules against a ThreadPool match the model', testOptions(), async () => {
  const lib = await builtLibrary();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await fc.assert(
      fc.asyncProperty(threadSchedule, (schedule) => drive(schedule, threadAdapter(lib, schedule))),
      parameters(60),
    );
    await sleep(5);
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
