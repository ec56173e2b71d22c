// The dashboard's numbers, without a server: window percentiles from histogram buckets,
// and the two-tier history built from readings of cumulative figures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { durationBuckets } from '../../src/index.js';
import { History } from '../../src/server/history.js';
import { bucketDelta, latencyOf, quantile } from '../../src/server/quantiles.js';
import type { PartReading, Reading } from '../../src/server/source.js';

/** Bucket counts with `n` durations in the bucket whose upper bound is `ms`. */
function buckets(entries: [ms: number, n: number][]): number[] {
  const out = new Array<number>(durationBuckets.length + 1).fill(0);
  for (const [ms, n] of entries) {
    const i = durationBuckets.indexOf(ms);
    assert.ok(i >= 0, `${ms} is a bound`);
    out[i] = (out[i] ?? 0) + n;
  }
  return out;
}

test('quantiles interpolate inside the bucket holding the rank (histogram_quantile)', () => {
  // 100 durations in (5, 10] ms: the median is halfway through that bucket.
  const b = buckets([[10, 100]]);
  assert.equal(quantile(b, 0.5), 7.5);
  assert.equal(quantile(b, 0.99), 9.95);
  // 90 fast (≤ 1 ms), 10 slow (in (250, 500]): p50 is fast, p95 halfway through the slow bucket.
  const mixed = buckets([
    [1, 90],
    [500, 10],
  ]);
  assert.ok((quantile(mixed, 0.5) ?? 99) <= 1);
  assert.equal(quantile(mixed, 0.95), 375);
  // Past the last bound: the last bound.
  const slow = new Array<number>(durationBuckets.length + 1).fill(0);
  slow[durationBuckets.length] = 3;
  assert.equal(quantile(slow, 0.5), 60_000);
});

test('a window with nothing in it has null percentiles (a gap), not 0', () => {
  assert.deepEqual(latencyOf(buckets([])), { p50: null, p95: null, p99: null });
  assert.equal(quantile(buckets([]), 0.5), null);
});

test('bucketDelta is the window between two cumulative readings', () => {
  const before = buckets([[10, 5]]);
  const now = buckets([
    [10, 7],
    [100, 3],
  ]);
  assert.deepEqual(
    bucketDelta(now, before),
    buckets([
      [10, 2],
      [100, 3],
    ]),
  );
  assert.deepEqual(bucketDelta(now, undefined), now);
});

function part(completed: number, total: number[], extra: Partial<PartReading> = {}): PartReading {
  return {
    completed,
    failed: 0,
    timedOut: 0,
    cancelled: 0,
    dropped: 0,
    rejected: 0,
    retried: 0,
    total,
    waiting: 0,
    running: 0,
    ...extra,
  };
}

/** A reading at clock `at` with `completed` tasks so far, all in the 10 ms bucket, or as given. */
function reading(at: number, completed: number, total = buckets([[10, completed]])): Reading {
  return {
    at,
    all: { ...part(completed, total), retried: 0, delayed: 0, retrying: 0 },
    threads: 2,
    maxThreads: 2,
    utilization: 0.5,
    paused: false,
    closed: false,
    healthy: true,
    names: new Map([['hash', part(completed, total)]]),
    keys: new Map(),
    hosts: [],
  };
}
const server = { answered: 0, refused: 0, draining: false, listed: 0 };

test('fine points are per sample, bounded; coarse points span their whole window', () => {
  const epoch = 1_700_000_000_000;
  const h = new History(5, 4, 3, epoch);
  const first = h.add({ reading: reading(0, 0), server });
  // The first point has no window: rates 0, percentiles gaps.
  assert.equal(first.fine.rates.completed, 0);
  assert.equal(first.fine.p50, null);
  assert.equal(first.coarse, undefined);
  // One second later, 10 more tasks, in (5, 10] ms.
  const second = h.add({ reading: reading(1000, 10), server });
  assert.equal(second.fine.rates.completed, 10);
  assert.equal(second.fine.span, 1000);
  assert.equal(second.fine.t, epoch + 1000);
  assert.equal(second.fine.p50, 7.5);
  assert.equal(second.fine.tasks.hash?.rates.completed, 10);
  // An idle second: throughput 0, latency a gap.
  const idle = h.add({ reading: reading(2000, 10), server });
  assert.equal(idle.fine.rates.completed, 0);
  assert.equal(idle.fine.p95, null);
  // A slow second: 10 tasks in (250, 500] ms.
  h.add({
    reading: reading(
      3000,
      20,
      buckets([
        [10, 10],
        [500, 10],
      ]),
    ),
    server,
  });
  const fourth = h.add({
    reading: reading(
      4000,
      20,
      buckets([
        [10, 10],
        [500, 10],
      ]),
    ),
    server,
  });
  // The coarse window closed after 4 samples: 0 → 4000 ms, 20 tasks, half fast, half slow.
  assert.ok(fourth.coarse !== undefined);
  assert.equal(fourth.coarse.span, 4000);
  assert.equal(fourth.coarse.rates.completed, 5);
  assert.equal(fourth.coarse.p50, 10);
  assert.equal(fourth.coarse.p95, 475); // rank 19 of 20: 9 tenths into (250, 500]
  for (let i = 5; i < 40; i++) h.add({ reading: reading(i * 1000, 20), server });
  const s = h.series();
  assert.equal(s.fine.length, 5);
  assert.equal(s.coarse.length, 3);
  assert.equal(s.fine.at(-1)?.t, epoch + 39_000);
  assert.equal(s.fineSize, 5);
});

test('the mode shows a drain, and when it has drained', () => {
  const h = new History(5, 10, 3, 0);
  const busy = reading(0, 0);
  const withWork = { ...busy, all: { ...busy.all, running: 1 } };
  assert.equal(
    h.add({ reading: withWork, server: { ...server, draining: true } }).fine.mode,
    'draining',
  );
  assert.equal(
    h.add({ reading: reading(1, 0), server: { ...server, draining: true } }).fine.mode,
    'drained',
  );
  assert.equal(h.add({ reading: { ...reading(2, 0), paused: true }, server }).fine.mode, 'paused');
  assert.equal(h.add({ reading: { ...reading(3, 0), closed: true }, server }).fine.mode, 'closed');
});
