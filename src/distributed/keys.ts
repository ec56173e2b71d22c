/**
 * The Redis keys workpool adds next to BullMQ's (all under BullMQ's `prefix:queue:`, so one
 * queue stays on one Cluster shard when the prefix holds a hash tag), and the BullMQ keys
 * it reads. BullMQ's own layout: `prefix:queue:<jobId>` is a job's hash, `completed` and
 * `failed` are sorted sets of job ids.
 */
export interface Keys {
  /** Set of the ids of advertised workers. */
  readonly workers: string;
  /** A worker's advert (JSON), with a TTL its heartbeat renews. */
  worker(id: string): string;
  /** Pub/sub channel of cancel requests (the message is a job id). */
  readonly cancel: string;
  /** Set of the fair-share keys jobs were submitted with (each has its own queue, `keyQueue`). */
  readonly keyed: string;
  /** Pub/sub channel: a job was added to a key's queue (the message is the key). */
  readonly ring: string;
  job(id: string): string;
  readonly completed: string;
  readonly failed: string;
}

export function keys(prefix: string, queue: string): Keys {
  const base = `${prefix}:${queue}:`;
  return {
    workers: `${base}wp:workers`,
    worker: (id) => `${base}wp:worker:${id}`,
    cancel: `${base}wp:cancel`,
    keyed: `${base}wp:keyed`,
    ring: `${base}wp:ring`,
    job: (id) => `${base}${id}`,
    completed: `${base}completed`,
    failed: `${base}failed`,
  };
}

/**
 * The BullMQ queue of fair-share key `key` on queue `queue`: `queue~<key, URI-encoded>`.
 * Queue names have no `~` (the options refuse it), so no key's queue is another queue, and
 * the key's `:` is encoded (BullMQ refuses it in a name). Under the same prefix, so on a
 * Cluster with a hash-tagged prefix every key's queue is on the queue's shard.
 */
export function keyQueue(queue: string, key: string): string {
  return `${queue}~${encodeURIComponent(key)}`;
}
