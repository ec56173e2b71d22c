import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChannelClosedError, TaskCancelledError } from '../../src/errors.js';
import { Channel } from '../../src/sync/channel.js';
import { select } from '../../src/sync/select.js';
import { flush } from '../helpers.js';
import { track } from './track.js';

test('a ready receive case is chosen at once', async () => {
  const a = new Channel<number>(1);
  const b = new Channel<string>(1);
  await b.send('x');
  const r = await select([{ receive: a }, { receive: b }]);
  assert.deepEqual(r, { index: 1, value: 'x', ok: true });
  assert.equal(b.length, 0);
});

test('a ready send case is chosen at once', async () => {
  const a = new Channel<number>();
  const b = new Channel<number>(1);
  assert.deepEqual(
    await select([
      { send: a, value: 1 },
      { send: b, value: 2 },
    ]),
    { index: 1 },
  );
  assert.deepEqual(b.tryReceive(), { value: 2, ok: true });
});

test('default runs when nothing is ready, and only then', async () => {
  const a = new Channel<number>(1);
  assert.equal(await select([{ receive: a }, { default: () => 'idle' as const }]), 'idle');
  await a.send(3);
  assert.deepEqual(await select([{ receive: a }, { default: () => 'idle' as const }]), {
    index: 0,
    value: 3,
    ok: true,
  });
});

test('bodies: the winning case body runs and its result resolves the select', async () => {
  const a = new Channel<number>(1);
  const b = new Channel<number>(1);
  await a.send(20);
  const r = await select([
    { receive: a, do: (x) => (x.ok ? x.value * 2 : -1) },
    { send: b, value: 1, do: () => -2 },
  ]);
  assert.ok(r === 40 || r === -2);
  // Only the winner committed: either a was drained, or b was filled.
  assert.deepEqual([a.length, b.length], r === 40 ? [0, 0] : [1, 1]);
});

test('waits until one case can proceed; the other channel is left untouched', async () => {
  const a = new Channel<number>();
  const b = new Channel<number>();
  const s = track(select([{ receive: a }, { send: b, value: 9 }]));
  await flush();
  assert.equal(s.settled, false);
  assert.equal(a.trySend(5), true, 'the waiting select is a receiver on a');
  assert.deepEqual(await s.promise, { index: 0, value: 5, ok: true });
  assert.equal(b.tryReceive(), undefined, 'the send case was withdrawn');
  assert.equal(a.trySend(6), false, 'the receive registration is gone too');
});

test('a waiting send case completes when a receiver comes', async () => {
  const a = new Channel<number>();
  const b = new Channel<number>();
  const s = select([{ receive: a }, { send: b, value: 9, do: () => 'sent' }]);
  assert.deepEqual(await b.receive(), { value: 9, ok: true });
  assert.equal(await s, 'sent');
});

test('a receive case on a closed channel is ready with ok:false', async () => {
  const a = new Channel<number>();
  a.close();
  assert.deepEqual(await select([{ receive: a }]), { index: 0, value: undefined, ok: false });
  const b = new Channel<number>();
  const waiting = select([{ receive: b }]);
  b.close();
  assert.deepEqual(await waiting, { index: 0, value: undefined, ok: false });
});

test('a send case on a closed channel rejects ChannelClosedError, even with default', async () => {
  const a = new Channel<number>(1);
  const ready = new Channel<number>(1);
  await ready.send(1);
  a.close();
  await assert.rejects(
    select([{ receive: ready }, { send: a, value: 1 }, { default: () => 0 }]),
    ChannelClosedError,
  );
  assert.equal(ready.length, 1, 'nothing was taken');
  const b = new Channel<number>();
  const waiting = select([{ send: b, value: 1 }]);
  b.close();
  await assert.rejects(waiting, ChannelClosedError);
});

test('abort withdraws every registration and rejects TaskCancelledError', async () => {
  const a = new Channel<number>();
  const b = new Channel<number>();
  const ac = new AbortController();
  const s = select([{ receive: a }, { send: b, value: 1 }], { signal: ac.signal });
  ac.abort('enough');
  await assert.rejects(s, (e: unknown) => e instanceof TaskCancelledError && e.cause === 'enough');
  assert.equal(a.trySend(1), false);
  assert.equal(b.tryReceive(), undefined);
  await assert.rejects(
    select([{ receive: a }], { signal: AbortSignal.abort('early') }),
    TaskCancelledError,
  );
});

test('a select cannot pair with itself on one unbuffered channel', async () => {
  const ch = new Channel<number>();
  const s = track(select([{ send: ch, value: 1 }, { receive: ch }]));
  await flush();
  assert.equal(s.settled, false);
  assert.deepEqual(await ch.receive(), { value: 1, ok: true });
  assert.deepEqual(await s.promise, { index: 0 });
  assert.equal(ch.trySend(2), false, 'its receive registration was withdrawn');
});

test('malformed cases are rejected', async () => {
  const ch = new Channel<number>();
  const bad = [{ receive: ch, send: ch, value: 1 }] as unknown as Parameters<typeof select>[0];
  await assert.rejects(select(bad), TypeError);
  const twoDefaults = [{ default: () => 1 }, { default: () => 2 }] as const;
  await assert.rejects(select(twoDefaults), TypeError);
  await assert.rejects(select('x' as never), {
    name: 'TypeError',
    message: 'Expected `cases` to be an array, got `"x"` (string)',
  });
});

test('a throwing body rejects the select after the commit', async () => {
  const a = new Channel<number>(1);
  await a.send(1);
  await assert.rejects(
    select([
      {
        receive: a,
        do: () => {
          throw new Error('boom');
        },
      },
    ]),
    /boom/,
  );
  assert.equal(a.length, 0);
});
