import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  admission,
  parseDeadline,
  predictWait,
  retryAfterSeconds,
} from '../../src/server/admission.js';

// 4 slots, a task ends every 25 ms when busy (100 ms runs).
const load = { inSystem: 0, capacity: 4, intervalMs: 25 };

test('no predicted wait while a slot is free, or before the pace is measured', () => {
  assert.equal(predictWait({ ...load, inSystem: 3 }), 0);
  assert.equal(predictWait({ ...load, inSystem: 40, intervalMs: undefined }), 0);
});

test('predicted wait: one service interval per task that must end first', () => {
  assert.equal(predictWait({ ...load, inSystem: 4 }), 25);
  assert.equal(predictWait({ ...load, inSystem: 11 }), 200);
});

test('admission refuses when wait plus its own run would pass the deadline', () => {
  const busy = { ...load, inSystem: 39 }; // 900 ms wait + 100 ms run
  assert.deepEqual(admission(busy, 1000), { admit: true, predictedMs: 900 });
  assert.deepEqual(admission(busy, 999), { admit: false, predictedMs: 900, retryAfter: 1 });
  assert.deepEqual(admission({ ...load, inSystem: 2 }, 1), { admit: true, predictedMs: 0 });
  assert.equal(retryAfterSeconds(0), 1);
  assert.equal(retryAfterSeconds(1001), 2);
  assert.equal(retryAfterSeconds(1e9), 60);
});

test('x-timeout-ms: an integer from 1 to the maximum, else a RangeError saying so', () => {
  assert.equal(parseDeadline(undefined, 30_000, 60_000), 30_000);
  assert.equal(parseDeadline(' 250 ', 30_000, 60_000), 250);
  assert.equal(parseDeadline('60000', 30_000, 60_000), 60_000);
  for (const bad of ['', 'x', '-5', '0', '1e3', '2.5', '60001', '99999999999', '1'.repeat(40)]) {
    const error = parseDeadline(bad, 30_000, 60_000);
    assert.ok(error instanceof RangeError, bad);
    assert.equal(
      error.message,
      `Expected the x-timeout-ms header to be an integer from 1 to 60000, got ${JSON.stringify(bad)}`,
    );
  }
});
