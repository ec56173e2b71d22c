/**
 * Fair share by `key` across worker hosts, on plain BullMQ (no Pro groups, no script of
 * ours). A job with a key waits in that key's own BullMQ queue (`keyQueue`). Each host
 * takes keyed jobs with BullMQ's manual fetching (`Worker.getNextJob` without blocking,
 * then `Worker.processJob`, which completes, fails or retries the job as BullMQ's own
 * loop would), one job per free slot, choosing the key by deficit round robin over the
 * keys that have jobs waiting (turns.ts), weighted by `fairness.weights`. So while keys
 * are backlogged, every host's starts follow the weights, and so do the cluster's.
 * `fairness.maxPerKey` is BullMQ's global concurrency of each key's queue: its
 * `moveToActive` script refuses to start a job past it, on every host at once.
 *
 * Which keys have work: the set `keyed` (every key a pool has used), read at start and
 * every `keyPoll` ms; a pool rings `ring` with the key after each add, so an idle host
 * fetches at once. A key's queue found empty leaves the turns until it rings again or the
 * next poll (which also finds delayed jobs and retries that came due). A key's BullMQ
 * Worker shares the host's command connection (no blocking connection: it never blocks),
 * runs BullMQ's stalled check, and has its held jobs' locks renewed here.
 */
