/** A DistributedPool's own counters and latency histograms (caller's view). */
import type { CloseReport, Outcome } from '../index.js';
import { DurationHistogram } from '../internal.js';
import { type AdvertRecord, publicAdvert } from './adverts.js';
import type { Call, Calls } from './calls.js';
import type { ClusterStats } from './cluster.js';
import type { DistributedStats } from './types.js';

export class PoolMeters {
  submitted = 0;
  started = 0;
  completed = 0;
  failed = 0;
  cancelled = 0;
  timedOut = 0;
  dropped = 0;
  rejected = 0;
  retried = 0;
  /** `submit` calls waiting for room (`maxQueue`) now. */
  blocked = 0;
  cluster: ClusterStats | undefined;
  readonly #wait = new DurationHistogram();
  readonly #run = new DurationHistogram();
  readonly #total = new DurationHistogram();

  began(call: Call): void {
    this.started++;
    this.#wait.record(performance.now() - call.submittedAt);
  }

  ended(outcome: Outcome, call: Call): void {
    this[outcome]++;
    const now = performance.now();
    if (call.startedAt !== undefined) this.#run.record(now - call.startedAt);
    this.#total.record(now - call.submittedAt);
  }

  report(): CloseReport {
    return {
      submitted: this.submitted,
      started: this.started,
      completed: this.completed,
      failed: this.failed,
      cancelled: this.cancelled,
      timedOut: this.timedOut,
      dropped: this.dropped,
      rejected: this.rejected,
      retried: this.retried,
      killed: 0,
    };
  }

  snapshot(
    calls: Calls,
    workers: readonly AdvertRecord[],
    connected: boolean,
    closed: boolean,
  ): DistributedStats {
    let running = 0;
    for (const call of calls.all()) if (call.state === 'running') running++;
    return {
      submitted: this.submitted,
      started: this.started,
      completed: this.completed,
      failed: this.failed,
      cancelled: this.cancelled,
      timedOut: this.timedOut,
      dropped: this.dropped,
      rejected: this.rejected,
      killed: 0,
      retried: this.retried,
      pending: calls.size,
      running,
      blocked: this.blocked,
      waitTime: this.#wait.snapshot(),
      runTime: this.#run.snapshot(),
      totalTime: this.#total.snapshot(),
      workers: workers.map(publicAdvert),
      ...(this.cluster === undefined ? {} : { cluster: this.cluster }),
      connected,
      closed,
    };
  }
}
