import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskCancelledError } from '../../src/errors.js';
import { Channel } from '../../src/sync/channel.js';

function isCancelled(reason: unknown) {
  return (e: unknown) => e instanceof TaskCancelledError && e.cause === reason;
}

test('an aborted send withdraws its value; later senders keep their order', async () => {
  const ch = new Channel<number>();
  const ac = new AbortController();
  const first = ch.send(1);
  const aborted = ch.send(2, { signal: ac.signal });
  const third = ch.send(3);
  const reason = new Error('stop');
  ac.abort(reason);
  await assert.rejects(aborted, isCancelled(reason));
  assert.deepEqual(await ch.receive(), { value: 1, ok: true });
  assert.deepEqual(await ch.receive(), { value: 3, ok: true });
  assert.equal(ch.tryReceive(), undefined);
  await Promise.all([first, third]);
});

test('an aborted receive takes nothing; the next receiver gets the value', async () => {
  const ch = new Channel<number>();
  const ac = new AbortController();
  const aborted = ch.receive({ signal: ac.signal });
  const next = ch.receive();
  ac.abort('why');
  await assert.rejects(aborted, isCancelled('why'));
  assert.equal(ch.trySend(5), true);
  assert.deepEqual(await next, { value: 5, ok: true });
});

test('an already-aborted signal rejects without sending or receiving', async () => {
  const ch = new Channel<number>(1);
  const signal = AbortSignal.abort('early');
  await assert.rejects(ch.send(1, { signal }), isCancelled('early'));
  assert.equal(ch.length, 0);
  await ch.send(2);
  await assert.rejects(ch.receive({ signal }), isCancelled('early'));
  assert.equal(ch.length, 1);
});

test('settled waits detach from the signal (no listener leak)', async () => {
  const ch = new Channel<number>();
  const ac = new AbortController();
  for (let i = 0; i < 5; i++) {
    const r = ch.receive({ signal: ac.signal });
    await ch.send(i);
    assert.deepEqual(await r, { value: i, ok: true });
  }
  ac.abort();
  // Nothing waited any more, so the abort changed nothing.
  assert.equal(ch.trySend(9), false);
});
