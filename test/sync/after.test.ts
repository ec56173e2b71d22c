import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../src/scheduler/clock.js';
import { after } from '../../src/sync/after.js';
import { Channel } from '../../src/sync/channel.js';
import { select } from '../../src/sync/select.js';

test('after(ms) receives one timestamp, and stays open', async () => {
  const before = Date.now();
  const ch = after(1);
  const r = await ch.receive();
  assert.equal(r.ok, true);
  assert.ok(r.ok && r.value >= before);
  assert.equal(ch.closed, false);
  assert.equal(ch.tryReceive(), undefined, 'it fires once');
});

test('the tutorial pattern: a ready job wins over the timeout', async () => {
  const done = new Channel<boolean>(1);
  await done.send(true);
  const r = await select([{ receive: done }, { receive: after(60_000) }]);
  assert.equal(r.index, 0);
});

test('the tutorial pattern: the timeout wins when the job never finishes', async () => {
  const done = new Channel<boolean>();
  const r = await select([
    { receive: done, do: () => 'done' },
    { receive: after(1), do: () => 'timeout' },
  ]);
  assert.equal(r, 'timeout');
});

test('an aborted after() never fires', async () => {
  const ac = new AbortController();
  const ch = after(1, { signal: ac.signal });
  ac.abort();
  // A later timer has certainly passed the first one's deadline.
  await after(5).receive();
  assert.equal(ch.tryReceive(), undefined);
  assert.equal(after(1, { signal: AbortSignal.abort() }).tryReceive(), undefined);
});

test('ms is validated', () => {
  assert.throws(() => after(-1), RangeError);
  assert.throws(() => after(Number.NaN), TypeError); // NaN is not a number of ms: the one rule of src/validate.ts
  assert.throws(() => after('1' as unknown as number), TypeError);
});

test('a losing after() timer does not keep the process alive', () => {
  // A child that selects against a 1-hour timer and loses must exit at once.
  const fixture = fileURLToPath(new URL('./fixtures/after-loses.ts', import.meta.url));
  const child = spawnSync(process.execPath, ['--import', 'tsx', fixture], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), 'job');
});

test('a waited-on after() timer keeps the process alive until it fires', () => {
  const fixture = fileURLToPath(new URL('./fixtures/after-waits.ts', import.meta.url));
  const child = spawnSync(process.execPath, ['--import', 'tsx', fixture], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), 'fired');
});

test('after(ms, { clock }) fires when the clock has moved ms on, with the clock time', async () => {
  const clock = new ManualClock();
  const ch = after(100, { clock });
  clock.advance(99);
  assert.equal(ch.tryReceive(), undefined);
  clock.advance(1);
  assert.deepEqual(ch.tryReceive(), { value: 100, ok: true });
  const ac = new AbortController();
  const never = after(10, { clock, signal: ac.signal });
  ac.abort();
  clock.advance(50);
  assert.equal(never.tryReceive(), undefined);
});