import type { ConnectionOptions, Job, QueueBaseOptions, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { keyQueue } from './keys.js';
import { bullmq } from './peers.js';
import type { Processor } from './processor.js';
import type { Turns } from './turns.js';

export interface LaneOptions {
  readonly queue: string;
  readonly prefix: string;
  readonly concurrency: number;
  readonly lockDuration: number;
  readonly stalledInterval: number;
  readonly maxStalledCount: number;
  readonly maxPerKey: number;
  /** The ring channel (keys.ts). */
  readonly ring: string;
}

interface Share {
  readonly worker: Worker;
  /** Jobs of this key the host holds: job id to lock token. */
  readonly held: Map<string, string>;
  /** The key's cap (`maxPerKey`) is set in Redis: its jobs may be fetched. */
  capped: boolean;
  /** The write of the cap under way. */
  capping: Promise<boolean> | undefined;
}

const noop = (): void => {};

export class KeyedLane {
  readonly #o: LaneOptions;
  readonly #client: Redis;
  readonly #processor: Processor;
  readonly #turns: Turns;
  readonly #id: string;
  readonly #shares = new Map<string, Share>();
  readonly #renew: NodeJS.Timeout;
  #running = 0;
  #tokens = 0;
  #fetching = false;
  #again = false;
  #stopped = false;

  constructor(o: LaneOptions, client: Redis, processor: Processor, turns: Turns, id: string) {
    this.#o = o;
    this.#client = client;
    this.#processor = processor;
    this.#turns = turns;
    this.#id = id;
    // BullMQ's own worker renews at half the lock duration.
    this.#renew = setInterval(() => this.#renewLocks(), Math.max(1, o.lockDuration / 2));
    // Back from an outage: fetch again (a cap that failed to be set is set first).
    client.on('ready', this.#fill);
  }

  /** Keyed jobs this host runs now. */
  get running(): number {
    return this.#running;
  }

  /** Keys that may have jobs waiting (the `keyed` set, or a ring): fetch from them. */
  wake(keys: Iterable<string>): void {
    if (this.#stopped) return;
    for (const key of keys) {
      this.#share(key);
      this.#turns.add(key);
    }
    this.#fill();
  }

  /** Stops taking keyed jobs (jobs running go on). */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#renew);
    this.#client.off('ready', this.#fill);
  }

  /** Closes the keys' BullMQ workers (after `stop`, once nothing runs). */
  async close(): Promise<void> {
    this.stop();
    await Promise.all([...this.#shares.values()].map((s) => s.worker.close(true).catch(noop)));
  }

  #share(key: string): Share {
    let share = this.#shares.get(key);
    if (share !== undefined) return share;
    const o = this.#o;
    const name = keyQueue(o.queue, key);
    // The host's connection for commands; no blocking connection (this worker never blocks).
    const connection = this.#client as unknown as ConnectionOptions;
    const worker = new bullmq.Worker(
      name,
      this.#processor.process,
      {
        connection,
        prefix: o.prefix,
        autorun: false,
        lockDuration: o.lockDuration,
        stalledInterval: o.stalledInterval,
        maxStalledCount: o.maxStalledCount,
      },
      (n: string, opts: QueueBaseOptions, f?: { readonly blocking?: boolean }) =>
        bullmq.createRedisBackend(n, opts, { ...f, withBlockingConnection: false }),
    );
    worker.on('error', noop);
    worker.startStalledCheckTimer().catch(noop);
    share = {
      worker,
      held: new Map(),
      capped: o.maxPerKey === Number.POSITIVE_INFINITY,
      capping: undefined,
    };
    this.#shares.set(key, share);
    return share;
  }

  /**
   * Sets the key's cap in Redis (BullMQ's global concurrency of its queue) unless it is
   * set; false if that failed (Redis away, or refusing writes): the key is not fetched
   * uncapped, and the cap is tried again at its next fetch (a ring, the next poll, or the
   * connection's return).
   */
  #cap(key: string, share: Share): Promise<boolean> {
    if (share.capped) return Promise.resolve(true);
    share.capping ??= (async () => {
      const queue = new bullmq.Queue(keyQueue(this.#o.queue, key), {
        connection: this.#client as unknown as ConnectionOptions,
        prefix: this.#o.prefix,
      });
      queue.on('error', noop);
      try {
        await queue.setGlobalConcurrency(this.#o.maxPerKey);
        share.capped = true;
      } catch {
      } finally {
        share.capping = undefined;
        queue.close().catch(noop);
      }
      return share.capped;
    })();
    return share.capping;
  }

  /** Takes jobs while a slot is free, one key's queue at a time, in DRR order. */
  readonly #fill = (): void => {
    if (this.#stopped) return;
    if (this.#fetching) {
      this.#again = true;
      return;
    }
    this.#fetching = true;
    this.#fetch()
      .catch(noop)
      .finally(() => {
        this.#fetching = false;
        if (this.#again) {
          this.#again = false;
          this.#fill();
        }
      });
  };

  async #fetch(): Promise<void> {
    while (!this.#stopped && this.#running < this.#o.concurrency) {
      const key = this.#turns.next();
      if (key === undefined) return;
      const share = this.#share(key);
      const token = `${this.#id}:k${++this.#tokens}`;
      let job: Job | undefined;
      try {
        if (!(await this.#cap(key, share))) return; // tried again at the next fetch
        job = await share.worker.getNextJob(token, { block: false });
      } catch {
        return; // Redis is away: the next poll tries again
      }
      if (job?.id === undefined) {
        // Empty, or at its maxPerKey: out of the turns until it rings or the next poll.
        this.#turns.remove(key);
        continue;
      }
      this.#run(key, share, job, token);
    }
  }

  #run(key: string, share: Share, job: Job, token: string): void {
    const id = job.id ?? '';
    this.#running++;
    share.held.set(id, token);
    share.worker
      .processJob(job, token, () => false)
      .catch(noop)
      .finally(() => {
        this.#running--;
        share.held.delete(id);
        // Ring the key for the other hosts when this one stops (the job may have been
        // handed back) or when a cluster-wide cap may have kept one waiting for this slot.
        if (this.#stopped || this.#o.maxPerKey !== Number.POSITIVE_INFINITY)
          this.#client.publish(this.#o.ring, key).catch(noop);
        if (this.#stopped) return;
        this.#turns.add(key); // a slot is free, and the key may have more
        this.#fill();
      });
  }

  #renewLocks(): void {
    for (const share of this.#shares.values()) {
      if (share.held.size === 0) continue;
      share.worker
        .extendJobLocks([...share.held.keys()], [...share.held.values()], this.#o.lockDuration)
        .catch(noop);
    }
  }
}
