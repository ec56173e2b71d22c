/**
 * The queue's job counts over all its lanes: the queue itself and the queue of every
 * fair-share key any pool has used (the `keyed` set). One read of the set and one BullMQ
 * count per lane.
 */
import { keyQueue, keys } from './keys.js';
import type { NormalizedRedisQueueOptions } from './options.js';
import { laneOf, type Parts } from './parts.js';
import type { JobCounts } from './types.js';

async function lanes(parts: Parts, o: NormalizedRedisQueueOptions) {
  const keyed = await parts.client.smembers(keys(o.prefix, o.queue).keyed);
  return [o.queue, ...keyed.map((key) => keyQueue(o.queue, key))].map((name) =>
    laneOf(parts, o, name),
  );
}

/** Jobs waiting to start (waiting, prioritized, delayed, paused), all lanes together. */
export async function waitingJobs(parts: Parts, o: NormalizedRedisQueueOptions): Promise<number> {
  const counts = await Promise.all((await lanes(parts, o)).map((l) => l.queue.count()));
  return counts.reduce((a, b) => a + b, 0);
}

/** BullMQ's job counts by state, all lanes added up. */
export async function jobCounts(parts: Parts, o: NormalizedRedisQueueOptions): Promise<JobCounts> {
  const all = await Promise.all((await lanes(parts, o)).map((l) => l.queue.getJobCounts()));
  const sum: Record<string, number> = {};
  for (const counts of all)
    for (const [state, n] of Object.entries(counts)) sum[state] = (sum[state] ?? 0) + n;
  return sum;
}
