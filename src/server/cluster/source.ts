/**
 * The dashboard's source for a whole cluster (`serve({ cluster })`): each sample reads the
 * queue through a `ClusterAdmin` (a bounded number of Redis commands, see admin.ts) and
 * the host book turns the adverts into rows (live, stale, gone) and totals that survive
 * hosts. Counters are the hosts' own (their adverts), so throughput and latency are over
 * jobs that ran, whoever submitted them; the latency histogram is run time (start to end
 * on a host): the hosts' histograms add up exactly, submit-to-end does not exist in Redis.
 *
 * Redis down: the read fails at once (not connected) or after the admin's timeout, the
 * reading says so (`healthy: false`, `redis.error`), the last figures stay, and the next
 * sample tries again.
 */

import {
  type ClusterAdmin,
  type ClusterRead,
  type ClusterStats,
  clusterStats,
} from '../../distributed/index.js';
import type { HostRow, Reading } from '../source.js';
import { HostBook, type HostState } from './hosts.js';

const noop = (): void => {};

/** What `/stats` answers for a cluster. */
export interface ClusterSnapshot {
  /** Epoch ms of the last good read. */
  readonly at: number;
  readonly paused: boolean;
  /** Every host seen lately, live, stale or gone. */
  readonly hosts: readonly HostRow[];
  /** Counters of every host seen (gone ones included): completed, failed for good, retried. */
  readonly totals: {
    readonly completed: number;
    readonly failed: number;
    readonly retried: number;
  };
  /** The live hosts' figures merged, as `workpool cluster` prints them. */
  readonly cluster: ClusterStats;
  readonly lanes: number;
}

export class ClusterSource {
  readonly #admin: ClusterAdmin;
  readonly #now: () => number;
  readonly #epoch: () => number;
  readonly #book = new HostBook();
  #last: { read: ClusterRead; at: number } | undefined;
  #error: Error | undefined;
  #pending: Promise<void> | undefined;
  #failed = 0;

  /** @param epoch wall-clock ms at clock time 0 */
  constructor(admin: ClusterAdmin, now: () => number, epoch: () => number) {
    this.#admin = admin;
    this.#now = now;
    this.#epoch = epoch;
  }

  /** Why the last read failed (`RedisUnavailableError`), if it did. */
  get error(): Error | undefined {
    return this.#error;
  }

  get paused(): boolean {
    return this.#last?.read.paused ?? false;
  }

  /** Jobs failed, as last counted (the page reloads its list when this changes). */
  get listed(): number {
    return this.#failed;
  }

  /** One read of Redis (one at a time: a read still running is waited on, not repeated). */
  refresh(): Promise<void> {
    this.#pending ??= this.#admin
      .read()
      .then(
        (read) => {
          const at = this.#now();
          this.#last = { read, at };
          this.#error = undefined;
          this.#failed = read.counts.failed ?? 0;
          this.#book.observe(read.adverts, at);
        },
        (error: unknown) => {
          this.#error = error instanceof Error ? error : new Error(String(error));
        },
      )
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending.catch(noop);
  }

  /** A read begun after now (an action's effect shows in it). */
  async refreshAfter(): Promise<void> {
    await this.#pending?.catch(noop);
    await this.refresh();
  }

  read(): Reading {
    const now = this.#now();
    const counts = this.#last?.read.counts ?? {};
    const n = (state: string): number => counts[state] ?? 0;
    const rows = this.#book.rows(now);
    const live = rows.filter((h) => h.status !== 'gone');
    const totals = this.#book.totals();
    const running = n('active');
    const slots = live.reduce((a, h) => a + h.advert.concurrency, 0);
    const threads = live.reduce((a, h) => a + h.advert.threads, 0);
    const health = this.#health(live);
    return {
      at: now,
      all: {
        completed: totals.completed,
        failed: totals.failed,
        timedOut: 0,
        cancelled: 0,
        dropped: 0,
        rejected: 0,
        retried: totals.retried,
        total: totals.run,
        waiting: n('waiting') + n('prioritized') + n('paused') + n('waiting-children'),
        running,
        delayed: n('delayed'),
        retrying: 0,
      },
      threads,
      maxThreads: threads,
      utilization: slots === 0 ? 0 : Math.min(1, running / slots),
      paused: this.paused,
      closed: false,
      ...health,
      names: new Map(),
      keys: new Map(),
      hosts: rows.map((h) => this.#row(h)),
    };
  }

  /** What `/stats` answers; `undefined` before the first good read. */
  snapshot(): ClusterSnapshot | undefined {
    const last = this.#last;
    if (last === undefined) return undefined;
    const t = this.#book.totals();
    return {
      at: Math.round(this.#epoch() + last.at),
      paused: last.read.paused,
      hosts: this.#book.rows(this.#now()).map((h) => this.#row(h)),
      totals: { completed: t.completed, failed: t.failed, retried: t.retried },
      cluster: clusterStats(
        last.read.counts,
        last.read.adverts,
        Math.round(this.#epoch() + last.at),
      ),
      lanes: last.read.lanes,
    };
  }

  #health(live: readonly HostState[]): { healthy: boolean; error?: string } {
    if (this.#error !== undefined)
      return { healthy: false, error: `${this.#error.name}: ${this.#error.message}` };
    if (this.#last === undefined) return { healthy: false, error: 'Not read yet' };
    if (live.length === 0) return { healthy: false, error: 'No worker host has advertised lately' };
    const late = live.filter((h) => h.status === 'stale');
    const sick = live.filter((h) => !h.advert.healthy && !h.advert.draining);
    const healthy = live.some((h) => h.status === 'live' && h.advert.healthy);
    const notes = [
      ...late.map((h) => `${h.advert.hostname} (pid ${h.advert.pid}) is late`),
      ...sick.map(
        (h) => `${h.advert.hostname} (pid ${h.advert.pid}): ${h.advert.error ?? 'unhealthy'}`,
      ),
    ];
    return notes.length === 0 ? { healthy } : { healthy, error: notes.join('; ') };
  }

  #row(h: HostState): HostRow {
    const a = h.advert;
    const epoch = this.#epoch();
    return {
      host: a.hostname,
      id: a.id,
      pid: a.pid,
      threads: h.status === 'gone' ? 0 : a.threads,
      maxThreads: a.threads,
      running: h.status === 'gone' ? 0 : a.running,
      waiting: 0,
      utilization:
        h.status === 'gone' || a.concurrency === 0 ? 0 : Math.min(1, a.running / a.concurrency),
      eventLoopUtilization: null,
      healthy: h.status === 'live' && a.healthy,
      ...(a.error === undefined ? {} : { error: a.error }),
      status: h.status,
      lastSeen: Math.round(epoch + h.seenAt),
      ...(h.staleSince === undefined ? {} : { staleSince: Math.round(epoch + h.staleSince) }),
      ...(h.goneSince === undefined ? {} : { goneSince: Math.round(epoch + h.goneSince) }),
      completed: a.completed,
      failed: a.failed - a.retried,
      throughput: h.status === 'gone' ? 0 : a.throughput,
      draining: a.draining,
    };
  }
}
