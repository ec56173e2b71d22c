/**
 * Every host of a queue shares one `stalledInterval`: BullMQ runs at most one stalled-job
 * check per interval of the host that checked last, so a host with a longer one would hold
 * back everyone's recovery. A host advertises its interval, and one that starts with a
 * different interval than a live host's is refused with `RedisConfigError`: checked and
 * advertised in one Lua script, so two unlike hosts starting together cannot both start; a
 * conflict a heartbeat finds (a host that did not check) marks the host unhealthy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { type AdvertRecord, advertise, readAdverts } from '../../src/distributed/adverts.js';
import {
  type DistributedWorker,
  RedisConfigError,
  startWorker,
} from '../../src/distributed/index.js';
import { keys } from '../../src/distributed/keys.js';
import { DurationHistogram } from '../../src/internal.js';
import { queueName, tasksModule, until } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

describe('hosts of a queue share one stalledInterval', () => {
  let redis: TestRedis;
  const hosts: DistributedWorker[] = [];
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const h of hosts) await h.close({ timeout: 1000 });
    await redis.stop();
  });

  const host = async (queue: string, stalledInterval: number): Promise<DistributedWorker> => {
    const h = await startWorker({
      module: tasksModule,
      connection: redis.url,
      queue,
      threads: 1,
      stalledInterval,
    });
    hosts.push(h);
    return h;
  };

  it('a host unlike a live one is refused, naming the setting and both values; a like one starts', async () => {
    const queue = queueName('stalled');
    const a = await host(queue, 1000);
    assert.equal(a.advert().stalledInterval, 1000);
    const error = await host(queue, 2000).then(
      () => assert.fail('a host with another stalledInterval should be refused'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RedisConfigError);
    assert.equal(error.code, 'ERR_REDIS_CONFIG');
    assert.equal(error.setting, 'stalledInterval');
    assert.match(error.message, /to be 1000 ms.*got 2000 ms/);
    const b = await host(queue, 1000);
    assert.notEqual(b.id, a.id);
  });

  it('once the queue has no live host, any interval may start it afresh', async () => {
    const queue = queueName('stalled-again');
    const a = await host(queue, 1000);
    await a.close({ timeout: 1000 }); // withdraws its advert
    const b = await host(queue, 2000);
    assert.equal(b.advert().stalledInterval, 2000);
  });

  it('queues are independent', async () => {
    await host(queueName('stalled-x'), 1000);
    await host(queueName('stalled-y'), 2000);
  });
});

describe('hosts of a queue share one stalledInterval, also when they start together', () => {
  let redis: TestRedis;
  let admin: Redis;
  const hosts: DistributedWorker[] = [];
  before(async () => {
    redis = await startRedis();
    admin = new Redis(redis.connection);
  });
  after(async () => {
    for (const h of hosts) await h.close({ timeout: 1000 });
    admin.disconnect();
    await redis.stop();
  });

  const advert = (id: string, stalledInterval: number): AdvertRecord => {
    const empty = new DurationHistogram();
    return {
      id,
      hostname: 'test',
      pid: 1,
      handlers: [],
      threads: 1,
      concurrency: 1,
      stalledInterval,
      running: 0,
      completed: 0,
      failed: 0,
      retried: 0,
      throughput: 0,
      waitTime: empty.snapshot(),
      runTime: empty.snapshot(),
      healthy: true,
      draining: false,
      recoveries: 0,
      startedAt: 0,
      heartbeatAt: 0,
      histograms: { wait: empty.dump(), run: empty.dump() },
    };
  };

  it('of two unlike first adverts written at once, the second is refused and writes nothing', async () => {
    // Both hosts read the adverts before either has written one (the race), then advertise.
    const k = keys('bull', queueName('stalled-race'));
    const [a, b] = await Promise.all([
      advertise(admin, k, advert('a', 1000), 10_000, true),
      advertise(admin, k, advert('b', 2000), 10_000, true),
    ]);
    assert.equal(a, undefined);
    assert.equal(b?.id, 'a');
    assert.equal(b?.stalledInterval, 1000);
    assert.deepEqual(await admin.smembers(k.workers), ['a']);
    assert.equal(await admin.exists(k.worker('b')), 0);
    // A like one is taken; a heartbeat (not a first advert) is written and reports the conflict.
    assert.equal(await advertise(admin, k, advert('c', 1000), 10_000, true), undefined);
    const found = await advertise(admin, k, advert('d', 2000), 10_000, false);
    assert.equal(found?.stalledInterval, 1000);
    assert.equal(await admin.exists(k.worker('d')), 1);
    // Intervals are compared as numbers, fractions and exponents included.
    const f = keys('bull', queueName('stalled-fraction'));
    assert.equal(await advertise(admin, f, advert('e', 1500.5), 10_000, true), undefined);
    assert.equal(await advertise(admin, f, advert('f', 1500.5), 10_000, true), undefined);
    assert.equal(
      (await advertise(admin, f, advert('g', 1500), 10_000, true))?.stalledInterval,
      1500.5,
    );
    const big = keys('bull', queueName('stalled-big'));
    assert.equal(await advertise(admin, big, advert('h', 1e21), 10_000, true), undefined);
    assert.equal(
      (await advertise(admin, big, advert('i', 1e20), 10_000, true))?.stalledInterval,
      1e21,
    );
  });

  it('two unlike hosts started at the same moment: exactly one starts, the other is refused', async () => {
    for (let round = 0; round < 3; round++) {
      const queue = queueName('stalled-together');
      const start = (stalledInterval: number) =>
        startWorker({
          module: tasksModule,
          connection: redis.url,
          queue,
          threads: 1,
          stalledInterval,
        });
      const results = await Promise.allSettled([start(1000), start(2000)]);
      const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      hosts.push(...started);
      assert.equal(started.length, 1, `round ${round}: one host starts`);
      const refused = results.find((r) => r.status === 'rejected');
      assert.ok(refused?.reason instanceof RedisConfigError);
      assert.equal(refused.reason.setting, 'stalledInterval');
      const live = await readAdverts(admin, keys('bull', queue));
      assert.deepEqual(
        live.map((a) => a.id),
        started.map((h) => h.id),
      );
    }
  });

  it('a heartbeat that finds an unlike live host marks the host unhealthy, naming why, until it is gone', async () => {
    const queue = queueName('stalled-after');
    const h = await startWorker({
      module: tasksModule,
      connection: redis.url,
      queue,
      threads: 1,
      stalledInterval: 1000,
      heartbeat: 50,
    });
    hosts.push(h);
    assert.equal(h.advert().healthy, true);
    // A host that skipped the check (an older version, or one back after its advert expired).
    const k = keys('bull', queue);
    await admin.set(k.worker('old'), JSON.stringify(advert('old', 30_000)), 'PX', 60_000);
    await admin.sadd(k.workers, 'old');
    await until('the host reports the conflict', () => !h.advert().healthy, 10_000);
    assert.match(h.advert().error ?? '', /to be 30000 ms.*got 1000 ms/);
    await admin.del(k.worker('old'));
    await until('the host is healthy again', () => h.advert().healthy, 10_000);
    assert.equal(h.advert().error, undefined);
  });
});
