/**
 * `startWorker`: a worker host. A BullMQ `Worker` takes jobs from the queue and hands each
 * to a local ThreadPool (see processor.ts); the host advertises its handlers and health in
 * Redis (a key its heartbeat renews), listens for cancel messages, and on `close` stops
 * taking jobs, drains within a deadline, and hands what still runs back to the queue at
 * once, so other hosts take it without waiting for BullMQ's stalled-job check.
 *
 * Over 300 lines: the host's life (start, advertise, recover, drain) is one class whose
 * steps share its state; the parts that stand alone are in their own files.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ConnectionOptions, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { ThreadPool } from '../index.js';
import { checks as v } from '../internal.js';
import {
  advertise,
  checkStalledInterval,
  readAdverts,
  stalledConflict,
  type WorkerAdvert,
  withdraw,
} from './adverts.js';
import { checkCluster, checkEviction, clientOptions, connect, quit, within } from './connection.js';
import { KeyedLane } from './keyed-lane.js';
import { type Keys, keys } from './keys.js';
import { bullmq } from './peers.js';
import { Processor } from './processor.js';
import { Turns } from './turns.js';
import { Watchdog } from './watchdog.js';
import { normalizeWorkerOptions, type WorkerOptions } from './worker-options.js';

const closeKeys: ReadonlySet<string> = new Set(['timeout']);

export type { WorkerOptions };

/** A running worker host. */
export interface DistributedWorker extends AsyncDisposable {
  readonly id: string;
  /** Handler names its task module exports. */
  readonly handlers: readonly string[];
  /** Its advert as last written. */
  advert(): WorkerAdvert;
  /**
   * Stops taking jobs, lets running ones finish for up to `timeout` ms, then hands the rest
   * back to the queue (moved to wait, for another host), and disconnects. Returns within
   * `timeout` + 2 s even when Redis is gone. @default timeout 30_000
   */
  close(options?: { readonly timeout?: number }): Promise<void>;
}

const noop = (): void => {};

/** Starts a worker host; rejects `RedisUnavailableError`, `RedisConfigError` or `TaskModuleError`. */
export async function startWorker(options: WorkerOptions): Promise<DistributedWorker> {
  const o = normalizeWorkerOptions(options);
  const k = keys(o.prefix, o.queue);
  const client = await connect(o, `workpool:worker:${o.queue}`);
  client.setMaxListeners(0); // each key's BullMQ worker listens on it (keyed-lane.ts)
  let threads: ThreadPool | undefined;
  let subscriber: Redis | undefined;
  try {
    await checkEviction(client);
    await checkCluster(client, o.prefix, o.queue);
    checkStalledInterval(await readAdverts(client, k), o.stalledInterval);
    threads = new ThreadPool({
      module: o.module,
      minThreads: o.threads,
      maxThreads: o.threads,
      killGrace: o.killGrace,
      // Room in the threads for every job the host takes: jobs that arrive together travel
      // to a thread in one message (turn.ts) rather than one by one as slots free.
      prefetch: Math.max(1, Math.ceil(o.concurrency / o.threads) - 1),
    });
    const handlers = [...(await threads.handlers())]; // rejects TaskModuleError
    subscriber = client.duplicate({ connectionName: `workpool:cancel:${o.queue}` });
    subscriber.on('error', noop);
    await subscriber.subscribe(k.cancel, k.ring);
    const host = new Host(o, k, client, subscriber, threads, handlers);
    // Advertised before it takes a job and before it is returned: pools see its handlers,
    // hosts its settings; refused (RedisConfigError) if a live host's settings differ.
    await host.start();
    return host;
  } catch (error) {
    await threads?.terminate();
    if (subscriber !== undefined) await quit(subscriber, 1000);
    await quit(client, 1000);
    throw error;
  }
}

