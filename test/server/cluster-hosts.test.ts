// The cluster dashboard's host book (pure, on a given clock): a host is live, then stale
// once its heartbeat is 1.5 intervals late, then gone once its advert leaves Redis, with
// when each began; a host that withdrew in time is gone without having been stale; a gone
// host's counters stay in the totals; gone rows are forgotten after `keepGone`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Advert, HostBook } from '../../src/server/cluster/hosts.js';

const advert = (id: string, heartbeatAt: number, completed: number): Advert => ({
  id,
  hostname: `host-${id}`,
  pid: Number(id),
  threads: 2,
  concurrency: 2,
  running: 0,
  completed,
  failed: 1,
  retried: 1,
  throughput: 0,
  healthy: true,
  draining: false,
  heartbeatAt,
  histograms: { run: { buckets: [completed, 0, 1] } },
});

test('live, stale after 1.5 heartbeats, then gone; its counts stay', () => {
  const book = new HostBook();
  book.observe([advert('1', 100, 5), advert('2', 100, 7)], 0);
  book.observe([advert('1', 1100, 6), advert('2', 1100, 8)], 1000);
  assert.deepEqual(
    book.rows(2400).map((r) => r.status),
    ['live', 'live'],
  );
  book.observe([advert('1', 2100, 9), advert('2', 1100, 8)], 2000); // host 2 missed a beat
  const late = book.rows(2600).find((r) => r.advert.id === '2');
  assert.equal(late?.status, 'stale');
  assert.equal(late?.staleSince, 2500);
  assert.equal(book.rows(2600).find((r) => r.advert.id === '1')?.status, 'live');
  book.observe([advert('1', 3100, 10)], 3100); // host 2's advert expired
  const gone = book.rows(3100).find((r) => r.advert.id === '2');
  assert.equal(gone?.status, 'gone');
  assert.equal(gone?.staleSince, 2500);
  assert.equal(gone?.goneSince, 3100);
  const t = book.totals();
  assert.equal(t.completed, 10 + 8);
  assert.equal(t.failed, 0); // failed attempts that were retried are not failures
  assert.equal(t.retried, 2);
  assert.deepEqual(t.run, [18, 0, 2]);
  // An advert of a gone host read late changes nothing: its counts are retired once.
  book.observe([advert('1', 3100, 10), advert('2', 1100, 8)], 3200);
  assert.equal(book.totals().completed, 18); // A newer advert of it (it outlived a Redis outage): live again, counted once.
  book.observe([advert('1', 3100, 10), advert('2', 3300, 9)], 3300);
  assert.equal(book.rows(3300).find((r) => r.advert.id === '2')?.status, 'live');
  assert.equal(book.totals().completed, 19);
  assert.deepEqual(book.totals().run, [19, 0, 2]);
});

test('a host that withdrew in time is gone without having been stale; gone rows are forgotten', () => {
  const book = new HostBook(10_000, 50);
  book.observe([advert('1', 100, 1)], 0);
  book.observe([advert('1', 1100, 1)], 1000);
  book.observe([], 1200);
  const row = book.rows(1200)[0];
  assert.equal(row?.status, 'gone');
  assert.equal(row?.staleSince, undefined);
  book.observe([], 11_201);
  assert.deepEqual(book.rows(11_201), []);
  assert.equal(book.totals().completed, 1);
});
