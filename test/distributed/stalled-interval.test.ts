/**
 * Every host of a queue shares one `stalledInterval`: BullMQ runs at most one stalled-job
 * check per interval of the host that checked last, so a host with a longer one would hold
 * back everyone's recovery. A host advertises its interval, and one that starts with a
 * different interval than a live host's is refused with `RedisConfigError`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type DistributedWorker,
  RedisConfigError,
  startWorker,
} from '../../src/distributed/index.js';
import { queueName, tasksModule } from './helpers.js';
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