class Host implements DistributedWorker {
  readonly id = randomUUID();
  readonly handlers: readonly string[];
  readonly #o: ReturnType<typeof normalizeWorkerOptions>;
  readonly #keys: Keys;
  readonly #client: Redis;
  readonly #subscriber: Redis;
  readonly #threads: ThreadPool;
  readonly #processor: Processor;
  /** Set by `start`, as are the watchdog and the timers. */
  #worker!: Worker;
  readonly #lane: KeyedLane;
  /** The queue on the host's client, for the watchdog's counts. */
  readonly #queue: Queue;
  #watchdog!: Watchdog;
  /** Jobs the BullMQ worker (unkeyed jobs) started, and those it runs now. */
  #starts = 0;
  #running = 0;
  #recoveries = 0;
  /** Jobs ended per second over the last heartbeat interval, and where it was measured from. */
  #throughput = 0;
  #rateFrom: [ended: number, at: number] = [0, performance.now()];
  /** Drops a BullMQ worker replaced by a recovery (once its jobs ended, or at close). */
  readonly #retiring = new Set<() => void>();
  #heartbeat: NodeJS.Timeout | undefined;
  #keyPoll: NodeJS.Timeout | undefined;
  /** Why a heartbeat found this host unlike a live one of its queue (after the fact). */
  #conflict: string | undefined;
  readonly #startedAt = Date.now();
  #started = false;
  #draining = false;
  #closing: Promise<void> | undefined;

