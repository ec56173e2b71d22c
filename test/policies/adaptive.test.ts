import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, Pool } from '../../src/index.js';
import { adapt, adaptiveDefaults, initialAdaptive } from '../../src/scheduler/adaptive.js';
import { flush } from '../helpers.js';

const config = { ...adaptiveDefaults, min: 1, max: 100 };

test('adapt grows while latency holds and the limit is used', () => {
  let s = initialAdaptive(config);
  for (let i = 0; i < 2000; i++) s = adapt(s, 10, Math.floor(s.limit), config);
  assert.ok(s.limit > 20, `limit ${s.limit}`);
  assert.ok(s.limit <= 100);
});

test('adapt does not grow when the application does not use the limit', () => {
  let s = initialAdaptive(config);
  for (let i = 0; i < 200; i++) s = adapt(s, 10, 1, config);
  assert.equal(s.limit, initialAdaptive(config).limit);
});

test('adapt shrinks when latency climbs past the tolerance', () => {
  let s = initialAdaptive(config);
  for (let i = 0; i < 300; i++) s = adapt(s, 10, Math.floor(s.limit), config);
  const grown = s.limit;
  for (let i = 0; i < 400; i++) s = adapt(s, 40, Math.floor(s.limit), config);
  assert.ok(s.limit < grown * 0.6, `${s.limit} vs ${grown}`);
  assert.ok(s.limit >= 1);
});

test("concurrency: 'auto' settles near a simulated backend's capacity", async () => {
  // A backend with capacity 8: latency 10 ms up to 8 in flight, then it queues internally.
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 'auto', clock });
  let inFlight = 0;
  let peak = 0;
  const backend = () =>
    new Promise<void>((resolve) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      const latency = 10 * Math.max(1, inFlight / 8);
      clock.setTimeout(() => {
        inFlight--;
        resolve();
      }, latency);
    });
  const all: Promise<void>[] = [];
  for (let i = 0; i < 3000; i++) all.push(pool.run(backend));
  for (let i = 0; i < 20_000 && pool.stats().queued + pool.stats().running > 0; i++) {
    await flush();
    clock.advanceToNext();
  }
  await Promise.all(all);
  const limit = pool.stats().concurrency.limit ?? 0;
  assert.ok(limit >= 7 && limit <= 11, `adaptive limit ${limit}`);
  await pool.close();
});
