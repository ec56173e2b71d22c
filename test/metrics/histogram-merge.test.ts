/** DurationHistogram.dump/merge: merging the histograms of several processes is exact. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DurationHistogram } from '../../src/internal.js';

test('merging dumps equals recording everything in one histogram', () => {
  const all = new DurationHistogram();
  const parts = [new DurationHistogram(), new DurationHistogram(), new DurationHistogram()];
  for (let i = 0; i < 3000; i++) {
    const ms = ((i * 7919) % 5000) / 10 + 0.001 * i;
    all.record(ms);
    (parts[i % 3] as DurationHistogram).record(ms);
  }
  const merged = new DurationHistogram();
  for (const part of parts) merged.merge(JSON.parse(JSON.stringify(part.dump())));
  assert.deepEqual(merged.snapshot(), all.snapshot());
  assert.deepEqual(new DurationHistogram().dump().slots, []);
});
