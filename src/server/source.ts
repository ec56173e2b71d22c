import { hostname } from 'node:os';
import type { NameSnapshot, PoolStats, ThreadPool } from '../index.js';
import type { Keys, PartCounts } from './keys.js';
import type { Lifecycle } from './lifecycle.js';

export type { PartCounts } from './keys.js';

/** A part's figures at one instant: cumulative counts, and tasks waiting and running now. */
export interface PartReading extends PartCounts {
  readonly waiting: number;
  readonly running: number;
}

/** One worker host: the local process, or, for a cluster, each host that runs tasks. */
export interface HostRow {
  readonly host: string;
  readonly threads: number;
  readonly maxThreads: number;
  readonly running: number;
  readonly waiting: number;
  /** Running tasks / task slots, 0..1. */
  readonly utilization: number;
  /** Mean event-loop utilization of its threads, 0..1; `null` when unknown. */
  readonly eventLoopUtilization: number | null;
  readonly healthy: boolean;
  readonly error?: string;
  /** A cluster's host: its id and pid, whether it is `live`, `stale` (late) or `gone`, and when (epoch ms). */
  readonly id?: string;
  readonly pid?: number;
  readonly status?: 'live' | 'stale' | 'gone';
  readonly lastSeen?: number;
  readonly staleSince?: number;
  readonly goneSince?: number;
  /** A cluster's host: jobs it completed and failed since it started, and ended per second. */
  readonly completed?: number;
  readonly failed?: number;
  readonly throughput?: number;
  readonly draining?: boolean;
}

/**
 * What the dashboard reads each sample: cumulative counters and histogram buckets (so any
 * window is the difference of two readings, and readings of several hosts add up), and
 * gauges. A local pool is one source; a cluster source would sum its hosts' counters and
 * buckets and list each host as a row of `hosts`.
 */
export interface Reading {
  /** Clock ms (the server's `clock`). */
  readonly at: number;
  readonly all: PartReading & {
    /** Failed attempts tried again. */
    readonly retried: number;
    /** Waiting out a retry backoff. */
    readonly delayed: number;
    /** Running an attempt after the first. */
    readonly retrying: number;
  };
  readonly threads: number;
  readonly maxThreads: number;
  readonly utilization: number;
  readonly paused: boolean;
  readonly closed: boolean;
  readonly healthy: boolean;
  readonly error?: string;
  readonly names: ReadonlyMap<string, PartReading>;
  readonly keys: ReadonlyMap<string, PartReading>;
  readonly hosts: readonly HostRow[];
}

export interface DashboardSource {
  /** The reading now (a source that reads a remote store gives its last `refresh`). */
  read(): Reading;
  /** Reads the remote store before each sample; never rejects, bounded in time. */
  refresh?(): Promise<void>;
}

/** A `ThreadPool` in this process, with what this server saw of its tasks. */
export class LocalSource implements DashboardSource {
  readonly #pool: Pick<ThreadPool, 'stats'>;
  readonly #lifecycle: Lifecycle;
  readonly #keys: Keys;
  readonly #now: () => number;
  readonly #host = hostname();

  constructor(
    pool: Pick<ThreadPool, 'stats'>,
    lifecycle: Lifecycle,
    keys: Keys,
    now: () => number,
  ) {
    this.#pool = pool;
    this.#lifecycle = lifecycle;
    this.#keys = keys;
    this.#now = now;
  }

  read(): Reading {
    const s = this.#pool.stats();
    // One pass over the tasks in flight: per-name and per-key gauges, delayed and retrying.
    const gauges = new Map<string, { waiting: number; running: number }>();
    const bump = (k: string, state: string): void => {
      let g = gauges.get(k);
      if (g === undefined) {
        g = { waiting: 0, running: 0 };
        gauges.set(k, g);
      }
      if (state === 'running') g.running++;
      else if (state === 'waiting') g.waiting++;
    };
    let delayed = 0;
    let retrying = 0;
    for (const e of this.#lifecycle.entries()) {
      if (e.state === 'delayed') delayed++;
      else if (e.state === 'running' && e.attempt > 1) retrying++;
      if (e.name !== undefined) bump(`n:${e.name}`, e.state);
      const key = e.submitted?.key;
      if (key !== undefined) bump(`k:${key}`, e.state);
    }
    const gauge = (k: string) => gauges.get(k) ?? { waiting: 0, running: 0 };
    const names = new Map<string, PartReading>();
    for (const [name, n] of Object.entries(s.byName)) {
      names.set(name, { ...counts(n), ...gauge(`n:${name}`) });
    }
    const keys = new Map<string, PartReading>();
    for (const [key, k] of this.#keys.read()) keys.set(key, { ...k, ...gauge(`k:${key}`) });
    return {
      at: this.#now(),
      all: { ...counts(s), waiting: s.queued, running: s.running, delayed, retrying },
      threads: s.workers,
      maxThreads: s.concurrency.max,
      utilization: s.utilization,
      paused: s.paused,
      closed: s.closed,
      healthy: s.healthy,
      ...(s.error === undefined ? {} : { error: s.error }),
      names,
      keys,
      hosts: [this.#row(s)],
    };
  }

  #row(s: PoolStats): HostRow {
    const threads = (s.details?.threads ?? []) as { eventLoopUtilization?: number }[];
    const elu = threads.map((t) => t.eventLoopUtilization ?? 0);
    return {
      host: this.#host,
      threads: s.workers,
      maxThreads: s.concurrency.max,
      running: s.running,
      waiting: s.queued,
      utilization: s.utilization,
      eventLoopUtilization:
        elu.length === 0 ? null : round(elu.reduce((a, b) => a + b, 0) / elu.length),
      healthy: s.healthy,
      ...(s.error === undefined ? {} : { error: s.error }),
    };
  }
}

function counts(n: NameSnapshot): PartCounts & { retried: number } {
  return {
    completed: n.completed,
    failed: n.failed,
    timedOut: n.timedOut,
    cancelled: n.cancelled,
    dropped: n.dropped,
    rejected: n.rejected,
    retried: n.retried,
    total: n.totalTime.buckets ?? [],
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
