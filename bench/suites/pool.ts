import type { CaseDef, MetricDef } from '../lib/types.js';

const mtps: MetricDef = {
  key: 'tasksPerSec',
  label: 'throughput',
  unit: 'M tasks/s',
  better: 'higher',
  digits: 2,
  scale: 1e-6,
};
const runners = ['workpool', 'p-limit', 'p-queue'];

/** Suite A (issue 2): the in-process Pool against p-limit, p-queue, p-map and a hand loop. */
export function poolCases(quick: boolean): CaseDef[] {
  const big = quick ? 100_000 : 1_000_000;
  const base = { suite: 'pool', subject: 'workpool', gc: false } as const;
  return [
    {
      ...base,
      id: 'pool/run-noop',
      kind: 'run-noop',
      title: `run: ${big.toLocaleString('en')} no-op tasks submitted at once, concurrency 16`,
      contenders: runners,
      peer: 'p-limit',
      metrics: [mtps],
      params: { n: big, concurrency: 16, warmup: 10_000 },
      targets: [{ metric: 'tasksPerSec', op: '>=', value: 3, text: 'run >= 3x p-limit (issue 2)' }],
    },
    {
      ...base,
      id: 'pool/run-immediate',
      kind: 'run-immediate',
      title: `run: ${(big / 10).toLocaleString('en')} tasks awaiting setImmediate, concurrency 16`,
      contenders: runners,
      peer: 'p-limit',
      metrics: [mtps],
      params: { n: big / 10, concurrency: 16, warmup: 10_000 },
      targets: [],
    },
    {
      ...base,
      id: 'pool/heap',
      kind: 'heap',
      title: `heap per queued task: ${big.toLocaleString('en')} tasks queued behind 16 gated ones (after gc)`,
      contenders: runners,
      peer: 'p-limit',
      metrics: [
        {
          key: 'bytesPerTask',
          label: 'heap/queued task',
          unit: 'bytes',
          better: 'lower',
          digits: 0,
        },
      ],
      params: { n: big, concurrency: 16, warmup: 10_000 },
      targets: [
        {
          metric: 'bytesPerTask',
          op: '<=',
          value: 0.4,
          text: 'heap/queued <= 0.4x p-limit (issue 2)',
        },
      ],
      gc: true,
    },
    {
      ...base,
      id: 'pool/map',
      kind: 'map',
      title: `map: ${big.toLocaleString('en')} items through an identity function, concurrency 16`,
      contenders: ['workpool', 'p-map', 'hand loop'],
      peer: 'p-map',
      metrics: [{ ...mtps, label: 'map throughput', unit: 'M items/s' }],
      params: { n: big, concurrency: 16, warmup: 10_000 },
      targets: [{ metric: 'tasksPerSec', op: '>=', value: 2, text: 'map >= 2x p-map (issue 2)' }],
    },
    ...asyncCases(quick),
    {
      ...base,
      id: 'pool/metrics',
      kind: 'run-noop',
      title: `metrics overhead: run, ${big.toLocaleString('en')} no-op tasks, metrics on vs off`,
      contenders: ['workpool metrics:on', 'workpool metrics:off'],
      subject: 'workpool metrics:on',
      peer: 'workpool metrics:off',
      metrics: [mtps],
      params: { n: big, concurrency: 16, warmup: 10_000 },
      targets: [],
    },
  ];
}

const heapMetric = (key: string, label: string): MetricDef => ({
  key,
  label,
  unit: 'bytes',
  better: 'lower',
  digits: 0,
});

/**
 * Issue 16: the function users pass is async. `run` with `async () => i` (a new closure per
 * call, as users write it), the heap those tasks hold while queued, and `map` through an
 * async identity beside a hand-written loop of `concurrency` async workers. `api floor`
 * (bench/children/run-floor.ts, map-floor.ts) is the least any implementation of the same
 * API does, with no stats, limits shared with other work or cancellation: the targets are
 * read against it to tell what the library costs from what the API costs.
 */
function asyncCases(quick: boolean): CaseDef[] {
  const n = quick ? 50_000 : 500_000;
  const base = { suite: 'pool', subject: 'workpool', gc: false } as const;
  const params = { n, concurrency: 16, warmup: 10_000 };
  const count = n.toLocaleString('en');
  const map = (ordered: boolean): CaseDef => ({
    ...base,
    id: `pool/map-async-${ordered ? 'ordered' : 'unordered'}`,
    kind: 'map-async',
    title: `map: ${count} items through \`async (x) => x\`, ${ordered ? 'ordered' : 'unordered'}, concurrency 16, vs p-map, a hand loop of 16 async workers pulling from one iterator, and the API's floor (a bare async iterator with 16 in flight: one \`then\` per item, no stats or limits)`,
    contenders: ['workpool', 'p-map', 'hand loop', 'api floor'],
    peer: 'p-map',
    metrics: [{ ...mtps, label: 'map throughput', unit: 'M items/s' }],
    params: { ...params, ordered: ordered ? 1 : 0 },
    targets: [
      { metric: 'tasksPerSec', op: '>=', value: 4, text: 'map async >= 4x p-map (issue 16)' },
      {
        metric: 'tasksPerSec',
        op: '>=',
        value: 0.5,
        text: 'map async >= 0.5x the hand loop (issue 16)',
        against: 'hand loop',
      },
    ],
  });
  return [
    {
      ...base,
      id: 'pool/run-async',
      kind: 'run-async',
      title: `run: ${count} calls of \`run(async () => i)\` at once, then \`Promise.all\`, concurrency 16, vs p-limit, p-queue and the API's floor (a bare limiter: one promise, two array slots and one \`then\` per task; no stats, priorities or cancellation)`,
      contenders: [...runners, 'api floor'],
      peer: 'p-limit',
      metrics: [mtps],
      params,
      targets: [
        { metric: 'tasksPerSec', op: '>=', value: 3, text: 'run async >= 3x p-limit (issue 16)' },
      ],
    },
    {
      ...base,
      id: 'pool/heap-async',
      kind: 'heap-async',
      title: `heap per queued task: ${count} calls of \`run(async () => i)\` behind 16 gated ones, heap + ArrayBuffers read right after the calls (no gc) and after gc`,
      contenders: runners,
      peer: 'p-limit',
      metrics: [
        heapMetric('bytesNoGc', 'heap/queued task, no gc'),
        heapMetric('bytesPerTask', 'heap/queued task, after gc'),
      ],
      params,
      targets: [
        {
          metric: 'bytesNoGc',
          op: '<=',
          value: 0.4,
          text: 'heap/queued async, no gc <= 0.4x p-limit (issue 16)',
        },
        {
          metric: 'bytesPerTask',
          op: '<=',
          value: 0.4,
          text: 'heap/queued async, after gc <= 0.4x p-limit (issue 16)',
        },
      ],
      gc: true,
    },
    map(true),
    map(false),
  ];
}
