/**
 * Worker adverts: each worker host writes what it runs and how it is (handlers, threads,
 * health, counts) under a key whose TTL its heartbeat renews, so a host that dies drops
 * out by itself once the TTL runs out (Redis's clock, not the hosts'). Pools read them to
 * refuse unknown handler names at submit and to show the cluster in `stats()`.
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

export interface WorkerAdvert {
  readonly id: string;
  readonly hostname: string;
  readonly pid: number;
  /** Handler names the worker's task module exports. */
  readonly handlers: readonly string[];
  readonly threads: number;
  /** Jobs the worker takes from Redis at once. */
  readonly concurrency: number;
  /** Jobs it runs now. */
  readonly running: number;
  readonly completed: number;
  readonly failed: number;
  /** False when its task module does not load (its ThreadPool is unhealthy) or it is draining. */
  readonly healthy: boolean;
  readonly error?: string;
  readonly draining: boolean;
  /** Times its watchdog found it wedged (receiving no work while jobs waited) and reconnected. */
  readonly recoveries: number;
  /** Epoch ms (the worker's clock). */
  readonly startedAt: number;
  readonly heartbeatAt: number;
}

export async function advertise(
  client: Redis,
  keys: Keys,
  advert: WorkerAdvert,
  ttlMs: number,
): Promise<void> {
  await client
    .multi()
    .set(keys.worker(advert.id), JSON.stringify(advert), 'PX', Math.max(1, Math.round(ttlMs)))
    .sadd(keys.workers, advert.id)
    .exec();
}

export async function withdraw(client: Redis, keys: Keys, id: string): Promise<void> {
  await client.multi().del(keys.worker(id)).srem(keys.workers, id).exec();
}

/** The live adverts; ids whose advert expired are removed from the set. */
export async function readAdverts(client: Redis, keys: Keys): Promise<WorkerAdvert[]> {
  const ids = await client.smembers(keys.workers);
  if (ids.length === 0) return [];
  const values = await client.mget(...ids.map((id) => keys.worker(id)));
  const live: WorkerAdvert[] = [];
  const gone: string[] = [];
  values.forEach((value, i) => {
    const id = ids[i];
    if (id === undefined) return;
    if (value === null) gone.push(id);
    else {
      try {
        live.push(JSON.parse(value) as WorkerAdvert);
      } catch {
        gone.push(id);
      }
    }
  });
  if (gone.length > 0) await client.srem(keys.workers, ...gone);
  return live;
}
