/**
 * workpool's own Redis connections (BullMQ makes its own for queues, workers and events):
 * one for commands (worker adverts, cancel messages, result checks) and, on a worker, one
 * subscribed to cancel messages. A connection that is not ready within `readyTimeout`
 * fails with `RedisUnavailableError`; one that drops later reconnects by itself (ioredis),
 * and commands wait for it.
 */
import type { Redis, RedisOptions } from 'ioredis';
import { RedisConfigError, RedisUnavailableError } from './errors.js';
import type { NormalizedRedisQueueOptions } from './options.js';
import { ioredis } from './peers.js';

/** ioredis options workpool and BullMQ use: commands wait through outages, reconnects back off to 2 s. */
export function clientOptions(redis: RedisOptions): RedisOptions {
  return {
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
    ...redis,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
  };
}

/** A connected client, or `RedisUnavailableError` after `readyTimeout` ms (and nothing left open). */
export async function connect(o: NormalizedRedisQueueOptions, name: string): Promise<Redis> {
  const client = new ioredis.Redis({
    ...clientOptions(o.redis),
    lazyConnect: true,
    connectionName: name,
  });
  let lastError: Error | undefined;
  const onError = (error: Error): void => {
    lastError = error;
  };
  // Always listen: an 'error' without a listener is logged by ioredis on every retry.
  client.on('error', onError);
  let timer: NodeJS.Timeout | undefined;
  let onReady: (() => void) | undefined;
  try {
    // connect() rejects at the first refused attempt, yet ioredis goes on trying (its
    // retryStrategy): wait for 'ready' until readyTimeout, so a Redis that comes up within
    // it is used, and the error says what really happened.
    client.connect().catch(onError);
    await new Promise<void>((resolve, reject) => {
      onReady = resolve;
      client.once('ready', onReady);
      timer = setTimeout(
        () => reject(new RedisUnavailableError(o.address, o.readyTimeout, { cause: lastError })),
        o.readyTimeout,
      );
    });
  } catch (error) {
    client.disconnect();
    throw error instanceof RedisUnavailableError
      ? error
      : new RedisUnavailableError(o.address, o.readyTimeout, { cause: error });
  } finally {
    clearTimeout(timer);
    if (onReady !== undefined) client.off('ready', onReady);
  }
  return client;
}

/**
 * Refuses a Redis that may evict keys: with any `maxmemory-policy` but `noeviction`, Redis
 * under memory pressure deletes jobs, which loses accepted work silently. Where `CONFIG`
 * is disabled (managed Redis), `INFO memory` says the same.
 */
export async function checkEviction(client: Redis): Promise<void> {
  let policy: string | undefined;
  try {
    const reply = (await client.config('GET', 'maxmemory-policy')) as unknown as string[];
    policy = reply[1];
  } catch {
    const info = await client.info('memory');
    policy = /maxmemory_policy:(\S+)/.exec(info)?.[1];
  }
  if (policy !== undefined && policy !== 'noeviction') {
    throw new RedisConfigError(
      'maxmemory-policy',
      `Redis has maxmemory-policy ${policy}: it may evict jobs under memory pressure. Set maxmemory-policy noeviction`,
    );
  }
}

/**
 * Redis Cluster's hash tag of `key`: what lies between its first `{` and the first `}`
 * after it, when that is not empty; `undefined` when the key has none (it then hashes
 * whole, so a queue's keys would spread over shards, where BullMQ's scripts fail).
 */
export function hashTag(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}

/**
 * Pure: refuses a Cluster when the queue's keys (`prefix:queue:...`, its keys' queues
 * included) have no hash tag, naming the `prefix` option.
 */
export function checkClusterPrefix(cluster: boolean, prefix: string, queue: string): void {
  if (!cluster || hashTag(`${prefix}:${queue}:`) !== undefined) return;
  throw new RedisConfigError(
    'prefix',
    `Redis runs in cluster mode, and \`prefix\` ${JSON.stringify(prefix)} (with queue ${JSON.stringify(queue)}) has no hash tag: a queue's keys would land on different shards, where BullMQ's scripts fail. Set \`prefix\` to a hash tag such as ${JSON.stringify(`{${prefix}}`)}`,
  );
}

/** Refuses a Redis Cluster node when the queue's keys have no hash tag (`checkClusterPrefix`). */
export async function checkCluster(client: Redis, prefix: string, queue: string): Promise<void> {
  let info = '';
  try {
    info = await client.info('cluster');
  } catch {} // INFO disabled: nothing to go by
  checkClusterPrefix(/cluster_enabled:1/.test(info), prefix, queue);
}

/** Closes a client within `ms`: QUIT if Redis answers, else the socket is dropped. */
export async function quit(client: Redis, ms: number): Promise<void> {
  if (client.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.status === 'ready' ? client.quit() : Promise.reject(new Error('not connected')),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), ms);
      }),
    ]);
  } catch {
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** Settles with `promise` or after `ms`, whichever is first; true if `promise` won. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  if (ms === Number.POSITIVE_INFINITY) {
    await promise;
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), Math.max(0, ms));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
