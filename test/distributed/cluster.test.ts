/**
 * A Redis Cluster needs the queue's keys on one shard: a prefix (or queue name) without a
 * hash tag is refused with RedisConfigError naming `prefix`, by the pure check and against
 * a real redis-server in cluster mode (a node with no slots: only the refusal is tested).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkClusterPrefix, hashTag } from '../../src/distributed/connection.js';
import { DistributedPool, RedisConfigError, startWorker } from '../../src/distributed/index.js';
import { tasksModule } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

describe('Redis Cluster and hash tags (pure)', () => {
  it('hashTag follows Redis: the first {...} that is not empty', () => {
    assert.equal(hashTag('{jobs}:q:wait'), 'jobs');
    assert.equal(hashTag('bull:{q}:wait'), 'q');
    assert.equal(hashTag('bull:q:wait'), undefined);
    assert.equal(hashTag('{}:q:{x}'), undefined); // Redis hashes the whole key then
    assert.equal(hashTag('a{b'), undefined);
  });

  it('refuses a cluster without a tag, naming prefix; allows a tag or no cluster', () => {
    const error = (() => {
      try {
        checkClusterPrefix(true, 'bull', 'images');
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof RedisConfigError);
    assert.equal(error.code, 'ERR_REDIS_CONFIG');
    assert.equal(error.setting, 'prefix');
    assert.match(error.message, /`prefix`.*\{bull\}/);
    checkClusterPrefix(true, '{bull}', 'images');
    checkClusterPrefix(true, 'bull', '{images}');
    checkClusterPrefix(false, 'bull', 'images');
  });
});

describe('a real redis-server in cluster mode', () => {
  let redis: TestRedis;
  before(async () => {
    redis = await startRedis({ args: ['--cluster-enabled', 'yes'] });
  });
  after(async () => {
    await redis?.stop();
  });

  it('a pool and a worker refuse a prefix without a hash tag', async () => {
    const pool = new DistributedPool({ connection: redis.connection, queue: 'images' });
    const error = await pool.ready().then(
      () => assert.fail('should refuse'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RedisConfigError);
    assert.equal(error.setting, 'prefix');
    await pool.close({ timeout: 1000 });
    await assert.rejects(
      startWorker({ module: tasksModule, connection: redis.url, queue: 'images', threads: 1 }),
      (e: unknown) => e instanceof RedisConfigError && e.setting === 'prefix',
    );
  });
});
