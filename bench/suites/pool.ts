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
