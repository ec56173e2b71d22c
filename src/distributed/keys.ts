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
    job: (id) => `${base}${id}`,
    completed: `${base}completed`,
    failed: `${base}failed`,
  };
}
