import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Channel } from '../../src/sync/channel.js';
import { flush } from '../helpers.js';
import { track } from './track.js';

test('capacity is validated: integer from 0 and up', () => {
  assert.equal(new Channel().capacity, 0);
  assert.equal(new Channel(3).capacity, 3);
  assert.throws(() => new Channel(-1), {
    name: 'RangeError',
    message: 'Expected `capacity` to be an integer from 0 and up, got `-1` (number)',
  });
  assert.throws(() => new Channel(1.5), RangeError);
  assert.throws(() => new Channel(Number.POSITIVE_INFINITY), RangeError);
  assert.throws(() => new Channel('2' as unknown as number), TypeError);
});

test('unbuffered: send completes only when a receiver takes the value', async () => {
  const ch = new Channel<string>();
  const sent = track(ch.send('a'));
  await flush();
  assert.equal(sent.settled, false);
  assert.equal(ch.length, 0);
  assert.deepEqual(await ch.receive(), { value: 'a', ok: true });
  await flush();
  assert.equal(sent.settled, true);
});

test('unbuffered: a waiting receiver gets the value at once', async () => {
  const ch = new Channel<number>();
  const received = ch.receive();
  assert.equal(ch.trySend(7), true);
  assert.deepEqual(await received, { value: 7, ok: true });
  assert.equal(ch.trySend(8), false, 'no receiver and no buffer: would block');
  assert.equal(ch.tryReceive(), undefined);
});

test('buffered: sends complete until the buffer is full, then wait for room', async () => {
  const ch = new Channel<number>(2);
  await ch.send(1);
  await ch.send(2);
  assert.equal(ch.length, 2);
  assert.equal(ch.trySend(3), false);
  const third = track(ch.send(3));
  await flush();
  assert.equal(third.settled, false);
  assert.deepEqual(ch.tryReceive(), { value: 1, ok: true });
  await flush();
  assert.equal(third.settled, true, 'the waiting sender moved into the freed slot');
  assert.equal(ch.length, 2);
  assert.deepEqual(await ch.receive(), { value: 2, ok: true });
  assert.deepEqual(await ch.receive(), { value: 3, ok: true });
  assert.equal(ch.length, 0);
});

test('buffered values may be undefined', async () => {
  const ch = new Channel<undefined | null>(2);
  await ch.send(undefined);
  await ch.send(null);
  assert.deepEqual(ch.tryReceive(), { value: undefined, ok: true });
  assert.deepEqual(ch.tryReceive(), { value: null, ok: true });
  assert.equal(ch.tryReceive(), undefined);
});

test('waiting senders are served FIFO', async () => {
  const ch = new Channel<number>();
  const order: number[] = [];
  const sends = [1, 2, 3].map((v) => ch.send(v).then(() => order.push(v)));
  for (const v of [1, 2, 3]) assert.deepEqual(await ch.receive(), { value: v, ok: true });
  await Promise.all(sends);
  assert.deepEqual(order, [1, 2, 3]);
});

test('waiting receivers are served FIFO', async () => {
  const ch = new Channel<number>(1);
  const receives = [ch.receive(), ch.receive(), ch.receive()];
  await ch.send(10);
  await ch.send(20);
  await ch.send(30);
  assert.deepEqual(
    (await Promise.all(receives)).map((r) => r.value),
    [10, 20, 30],
  );
  assert.equal(ch.length, 0, 'values went straight to the waiting receivers');
});
