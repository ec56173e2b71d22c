import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  admission,
  parseDeadline,
  predictWait,
  retryAfterSeconds,
} from '../../src/server/admission.js';

const load = { queued: 0, running: 0, capacity: 4, meanRunMs: 100 };

test('no predicted wait while a slot is free, or before any run time is known', () => {
  assert.equal(predictWait({ ...load, running: 3 }), 0);
  assert.equal(predictWait({ ...load, running: 4, queued: 10, meanRunMs: undefined }), 0);
});

test('predicted wait: the queue ahead plus itself, served capacity at a time', () => {
  assert.equal(predictWait({ ...load, running: 4 }), 25);
  assert.equal(predictWait({ ...load, running: 4, queued: 7 }), 200);
});

test('admission refuses only past the deadline, with Retry-After from the prediction', () => {
  const busy = { ...load, running: 4, queued: 39 }; // 1000 ms
  assert.deepEqual(admission(busy, 1000), { admit: true, predictedMs: 1000 });
  assert.deepEqual(admission(busy, 999), { admit: false, predictedMs: 1000, retryAfter: 1 });
  assert.equal(retryAfterSeconds(0), 1);
  assert.equal(retryAfterSeconds(1001), 2);
  assert.equal(retryAfterSeconds(1e9), 60);
});

test('x-timeout-ms: a positive integer up to the maximum, else a RangeError', () => {
  assert.equal(parseDeadline(undefined, 30_000, 60_000), 30_000);
  assert.equal(parseDeadline(' 250 ', 30_000, 60_000), 250);
  for (const bad of ['', 'x', '-5', '0', '1e3', '2.5', '60001']) {
    assert.ok(parseDeadline(bad, 30_000, 60_000) instanceof RangeError, bad);
  }
});
