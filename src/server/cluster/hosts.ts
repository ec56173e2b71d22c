/**
 * The cluster's worker hosts as the dashboard shows them, from the adverts read at each
 * sample. Redis drops a dead host's advert by itself (its TTL, three heartbeats), so what
 * is in Redis is only the hosts alive lately; this book adds what an operator needs:
 *
 * - **stale**: a host whose advert has not changed for longer than `1.5 ×` its heartbeat
 *   interval (as measured here: the shortest gap seen between two of its heartbeats, at
 *   first the workers' default of 5 s), on this server's clock: it is late, maybe dead;
 * - **gone**: its advert is no longer in Redis (expired, or withdrawn by a host that
 *   closed); a newer advert of it later (it outlived a Redis outage) makes it live again. A host that was late when it went has `staleSince` (when it turned stale,
 *   computed from its last heartbeat, so it does not depend on a sample falling inside
 *   that window); a host that withdrew in time has none. Gone rows stay `keepGone` ms,
 *   at most `maxGone` of them, then are forgotten;
 * - **totals that survive hosts**: a host's counters (completed, failed, retried, run
 *   histogram) are its own since it started; when it goes, its last counts move to
 *   `retired`, so the cluster's totals never go back when a host dies.
 */
import { addBuckets } from '../quantiles.js';

/** What the book needs of an advert (`AdvertRecord` of workpool/distributed). */
export interface Advert {
  readonly id: string;
  readonly hostname: string;
  readonly pid: number;
  readonly threads: number;
  readonly concurrency: number;
  readonly running: number;
  readonly completed: number;
  readonly failed: number;
  readonly retried: number;
  readonly throughput: number;
  readonly healthy: boolean;
  readonly error?: string;
  readonly draining: boolean;
  readonly heartbeatAt: number;
  readonly histograms?: { readonly run: { readonly buckets: readonly number[] } };
}

export type HostStatus = 'live' | 'stale' | 'gone';

interface Entry {
  advert: Advert;
  /** Clock ms the advert last changed (a new heartbeat). */
  seenAt: number;
  /** Shortest gap between two heartbeats (the host's clock), ms. */
  interval: number | undefined;
  goneAt: number | undefined;
}

/** Counters a host contributes, summed. */
export interface Totals {
  completed: number;
  /** Failed for good (attempts that were retried are not counted here). */
  failed: number;
  retried: number;
  run: number[];
}

const DEFAULT_HEARTBEAT = 5000;

export class HostBook {
  readonly #hosts = new Map<string, Entry>();
  readonly #keepGone: number;
  readonly #maxGone: number;
  readonly #retired: Totals = { completed: 0, failed: 0, retried: 0, run: [] };

  constructor(keepGone = 300_000, maxGone = 50) {
    this.#keepGone = keepGone;
    this.#maxGone = maxGone;
  }

  /** Takes the adverts read at clock time `now`. */
  observe(adverts: readonly Advert[], now: number): void {
    const live = new Set<string>();
    for (const a of adverts) {
      live.add(a.id);
      const e = this.#hosts.get(a.id);
      if (e === undefined) {
        this.#hosts.set(a.id, { advert: a, seenAt: now, interval: undefined, goneAt: undefined });
        continue;
      }
      if (e.goneAt !== undefined) {
        // A late read of its last advert changes nothing; a newer heartbeat (its advert
        // expired while Redis was away, and it advertised again) brings it back.
        if (a.heartbeatAt <= e.advert.heartbeatAt) continue;
        this.#retire(e.advert, -1);
        e.goneAt = undefined;
      }
      if (a.heartbeatAt !== e.advert.heartbeatAt) {
        const gap = a.heartbeatAt - e.advert.heartbeatAt;
        if (gap > 0) e.interval = e.interval === undefined ? gap : Math.min(e.interval, gap);
        e.seenAt = now;
      }
      e.advert = a;
    }
    for (const [id, e] of this.#hosts) {
      if (live.has(id) || e.goneAt !== undefined) continue;
      e.goneAt = now;
      this.#retire(e.advert, 1);
    }
    this.#forget(now);
  }

  /** Adds (`sign` 1) or takes back (-1) a host's counters to the retired totals. */
  #retire(a: Advert, sign: 1 | -1): void {
    const t = this.#retired;
    t.completed += sign * a.completed;
    t.failed += sign * (a.failed - a.retried);
    t.retried += sign * a.retried;
    const run = a.histograms?.run.buckets;
    if (run !== undefined) {
      while (t.run.length < run.length) t.run.push(0);
      run.forEach((n, i) => {
        t.run[i] = (t.run[i] ?? 0) + sign * n;
      });
    }
  }

  /** The cluster's counters: retired hosts' and live hosts' together. */
  totals(): Totals {
    const t = this.#retired;
    const out: Totals = {
      completed: t.completed,
      failed: t.failed,
      retried: t.retried,
      run: [...t.run],
    };
    for (const e of this.#hosts.values()) {
      if (e.goneAt !== undefined) continue;
      out.completed += e.advert.completed;
      out.failed += e.advert.failed - e.advert.retried;
      out.retried += e.advert.retried;
      if (e.advert.histograms !== undefined) addInto(out.run, e.advert.histograms.run.buckets);
    }
    return out;
  }

  /** Each host (live, stale, then gone ones, each by host name), at clock time `now`. */
  rows(now: number): HostState[] {
    const out: HostState[] = [];
    for (const e of this.#hosts.values()) {
      const late = 1.5 * (e.interval ?? DEFAULT_HEARTBEAT);
      const staleAt = e.seenAt + late;
      const status: HostStatus = e.goneAt !== undefined ? 'gone' : now > staleAt ? 'stale' : 'live';
      out.push({
        advert: e.advert,
        status,
        seenAt: e.seenAt,
        ...(status === 'stale' || (e.goneAt !== undefined && e.goneAt > staleAt)
          ? { staleSince: staleAt }
          : {}),
        ...(e.goneAt === undefined ? {} : { goneSince: e.goneAt }),
      });
    }
    const rank = { live: 0, stale: 1, gone: 2 } as const;
    return out.sort(
      (a, b) =>
        rank[a.status] - rank[b.status] ||
        a.advert.hostname.localeCompare(b.advert.hostname) ||
        a.advert.pid - b.advert.pid,
    );
  }

  #forget(now: number): void {
    const gone = [...this.#hosts].filter(([, e]) => e.goneAt !== undefined);
    gone.sort((a, b) => (a[1].goneAt ?? 0) - (b[1].goneAt ?? 0));
    gone.forEach(([id, e], i) => {
      if (now - (e.goneAt ?? now) > this.#keepGone || gone.length - i > this.#maxGone)
        this.#hosts.delete(id);
    });
  }
}

/** A host row before it is shaped for the page. */
export interface HostState {
  readonly advert: Advert;
  readonly status: HostStatus;
  /** Clock ms: its advert last changed; it turned stale; its advert went. */
  readonly seenAt: number;
  readonly staleSince?: number;
  readonly goneSince?: number;
}

function addInto(into: number[], add: readonly number[]): void {
  while (into.length < add.length) into.push(0);
  addBuckets(into, add);
}
