/**
 * A wedged worker host recovers. The host reaches Redis through a proxy (proxy.ts) whose
 * `freeze()` leaves every connection open now open and silent, as a half-dead socket
 * does: nothing errors, nothing answers. BullMQ 6 resets its own blocking connection
 * after a blocking read overstays, but its command connection (`moveToActive`) and the
 * host's clients stay wedged, so the job submitted after the freeze would never start.
 * The watchdog runs on a ManualClock, so each check is one explicit step: the first asks
 * Redis how many jobs wait (the ask never returns), the second and third see no answer, a
 * free slot and nothing started, and the third recovers: a new BullMQ worker on new
 * connections takes the job with no further step.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DistributedPool,
  type DistributedWorker,
  startWorker,
} from '../../src/distributed/index.js';
import { ManualClock } from '../../src/index.js';
import { queueName, type Tasks, tasksModule } from './helpers.js';
import { type FreezingProxy, startProxy } from './proxy.js';
import { startRedis, type TestRedis } from './redis.js';

describe('the wedged-connection watchdog', () => {
  let redis: TestRedis;
  let proxy: FreezingProxy;
  let worker: DistributedWorker | undefined;
  let pool: DistributedPool<Tasks> | undefined;

  before(async () => {
    redis = await startRedis();
    proxy = await startProxy(redis.connection);
  });
  after(async () => {
    await pool?.close({ timeout: 2000 });
    await worker?.close({ timeout: 1000 });
    await proxy?.close();
    await redis?.stop();
  });

  it('a host whose connections went silent notices jobs waiting and reconnects', {
    timeout: 60_000,
  }, async () => {
    const queue = queueName('wedge');
    const clock = new ManualClock();
    worker = await startWorker({
      module: tasksModule,
      connection: { host: '127.0.0.1', port: proxy.port },
      queue,
      threads: 1,
      clock,
      watchdogInterval: 1000,
    });
    pool = new DistributedPool<Tasks>({ connection: redis.connection, queue });
    assert.equal(await pool.run('add', { a: 1, b: 2 }), 3); // through the proxy, before

    proxy.freeze();
    const task = await pool.submit('add', { a: 2, b: 3 }); // in Redis now
    clock.advance(1000); // asks (no answer will come)
    clock.advance(1000); // strike 1
    assert.equal(worker.advert().recoveries, 0);
    clock.advance(1000); // strike 2: recover
    assert.equal(worker.advert().recoveries, 1);
    assert.equal(await task.result, 5);
  });
});
