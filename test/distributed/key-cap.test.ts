/**
 * A key's cap (`fairness.maxPerKey`, BullMQ's global concurrency of the key's queue) that
 * fails to be set is set later, and the key is not fetched uncapped meanwhile. The real
 * redis-server refuses writes (`min-replicas-to-write 1` with no replica: NOREPLICAS)
 * while the host first sees the key, then accepts them again; the host's connection is
 * then dropped, and its return brings the cap and the fetch.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { encodeValue } from '../../src/distributed/codec.js';
import { type DistributedWorker, startWorker } from '../../src/distributed/index.js';
import { keyQueue, keys } from '../../src/distributed/keys.js';
import { queueName, tasksModule, until, useScratch } from './helpers.js';

describe('a key cap that fails to be set', () => {
  const scratch = useScratch('key-cap');
  const closing: (() => Promise<unknown>)[] = [];
  // Closed in the test's `finally`, before the scratch's `after` stops Redis.

  it('is set once Redis takes writes again and the connection returns; no job of the key starts before', async () => {
    try {
      await capTest();
    } finally {
      for (const close of closing.reverse()) await close();
    }
  });

  async function capTest(): Promise<void> {
    const queue = queueName('cap');
    const admin = new Redis(scratch.redis.connection);
    closing.push(() => admin.quit());
    const lane = new Queue(keyQueue(queue, 'a'), { connection: scratch.redis.connection });
    closing.push(() => lane.close());
    const host: DistributedWorker = await startWorker({
      module: tasksModule,
      connection: scratch.redis.url,
      queue,
      threads: 2,
      concurrency: 2,
      fairness: { maxPerKey: 1 },
      keyPoll: 600_000, // the host learns of the key from the ring only
      stalledInterval: 600_000,
      lockDuration: 600_000,
    });
    closing.push(() => host.close({ timeout: 1000 }));
    const release = join(scratch.dir, 'release');
    for (const id of ['a1', 'a2'])
      await lane.add('hold', { i: encodeValue({ path: release }, 'input'), k: 'a' }, { jobId: id });
    const meta = `bull:${keyQueue(queue, 'a')}:meta`;
    const rejectedWrites = async (): Promise<number> => {
      const info = await admin.info('commandstats');
      return Number(/cmdstat_hset:.*rejected_calls=(\d+)/.exec(info)?.[1] ?? 0);
    };
    const before = await rejectedWrites();

    await admin.config('SET', 'min-replicas-to-write', '1'); // every write fails: NOREPLICAS
    await admin.publish(keys('bull', queue).ring, 'a'); // the host sees key a now
    await until('the host tried to set the cap', async () => (await rejectedWrites()) > before);
    assert.equal(await admin.hget(meta, 'concurrency'), null);
    await admin.config('SET', 'min-replicas-to-write', '0');

    // Drop the host's command connection; it reconnects by itself.
    const clients = await admin.client('LIST');
    const mine = String(clients)
      .split('\n')
      .filter((line) => line.includes(`name=workpool:worker:${queue}`));
    assert.equal(mine.length, 1);
    const id = /id=(\d+)/.exec(mine[0] ?? '')?.[1] ?? '';
    await admin.client('KILL', 'ID', id);

    await until('the cap is set', async () => (await admin.hget(meta, 'concurrency')) === '1');
    await until('a job of key a started', async () => (await lane.getActiveCount()) === 1);
    assert.equal(await lane.getWaitingCount(), 1); // the cap holds the other back
    writeFileSync(release, '');
    await until('both jobs completed', async () => (await lane.getCompletedCount()) === 2);
  }
});
