/**
 * Worker adverts: each worker host writes what it runs and how it is (handlers, threads,
 * health, counts) under a key whose TTL its heartbeat renews, so a host that dies drops
 * out by itself once the TTL runs out (Redis's clock, not the hosts'). Pools read them to
 * refuse unknown handler names at submit and to show the cluster in `stats()`.
 */
import type { Redis } from 'ioredis';
import type { Percentiles } from '../index.js';
import type { HistogramDump } from '../internal.js';
import { RedisConfigError } from './errors.js';
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
  /** Its BullMQ `stalledInterval` (ms): every host of a queue has the same (see `checkStalledInterval`). */
  readonly stalledInterval: number;
  /** Jobs it runs now. */
  readonly running: number;
  /** Jobs it completed, attempts that failed (retried ones included), and of those the retried. */
  readonly completed: number;
  readonly failed: number;
  readonly retried: number;
  /** Jobs it ended (completed or failed) per second, over its last heartbeat interval. */
  readonly throughput: number;
  /** Submit to start (the caller's clock against its own) and run time, of its jobs. */
  readonly waitTime: Percentiles;
  readonly runTime: Percentiles;
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

/** An advert as written: with its histograms' data, which pools merge across hosts. */
export interface AdvertRecord extends WorkerAdvert {
  readonly histograms: { readonly wait: HistogramDump; readonly run: HistogramDump };
}

/** The advert without the histograms' data (what `stats().workers` shows). */
export function publicAdvert(record: AdvertRecord): WorkerAdvert {
  const { histograms: _, ...advert } = record;
  return advert;
}

/**
 * Writes a host's advert and, in the same step (one Lua script, so two hosts that start
 * at the same moment are taken one after the other), looks for a live advert of the queue
 * with another `stalledInterval`: returns that advert, or undefined. With `refuse` (a
 * host's first advert) a conflict writes nothing, so of two unlike hosts starting together
 * the second is refused whatever the timing; without it (heartbeats) the advert is written
 * anyway and the conflict is reported after the fact (a host that came back after its
 * advert expired, or a host of an older version that does not check).
 */
export async function advertise(
  client: Redis,
  keys: Keys,
  advert: AdvertRecord,
  ttlMs: number,
  refuse = false,
): Promise<WorkerAdvert | undefined> {
  const other = (await client.eval(
    ADVERTISE,
    2,
    keys.workers,
    keys.worker(advert.id),
    JSON.stringify(advert),
    Math.max(1, Math.round(ttlMs)),
    advert.id,
    keys.worker(''),
    advert.stalledInterval,
    refuse ? 1 : 0,
  )) as string | null;
  if (other === null) return undefined;
  try {
    return publicAdvert(JSON.parse(other) as AdvertRecord);
  } catch {
    return undefined;
  }
}

/**
 * KEYS: the workers set, this host's advert key. ARGV: its advert, TTL ms, id, the advert
 * keys' prefix, its stalledInterval, 1 to write nothing on a conflict. The interval is read
 * from each advert's JSON text as `JSON.stringify` writes it (a number as `String` writes
 * it, which is how ioredis sends ARGV[5]; adverts without one pass).
 */
const ADVERTISE = `
local other = nil
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if id ~= ARGV[3] then
    local advert = redis.call('GET', ARGV[4] .. id)
    local interval = advert and string.match(advert, '"stalledInterval":([-+.%deE]+)')
    if interval and tonumber(interval) ~= tonumber(ARGV[5]) then
      other = advert
      break
    end
  end
end
if other and ARGV[6] == '1' then return other end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[1], ARGV[3])
return other
`;

export async function withdraw(client: Redis, keys: Keys, id: string): Promise<void> {
  await client.multi().del(keys.worker(id)).srem(keys.workers, id).exec();
}

/** The live adverts; ids whose advert expired are removed from the set. */
export async function readAdverts(client: Redis, keys: Keys): Promise<AdvertRecord[]> {
  const ids = await client.smembers(keys.workers);
  if (ids.length === 0) return [];
  const values = await client.mget(...ids.map((id) => keys.worker(id)));
  const live: AdvertRecord[] = [];
  const gone: string[] = [];
  values.forEach((value, i) => {
    const id = ids[i];
    if (id === undefined) return;
    if (value === null) gone.push(id);
    else {
      try {
        live.push(JSON.parse(value) as AdvertRecord);
      } catch {
        gone.push(id);
      }
    }
  });
  if (gone.length > 0) await client.srem(keys.workers, ...gone);
  return live;
}

/**
 * Pure: refuses a host whose `stalledInterval` differs from a live host's of the same
 * queue. BullMQ runs at most one stalled-job check per `stalledInterval` of whichever host
 * checked last (a queue-wide key with that TTL), so with mixed intervals the longest one
 * can hold back every host's recovery of a crashed host's jobs (measured: ~28 s instead of
 * ~2 s, BENCHMARKS.md). Adverts without the field (older hosts) are passed over.
 */
export function checkStalledInterval(
  adverts: readonly WorkerAdvert[],
  stalledInterval: number,
): void {
  const other = adverts.find(
    (a) => a.stalledInterval !== undefined && a.stalledInterval !== stalledInterval,
  );
  if (other === undefined) return;
  throw new RedisConfigError(
    'stalledInterval',
    `Expected \`stalledInterval\` to be ${other.stalledInterval} ms, as on the queue's live host ${other.hostname} (pid ${other.pid}), got ${stalledInterval} ms: BullMQ checks a queue for stalled jobs at most once per interval of the host that checked last, so every host of a queue must have the same`,
  );
}

/** Pure: the RedisConfigError message of a host with `stalledInterval` unlike `other`'s ('' if alike). */
export function stalledConflict(other: WorkerAdvert, stalledInterval: number): string {
  try {
    checkStalledInterval([other], stalledInterval);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}
