// The one growable FIFO ring (src/sync/ring-buffer.ts): `at` reads by position from the
// oldest, across the wrap and a growth, and a bounded use (shift before push) keeps the
// last `n` values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RingBuffer } from '../../src/sync/ring-buffer.js';

test('at(i) is the i-th value from the oldest, through wrap-around and growth', () => {
  const ring = new RingBuffer<number>();
  for (let i = 0; i < 10; i++) ring.push(i);
  for (let i = 0; i < 6; i++) ring.shift(); // the head moves on: the next pushes wrap
  for (let i = 10; i < 30; i++) ring.push(i); // and the ring grows past 16
  assert.equal(ring.size, 24);
  const read: number[] = [];
  for (let i = 0; i < ring.size; i++) read.push(ring.at(i) as number);
  assert.deepEqual(read, [...ring]);
  assert.equal(ring.at(0), 6);
  assert.equal(ring.at(ring.size - 1), 29);
  assert.equal(ring.at(ring.size), undefined);
  assert.equal(ring.at(-1), undefined);
  assert.equal(ring.at(1.5), undefined);
  assert.equal(new RingBuffer<number>().at(0), undefined);
});

test('shift before push at a bound keeps the newest n values, and no more room', () => {
  const ring = new RingBuffer<number>();
  for (let i = 0; i < 100; i++) {
    if (ring.size === 5) ring.shift();
    ring.push(i);
  }
  assert.deepEqual([...ring], [95, 96, 97, 98, 99]);
});
