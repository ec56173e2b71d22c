import type { Registry } from 'prom-client';
import { remainder } from '../metrics/partition.js';
import { CollectedMetric, histogramSamples, registerAll } from '../prometheus.js';
import { type OutcomeCounts, outcomes, type TaskFigures, type Tracker } from './tracker.js';

/** The request outcomes as metric labels (snake_case), in the words of the pool's outcomes. */
const labels: Readonly<Record<keyof OutcomeCounts, string>> = {
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  timedOut: 'timed_out',
  rejected: 'rejected',
};

/**
 * The server's own figures beside the pool's (`registerPoolMetrics`): HTTP task requests,
 * which are not tasks — a request refused by admission (503) never became one.
 * `workpool_requests_total{outcome, task}` and the `workpool_request_seconds` histogram
 * (request to answer), one series per handler name plus one without `task` for requests
 * no known handler was named in, so the series add up to the server's total.
 */
export function registerRequestMetrics(registry: Registry, tracker: Tracker): () => void {
  const parts = (): { task: string | undefined; f: TaskFigures }[] => {
    const named = [...tracker.tasks()].map(([task, f]) => ({ task, f }));
    const total = tracker.totals();
    const rest: Record<string, number> = {};
    for (const o of outcomes) rest[o] = total[o] - named.reduce((n, p) => n + p.f[o], 0);
    if (Object.values(rest).every((n) => n === 0)) return named;
    const latency = remainder(
      total.latency,
      named.map((p) => p.f.latency),
    );
    return [...named, { task: undefined, f: { ...(rest as OutcomeCounts), latency } }];
  };
  const withTask = (task: string | undefined, extra: Record<string, string> = {}) =>
    task === undefined ? extra : { task, ...extra };
  return registerAll(registry, [
    new CollectedMetric(
      'workpool_requests_total',
      'HTTP task requests answered, by outcome (completed, failed, cancelled, timed_out, rejected).',
      'counter',
      () =>
        parts().flatMap(({ task, f }) =>
          outcomes.map((o) => ({ value: f[o], labels: withTask(task, { outcome: labels[o] }) })),
        ),
    ),
    new CollectedMetric(
      'workpool_request_seconds',
      'Time from an HTTP task request to its answer.',
      'histogram',
      () =>
        parts().flatMap(({ task, f }) =>
          histogramSamples('workpool_request_seconds', withTask(task), f.latency),
        ),
    ),
  ]);
}