  constructor(
    o: ReturnType<typeof normalizeWorkerOptions>,
    k: Keys,
    client: Redis,
    subscriber: Redis,
    threads: ThreadPool,
    handlers: readonly string[],
  ) {
    this.#o = o;
    this.#keys = k;
    this.#client = client;
    this.#subscriber = subscriber;
    this.#threads = threads;
    this.handlers = handlers;
    this.#processor = new Processor(threads);
    const weights = o.weights;
    this.#lane = new KeyedLane(
      { ...o, ring: k.ring },
      client,
      this.#processor,
      new Turns((key) => weights?.get(key) ?? 1),
      this.id,
    );
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === k.cancel) this.#processor.cancel(message);
      else if (channel === k.ring && this.#started) this.#lane.wake([message]);
    });
    this.#queue = new bullmq.Queue(o.queue, {
      connection: client as unknown as ConnectionOptions,
      prefix: o.prefix,
    });
    this.#queue.on('error', noop);
  }

  /**
   * Writes the first advert, checking in the same Lua script that no live host of the
   * queue has another `stalledInterval` (so of two unlike hosts starting at the same moment
   * one is refused, whatever the timing), then starts taking jobs. Rejects RedisConfigError;
   * Redis not answering within `readyTimeout` is not an error (the heartbeat advertises).
   */
  async start(): Promise<void> {
    const o = this.#o;
    await within(this.#advertise(true), o.readyTimeout);
    const other = this.#refusedBy;
    if (other !== undefined) {
      this.#lane.stop();
      await within(Promise.all([this.#lane.close(), this.#queue.close()]), 1000);
      checkStalledInterval([other], o.stalledInterval); // throws
    }
    this.#started = true;
    this.#worker = this.#bullWorker();
    this.#watchdog = new Watchdog(
      {
        waiting: () => this.#queue.getJobCountByTypes('wait', 'prioritized'),
        starts: () => this.#starts,
        free: () => !this.#draining && this.#running < o.concurrency,
        recover: () => this.#recover(),
      },
      o.clock,
      o.watchdogInterval,
    );
    this.#heartbeat = setInterval(() => this.#advertise(false).catch(noop), o.heartbeat);
    this.#keyPoll = setInterval(() => this.#pollKeys().catch(noop), o.keyPoll);
    this.#pollKeys().catch(noop);
  }

  advert(): WorkerAdvert {
    const stats = this.#threads.stats();
    return {
      id: this.id,
      hostname: hostname(),
      pid: process.pid,
      handlers: this.handlers,
      threads: this.#o.threads,
      concurrency: this.#o.concurrency,
      stalledInterval: this.#o.stalledInterval,
      running: this.#processor.running,
      completed: this.#processor.completed,
      failed: this.#processor.failed,
      retried: this.#processor.retried,
      throughput: this.#throughput,
      waitTime: this.#processor.waitTime.snapshot(),
      runTime: this.#processor.runTime.snapshot(),
      healthy: stats.healthy && !this.#draining && this.#conflict === undefined,
      ...(stats.error === undefined && this.#conflict === undefined
        ? {}
        : { error: [stats.error, this.#conflict].filter(Boolean).join('; ') }),
      draining: this.#draining,
      recoveries: this.#recoveries,
      startedAt: this.#startedAt,
      heartbeatAt: Date.now(),
    };
  }

  close(options: { readonly timeout?: number } = {}): Promise<void> {
    v.closeOptions(options, closeKeys);
    const timeout =
      options.timeout === undefined ? 30_000 : v.number('timeout', options.timeout, 0);
    this.#closing ??= this.#close(timeout);
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The BullMQ worker of unkeyed jobs, on connections of its own. */
  #bullWorker(): Worker {
    const o = this.#o;
    const process = this.#processor.process;
    const worker = new bullmq.Worker(
      o.queue,
      async (job, token) => {
        this.#starts++;
        this.#running++;
        try {
          return await process(job, token);
        } finally {
          this.#running--;
        }
      },
      {
        // Autopipelining: the jobs a thread ends together are finished (and the next ones
        // fetched) in one write to Redis, so they come back together too (turn.ts).
        connection: { ...clientOptions(o.redis), enableAutoPipelining: true } as ConnectionOptions,
        prefix: o.prefix,
        concurrency: o.concurrency,
        lockDuration: o.lockDuration,
        stalledInterval: o.stalledInterval,
        maxStalledCount: o.maxStalledCount,
      },
    );
    worker.on('error', noop);
    return worker;
  }

  /**
   * Wedged (watchdog.ts): a new BullMQ worker on new connections takes over; the old one
   * closes once its jobs end (or is dropped after a lock's time: a job it held then comes
   * back through BullMQ's stalled check); the host's own clients reconnect (ioredis sends
   * again what they had not been answered).
   */
  #recover(): void {
    if (this.#draining) return;
    this.#recoveries++;
    const old = this.#worker;
    this.#worker = this.#bullWorker();
    const drop = (): void => {
      clearTimeout(timer);
      this.#retiring.delete(drop);
      old.disconnect().catch(noop);
    };
    const timer = setTimeout(drop, this.#o.lockDuration);
    timer.unref();
    this.#retiring.add(drop);
    old.close().then(drop, drop);
    this.#client.disconnect(true);
    this.#subscriber.disconnect(true);
  }

  /** Every key that has a queue may have jobs: the lane looks (delayed jobs and retries come due unannounced). */
  async #pollKeys(): Promise<void> {
    this.#lane.wake(await this.#client.smembers(this.#keys.keyed));
  }

  /** The live host whose settings refused this one's first advert. */
  #refusedBy: WorkerAdvert | undefined;

  /** Writes the advert (`first`: only if no live host's settings differ, see `start`). */
  async #advertise(first: boolean): Promise<void> {
    const p = this.#processor;
    const now = performance.now();
    const ended = p.completed + p.failed;
    const [lastEnded, lastAt] = this.#rateFrom;
    if (now > lastAt) this.#throughput = ((ended - lastEnded) * 1000) / (now - lastAt);
    this.#rateFrom = [ended, now];
    const histograms = { wait: p.waitTime.dump(), run: p.runTime.dump() };
    const other = await advertise(
      this.#client,
      this.#keys,
      { ...this.advert(), histograms },
      this.#o.heartbeat * 3,
      first,
    );
    if (first) this.#refusedBy = other;
    else
      this.#conflict =
        other === undefined ? undefined : stalledConflict(other, this.#o.stalledInterval);
  }

  async #close(timeout: number): Promise<void> {
    this.#draining = true;
    this.#watchdog.stop();
    clearInterval(this.#heartbeat);
    clearInterval(this.#keyPoll);
    const worker = this.#worker;
    // Stop taking jobs (without waiting for those that run), and tell pools at once.
    this.#lane.stop();
    await within(worker.pause(true), 1000);
    await within(withdraw(this.#client, this.#keys, this.id), 1000);
    if (!(await within(this.#processor.idle(), timeout))) {
      this.#processor.handBack();
      await within(this.#processor.idle(), 1000);
    }
    if (!(await within(worker.close(), 1000))) worker.disconnect().catch(noop);
    await within(Promise.all([this.#lane.close(), this.#queue.close()]), 1000);
    for (const drop of this.#retiring) drop();
    await this.#threads.terminate();
    await quit(this.#subscriber, 500);
    await quit(this.#client, 500);
  }
}
