import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/index.js';
import { type Answer, Gates, post, start, until } from './helpers.js';

let gates: Gates;
before(async () => {
  gates = await Gates.open();
});
after(() => gates.close());

test('503 with Retry-After when the queue is full, not queued', async () => {
  const server = await start({ threads: 1, maxQueue: 1 });
  try {
    const first = post(server, 'gate', { port: gates.port });
    const g1 = await gates.next();
    // Offer gate tasks one at a time until one is refused (the thread may prefetch some
    // before the queue fills): each is either accepted (submitted grows) or answered.
    const accepted: Promise<Answer>[] = [];
    let refused: Answer | undefined;
    while (refused === undefined) {
      const before = server.pool.stats().submitted;
      const answer = post(server, 'gate', { port: gates.port });
      let settled: Answer | undefined;
      void answer.then((a) => {
        settled = a;
      });
      await until(() => settled !== undefined || server.pool.stats().submitted > before);
      if (settled === undefined) accepted.push(answer);
      else refused = settled;
      assert.ok(accepted.length < 100, 'the queue is bounded');
    }
    assert.equal(refused.status, 503);
    assert.match(refused.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    assert.equal((refused.body as { error: { code: string } }).error.code, 'ERR_OVERLOADED');
    const submitted = server.pool.stats().submitted;
    assert.equal((await post(server, 'add', { a: 1, b: 1 })).status, 503);
    assert.equal(server.pool.stats().submitted, submitted, 'a refused request is never queued');
    g1.open('0');
    for (let i = 1; i <= accepted.length; i++) (await gates.next()).open(String(i));
    assert.equal((await first).body, '0');
    const bodies = await Promise.all(accepted.map(async (a) => (await a).body));
    assert.deepEqual(
      bodies,
      accepted.map((_, i) => String(i + 1)),
    );
  } finally {
    await server.close();
  }
});

test('503 early when the predicted wait and run exceed the request deadline', async () => {
  const clock = new ManualClock();
  const server = await start({ threads: 1, maxQueue: 100, clock });
  try {
    // Two tasks back to back, the second ending 1000 ms after the first: the server learns
    // that, busy, this pool ends a task every 1000 ms.
    const first = post(server, 'gate', { port: gates.port });
    const g1 = await gates.next();
    const second = post(server, 'gate', { port: gates.port });
    await until(() => server.pool.stats().submitted === 2);
    g1.open('one');
    const g2 = await gates.next();
    clock.advance(1000);
    g2.open('two');
    assert.deepEqual([(await first).body, (await second).body], ['one', 'two']);

    const busy = post(server, 'gate', { port: gates.port });
    const g3 = await gates.next();
    // Thread busy, nothing queued: ~1000 ms wait + ~1000 ms run.
    const tooShort = await post(
      server,
      'add',
      { a: 1, b: 1 },
      { headers: { 'x-timeout-ms': '1500' } },
    );
    assert.equal(tooShort.status, 503);
    assert.equal(tooShort.headers.get('retry-after'), '1');
    const fits = post(server, 'add', { a: 1, b: 1 }, { headers: { 'x-timeout-ms': '5000' } });
    await until(() => server.pool.stats().submitted === 4);
    // One accepted ahead: ~2000 ms wait.
    const behind = await post(
      server,
      'add',
      { a: 2, b: 2 },
      { headers: { 'x-timeout-ms': '2500' } },
    );
    assert.equal(behind.status, 503);
    assert.equal(behind.headers.get('retry-after'), '2');
    assert.equal(server.pool.stats().submitted, 4, 'refused requests never entered the pool');
    g3.open('done');
    assert.equal((await busy).body, 'done');
    assert.deepEqual(await fits.then((a) => [a.status, a.body]), [200, 2]);
  } finally {
    await server.close();
  }
});

test('504 when the task outlives the request deadline; its task is cancelled', async () => {
  const clock = new ManualClock();
  const server = await start({ threads: 1, clock });
  const own = await Gates.open();
  try {
    const answer = post(server, 'gate', { port: own.port }, { headers: { 'x-timeout-ms': '100' } });
    const gate = await own.next();
    clock.advance(100); // the deadline: the task's signal aborts, its handler lets go of the gate
    await gate.closed;
    const a = await answer;
    assert.equal(a.status, 504);
    const error = (a.body as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'ERR_TASK_TIMEOUT');
    assert.match(error.message, /deadline of 100 ms/);
    await until(() => server.pool.stats().timedOut === 1);
  } finally {
    await server.close();
    await own.close();
  }
});

test('504 from the server default timeout, and the thread is free afterwards', async () => {
  const clock = new ManualClock();
  const server = await start({ threads: 1, timeout: 100, clock });
  const own = await Gates.open();
  try {
    const answer = post(server, 'gate', { port: own.port });
    await own.next();
    clock.advance(100);
    assert.equal((await answer).status, 504);
    // Time stands still now: however slow the machine, this request meets its deadline.
    assert.equal((await post(server, 'add', { a: 20, b: 22 })).body, 42);
  } finally {
    await server.close();
    await own.close();
  }
});
