/**
 * The whole cluster's figures, as `clusterStats()` reports them: BullMQ's job counts over
 * all lanes (what waits and runs now), and the worker hosts' adverts added up (what they
 * did since they started, their throughput now, and their latency histograms merged, so
 * the cluster's percentiles are exact over every host's jobs, not an average of hosts').
 */
import type { Percentiles } from '../index.js';
import { DurationHistogram } from '../internal.js';
import { type AdvertRecord, publicAdvert, type WorkerAdvert } from './adverts.js';

/** BullMQ's job counts for the whole queue (all pools and workers). */
export type JobCounts = Readonly<Record<string, number>>;

export interface ClusterStats {
  /** When it was read (epoch ms). */
  readonly at: number;
  /** Jobs waiting to start (waiting, prioritized, delayed, paused), all lanes. */
  readonly waiting: number;
  /** Jobs a worker holds now (BullMQ `active`). */
  readonly running: number;
  /** Summed over the live hosts, since each started: jobs completed, failed for good, retried. */
  readonly completed: number;
  readonly failed: number;
  readonly retried: number;
  /** Jobs ended per second, all live hosts together (each over its last heartbeat interval). */
  readonly throughput: number;
  /** Submit to start and run time, every live host's jobs merged. */
  readonly waitTime: Percentiles;
  readonly runTime: Percentiles;
  /** Worker hosts (their adverts). */
  readonly workers: readonly WorkerAdvert[];
  /** BullMQ's job counts by state, all lanes added up. */
  readonly counts: JobCounts;
}

/** Pure: the cluster's figures from the counts and the adverts read at `at`. */
export function clusterStats(
  counts: JobCounts,
  adverts: readonly AdvertRecord[],
  at: number,
): ClusterStats {
  const wait = new DurationHistogram();
  const run = new DurationHistogram();
  let completed = 0;
  let failed = 0;
  let retried = 0;
  let throughput = 0;
  for (const a of adverts) {
    completed += a.completed;
    failed += a.failed - a.retried;
    retried += a.retried;
    throughput += a.throughput;
    if (a.histograms !== undefined) {
      wait.merge(a.histograms.wait);
      run.merge(a.histograms.run);
    }
  }
  const n = (state: string): number => counts[state] ?? 0;
  return {
    at,
    waiting: n('waiting') + n('prioritized') + n('delayed') + n('paused'),
    running: n('active'),
    completed,
    failed,
    retried,
    throughput,
    waitTime: wait.snapshot(),
    runTime: run.snapshot(),
    workers: adverts.map(publicAdvert),
    counts,
  };
}
