import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChannelClosedError } from '../../src/errors.js';
import { Channel } from '../../src/sync/channel.js';
import { outcome } from '../helpers.js';

test('buffered values stay receivable after close; then ok:false forever', async () => {
  const ch = new Channel<number>(3);
  await ch.send(1);
  await ch.send(2);
  ch.close();
  assert.equal(ch.closed, true);
  assert.deepEqual(await ch.receive(), { value: 1, ok: true });
  assert.deepEqual(ch.tryReceive(), { value: 2, ok: true });
  assert.deepEqual(await ch.receive(), { value: undefined, ok: false });
  assert.deepEqual(ch.tryReceive(), { value: undefined, ok: false });
});

test('close wakes waiting receivers with ok:false', async () => {
  const ch = new Channel<number>();
  const a = ch.receive();
  const b = ch.receive();
  ch.close();
  assert.deepEqual(await a, { value: undefined, ok: false });
  assert.deepEqual(await b, { value: undefined, ok: false });
});

test('send on a closed channel rejects; trySend throws', async () => {
  const ch = new Channel<number>(1);
  ch.close();
  await assert.rejects(ch.send(1), ChannelClosedError);
  assert.throws(() => ch.trySend(1), ChannelClosedError);
  assert.equal(ch.length, 0);
});

test('closing twice throws ChannelClosedError', () => {
  const ch = new Channel();
  ch.close();
  assert.throws(
    () => ch.close(),
    (e: unknown) => e instanceof ChannelClosedError && e.code === 'ERR_CHANNEL_CLOSED',
  );
});

test('senders blocked when the channel closes reject ChannelClosedError', async () => {
  const ch = new Channel<number>(1);
  await ch.send(1);
  const blocked = [outcome(ch.send(2)), outcome(ch.send(3))];
  ch.close();
  for (const r of await Promise.all(blocked)) {
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.error instanceof ChannelClosedError);
  }
  assert.deepEqual(await ch.receive(), { value: 1, ok: true }, 'the buffered value survives');
  assert.deepEqual(await ch.receive(), { value: undefined, ok: false }, 'blocked values were not');
});
