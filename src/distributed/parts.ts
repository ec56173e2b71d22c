/**
 * A DistributedPool's connections: its own ioredis client (adverts, reconciliation,
 * cancel messages), a BullMQ `Queue` to add jobs, and a `QueueEvents` reading the queue's
 * events stream. Opened together within `readyTimeout`, closed together within a deadline.
 */
import type { ConnectionOptions, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { PoolClosedError } from '../index.js';
import { checkEviction, clientOptions, connect, quit, within } from './connection.js';
import { RedisUnavailableError } from './errors.js';
import type { NormalizedRedisQueueOptions } from './options.js';
import { bullmq } from './peers.js';

export interface Parts {
  readonly client: Redis;
  readonly queue: Queue;
  readonly events: QueueEvents;
}

const noop = (): void => {};

/** Connects and checks Redis; `stopped()` true meanwhile (the pool closed) undoes it all. */
export async function openParts(
  o: NormalizedRedisQueueOptions,
  stopped: () => boolean,
): Promise<Parts> {
  const started = performance.now();
  const client = await connect(o, `workpool:pool:${o.queue}`);
  let parts: Parts | undefined;
  try {
    if (stopped()) throw new PoolClosedError();
    await checkEviction(client);
    const connection = clientOptions(o.redis) as ConnectionOptions;
    // Read the events stream from its end as of now, so no event between now and
    // QueueEvents' first read is missed ('$' would start at that first read).
    const last = await client.xrevrange(`${o.prefix}:${o.queue}:events`, '+', '-', 'COUNT', 1);
    const queue = new bullmq.Queue(o.queue, { connection, prefix: o.prefix });
    const events = new bullmq.QueueEvents(o.queue, {
      connection,
      prefix: o.prefix,
      lastEventId: last[0]?.[0] ?? '0-0',
    });
    queue.on('error', noop);
    events.on('error', noop);
    parts = { client, queue, events };
    const left = o.readyTimeout - (performance.now() - started);
    const ready = await within(
      Promise.all([queue.waitUntilReady(), events.waitUntilReady()]),
      left,
    );
    if (stopped()) throw new PoolClosedError();
    if (!ready) throw new RedisUnavailableError(o.address, o.readyTimeout);
    return parts;
  } catch (error) {
    if (parts !== undefined) await closeParts(parts, 1000);
    else await quit(client, 1000);
    throw error;
  }
}

/** Closes BullMQ's connections and ours within `ms`, dropping the sockets past it. */
export async function closeParts(parts: Parts, ms: number): Promise<void> {
  const start = performance.now();
  const closed = await within(Promise.all([parts.events.close(), parts.queue.close()]), ms);
  if (!closed) {
    parts.events.disconnect().catch(noop);
    parts.queue.disconnect().catch(noop);
  }
  await quit(parts.client, Math.max(0, ms - (performance.now() - start)));
}
