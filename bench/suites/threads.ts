import { availableParallelism } from 'node:os';
import type { CaseDef } from '../lib/types.js';

const contenders = ['workpool', 'piscina', 'tinypool', 'workerpool', 'poolifier'];

/**
 * Suite B (issue 3): ThreadPool against piscina, tinypool, workerpool and poolifier, each
 * with min = max threads. `iterations` of busy work take ~25 ms here (calibrated).
 */
export function threadCases(
  quick: boolean,
  threadCounts: readonly number[],
  iterations: number,
): CaseDef[] {
  const cores = availableParallelism();
  const cases: CaseDef[] = [];
  for (const threads of threadCounts) {
    const base = {
      suite: 'threads',
      subject: 'workpool',
      peer: 'best',
      gc: false,
      contenders,
    } as const;
    const p = { threads, iterations };
    const tiny = quick ? 10_000 : 100_000;
    const firstResult = {
      key: 'firstResultMs',
      label: 'first result',
      unit: 'ms',
      better: 'lower',
      digits: 1,
    } as const;
    cases.push(
      {
        ...base,
        id: `threads/${threads}t/throughput`,
        kind: 'throughput',
        title: `${threads} threads: ${tiny.toLocaleString('en')} tiny tasks submitted at once; first result from construction`,
        metrics: [
          {
            key: 'tasksPerSec',
            label: 'throughput',
            unit: 'k tasks/s',
            better: 'higher',
            digits: 1,
            scale: 1e-3,
          },
          firstResult,
        ],
        params: { ...p, n: tiny, warmup: 2_000 },
        targets: [
          {
            metric: 'tasksPerSec',
            op: '>=',
            value: 2,
            text: 'throughput >= 2x best peer (issue 3)',
          },
          {
            metric: 'firstResultMs',
            op: '<=',
            value: 1,
            text: 'first result no slower than best peer (issue 3)',
          },
        ],
      },
      {
        ...base,
        id: `threads/${threads}t/latency`,
        kind: 'latency',
        title: `${threads} threads: sequential round trips (${(tiny / 10).toLocaleString('en')}, after 500 warm-up)`,
        metrics: [
          { key: 'medianUs', label: 'median round trip', unit: 'µs', better: 'lower', digits: 1 },
          { key: 'p99Us', label: 'p99 round trip', unit: 'µs', better: 'lower', digits: 0 },
        ],
        params: { ...p, n: tiny / 10, warmup: 500 },
        targets: [
          {
            metric: 'medianUs',
            op: '<=',
            value: 0.7,
            text: 'median latency <= 0.7x best peer (issue 3)',
          },
        ],
      },
      {
        ...base,
        id: `threads/${threads}t/speedup`,
        kind: 'speedup',
        title: `${threads} threads: 32 tasks of ~25 ms busy work, vs the same run sequentially on the main thread`,
        contenders: [...contenders, 'sequential'],
        metrics: [{ key: 'wallMs', label: 'wall time', unit: 'ms', better: 'lower', digits: 0 }],
        params: { ...p, n: 32, warmup: 0 },
        targets: [],
        speedup: {
          baseline: 'sequential',
          metric: 'wallMs',
          target: 0.95 * Math.min(threads, cores),
        },
      },
      {
        ...base,
        id: `threads/${threads}t/heap`,
        kind: 'heap',
        title: `${threads} threads: heap with ${tiny.toLocaleString('en')} tasks queued behind gated threads (after gc)`,
        metrics: [
          {
            key: 'bytesPerTask',
            label: 'heap/queued task',
            unit: 'bytes',
            better: 'lower',
            digits: 0,
          },
          {
            key: 'rssPerTask',
            label: 'rss/queued task',
            unit: 'bytes',
            better: 'lower',
            digits: 0,
          },
        ],
        params: { ...p, n: tiny, warmup: 2_000 },
        targets: [
          {
            metric: 'bytesPerTask',
            op: '<=',
            value: 0.5,
            text: 'heap/queued <= 0.5x best peer (issue 3)',
          },
        ],
        gc: true,
      },
    );
  }
  return cases;
}
