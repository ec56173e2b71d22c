import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { Pool } from '../../src/index.js';
import { instrumentPool } from '../../src/opentelemetry.js';

class ManualReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

async function collect(
  reader: ManualReader,
): Promise<Map<string, { value: unknown; attributes: Record<string, unknown> }[]>> {
  const { resourceMetrics } = await reader.collect();
  const out = new Map<string, { value: unknown; attributes: Record<string, unknown> }[]>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      out.set(
        metric.descriptor.name,
        metric.dataPoints.map((p) => ({ value: p.value, attributes: p.attributes })),
      );
    }
  }
  return out;
}

test('OpenTelemetry instruments report the pool, per outcome and per task name', async () => {
  const reader = new ManualReader();
  const provider = new MeterProvider({ readers: [reader] });
  const pool = new Pool({ concurrency: 2 });
  const stop = instrumentPool(pool, provider.getMeter('test'), { attributes: { pool: 'p1' } });
  await pool.run(() => 1, { name: 'square' });
  await pool.run(() => 2, { name: 'square' });
  await assert.rejects(
    pool.run(
      () => {
        throw new Error('x');
      },
      { name: 'cube' },
    ),
  );
  const m = await collect(reader);
  const ended = m.get('workpool.tasks.ended') ?? [];
  const find = (attrs: Record<string, unknown>) =>
    ended.find((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))?.value;
  assert.equal(find({ outcome: 'completed', pool: 'p1', task: 'square' }), 2);
  assert.equal(find({ outcome: 'failed', task: 'cube' }), 1);
  assert.equal(find({ outcome: 'timed_out', task: 'cube' }), 0);
  // Every task has a name here: no unnamed series, so the points add up to the total.
  const completed = ended.filter((p) => p.attributes.outcome === 'completed');
  assert.equal(
    completed.reduce((n, p) => n + Number(p.value), 0),
    pool.stats().completed,
  );
  assert.ok(ended.every((p) => p.attributes.task !== undefined));
  assert.equal(m.get('workpool.workers')?.[0]?.value, 2);
  const buckets = m.get('workpool.task.duration.bucket') ?? [];
  const inf = buckets.find(
    (p) =>
      p.attributes.phase === 'run' && p.attributes.task === 'square' && p.attributes.le === '+Inf',
  );
  assert.equal(inf?.value, 2);
  const count = m.get('workpool.task.duration.count') ?? [];
  assert.equal(
    count.find((p) => p.attributes.phase === 'total' && p.attributes.task === 'cube')?.value,
    1,
  );
  stop();
  await pool.close();
  await provider.shutdown();
});
