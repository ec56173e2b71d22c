/**
 * A DistributedPool's connections: its own ioredis client (adverts, reconciliation,
 * cancel messages), and for each BullMQ queue it uses (the queue, and each fair-share
 * key's queue) a `Queue` to add jobs, on that same client, and a `QueueEvents` reading the
 * queue's events stream, on a connection of its own (it blocks). The queue's lane opens
 * with the pool, within `readyTimeout`; a key's lane at its first job. All close together
 * within a deadline.
 */
import type { ConnectionOptions, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { PoolClosedError } from '../index.js';
import { checkCluster, checkEviction, clientOptions, connect, quit, within } from './connection.js';
import { RedisUnavailableError } from './errors.js';
import type { NormalizedRedisQueueOptions } from './options.js';
import { bullmq } from './peers.js';

/** One BullMQ queue as the pool uses it. */
export interface Lane {
  readonly name: string;
  readonly queue: Queue;
  /** Its events stream, opened before the first job the pool adds to it. */
  events: QueueEvents | undefined;
  opening: Promise<void> | undefined;
}

export interface Parts {
  readonly client: Redis;
  /** The queue's own lane (unkeyed jobs). */
  readonly main: Lane;
  /** Every lane by queue name, the main one included. */
  readonly lanes: Map<string, Lane>;
}

const noop = (): void => {};

/** Connects and checks Redis; `stopped()` true meanwhile (the pool closed) undoes it all. */
export async function openParts(
  o: NormalizedRedisQueueOptions,
  stopped: () => boolean,
): Promise<Parts> {
  const started = performance.now();
  const client = await connect(o, `workpool:pool:${o.queue}`);
  client.setMaxListeners(0); // each lane's Queue listens on it
  let parts: Parts | undefined;
  try {
    if (stopped()) throw new PoolClosedError();
    await checkEviction(client);
    await checkCluster(client, o.prefix, o.queue);
    // Autopipelined: the adds of one synchronous stretch of submits go to Redis in one
    // write (and Redis reads them in one), not one write per job.
    const own = { ...clientOptions(o.redis), enableAutoPipelining: true } as ConnectionOptions;
    const main = lane(client, o, o.queue, own);
    parts = { client, main, lanes: new Map([[o.queue, main]]) };
    await openEvents(parts, o, main, noop);
    const events = main.events as QueueEvents;
    const left = o.readyTimeout - (performance.now() - started);
    const ready = await within(
      Promise.all([main.queue.waitUntilReady(), events.waitUntilReady()]),
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

/** The lane of queue `name` (made on first use; it shares the pool's client). */
export function laneOf(parts: Parts, o: NormalizedRedisQueueOptions, name: string): Lane {
  let l = parts.lanes.get(name);
  if (l === undefined) {
    l = lane(parts.client, o, name);
    parts.lanes.set(name, l);
  }
  return l;
}

function lane(
  client: Redis,
  o: NormalizedRedisQueueOptions,
  name: string,
  own?: ConnectionOptions,
): Lane {
  const queue = new bullmq.Queue(name, {
    connection: own ?? (client as unknown as ConnectionOptions),
    prefix: o.prefix,
  });
  queue.on('error', noop);
  return { name, queue, events: undefined, opening: undefined };
}

/**
 * Opens `l`'s events stream (once; `listen` gets it first), read from its end as of now,
 * so no event between now and QueueEvents' first read is missed ('$' would start at that
 * first read). Await it before the lane's first job is added.
 */
export function openEvents(
  parts: Parts,
  o: NormalizedRedisQueueOptions,
  l: Lane,
  listen: (events: QueueEvents) => void,
): Promise<void> {
  l.opening ??= (async () => {
    const stream = `${o.prefix}:${l.name}:events`;
    const last = await parts.client.xrevrange(stream, '+', '-', 'COUNT', 1);
    const events = new bullmq.QueueEvents(l.name, {
      connection: clientOptions(o.redis) as ConnectionOptions,
      prefix: o.prefix,
      lastEventId: last[0]?.[0] ?? '0-0',
    });
    events.on('error', noop);
    listen(events);
    l.events = events;
  })().catch((error: unknown) => {
    l.opening = undefined; // the next job tries again
    throw error;
  });
  return l.opening;
}

/** Closes BullMQ's connections and ours within `ms`, dropping the sockets past it. */
export async function closeParts(parts: Parts, ms: number): Promise<void> {
  const start = performance.now();
  const lanes = [...parts.lanes.values()];
  const closing = lanes.flatMap((l) => [l.queue.close(), ...(l.events ? [l.events.close()] : [])]);
  const closed = await within(Promise.all(closing), ms);
  if (!closed) {
    for (const l of lanes) {
      l.events?.disconnect().catch(noop);
      l.queue.disconnect().catch(noop);
    }
  }
  await quit(parts.client, Math.max(0, ms - (performance.now() - start)));
}
