import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demand, growTarget, shrinkTarget } from '../../src/scheduler/sizing.js';

test('growTarget grows at once to cover waiting work, capped at max, never shrinks', () => {
  const limits = { min: 1, max: 4 };
  assert.equal(growTarget({ workers: 1, running: 1, queued: 0, perWorker: 1 }, limits), 1);
  assert.equal(growTarget({ workers: 1, running: 1, queued: 2, perWorker: 1 }, limits), 3);
  assert.equal(growTarget({ workers: 1, running: 1, queued: 99, perWorker: 1 }, limits), 4);
  assert.equal(growTarget({ workers: 4, running: 0, queued: 1, perWorker: 1 }, limits), 4);
  assert.equal(growTarget({ workers: 1, running: 2, queued: 3, perWorker: 2 }, limits), 3);
  assert.equal(growTarget({ workers: 0, running: 0, queued: 0, perWorker: 1 }, limits), 1);
});

test('shrinkTarget keeps what the window peak needed, never below min', () => {
  const limits = { min: 1, max: 4 };
  assert.equal(shrinkTarget(4, 0, limits), 1);
  assert.equal(shrinkTarget(4, 3, limits), 3);
  assert.equal(shrinkTarget(2, 3, limits), 2);
  assert.equal(demand({ running: 3, queued: 2, perWorker: 2 }), 3);
});
