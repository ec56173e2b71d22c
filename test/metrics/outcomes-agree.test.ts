import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { Registry } from 'prom-client';
import {
  type CloseReport,
  ManualClock,
  Pool,
  PoolClosedError,
  QueueFullError,
  TaskCancelledError,
  TaskDroppedError,
  TaskTimeoutError,
  ThreadPool,
} from '../../src/index.js';
import { instrumentPool } from '../../src/opentelemetry.js';
import { registerPoolMetrics } from '../../src/prometheus.js';
import { flush, gate, outcome } from '../helpers.js';
import { fixture, nextThreadEvent, SharedGate } from '../thread/helpers.js';

// Every outcome driven through each pool (Pool, ThreadPool, Pool.map's fast path,
// ThreadPool.map): what each caller saw is tallied, and stats(), the events, the close
// report, the Prometheus scrape and the OpenTelemetry collection must all say the same.

const outcomes = ['completed', 'failed', 'cancelled', 'timedOut', 'dropped'] as const;
type Tally = Record<(typeof outcomes)[number] | 'rejected' | 'killed' | 'submitted', number>;
const zero = (): Tally => ({
  submitted: 0,
  completed: 0,
  failed: 0,
  cancelled: 0,
  timedOut: 0,
  dropped: 0,
  rejected: 0,
  killed: 0,
});
const label = { timedOut: 'timed_out' } as Record<string, string>;

/** What a caller saw, as an outcome. */
function seen(r: { ok: true } | { ok: false; error: unknown }): keyof Tally {
  if (r.ok) return 'completed';
  const e = r.error;
  if (e instanceof QueueFullError) return 'rejected';
  if (e instanceof TaskTimeoutError) return 'timedOut';
  if (e instanceof TaskDroppedError) return 'dropped';
  if (e instanceof TaskCancelledError || e instanceof PoolClosedError) return 'cancelled';
  return 'failed';
}

class Reader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

type AnyPool = Pool | ThreadPool;

/** Watches a pool through every channel it reports on. */
function watch(pool: AnyPool) {
  const events = zero();
  pool.on('end', (e) => {
    events[e.outcome]++;
  });
  pool.on('reject', () => {
    events.rejected++;
  });
  pool.on('kill', () => {
    events.killed++;
  });
  const registry = new Registry();
  registerPoolMetrics(pool, { registry });
  const reader = new Reader();
  const provider = new MeterProvider({ readers: [reader] });
  instrumentPool(pool, provider.getMeter('t'));

  async function prometheus(): Promise<Tally> {
    const t = zero();
    for (const line of (await registry.metrics()).split('\n')) {
      const m = /^workpool_tasks_(\w+)_total(?:\{([^}]*)\})? (\S+)$/.exec(line);
      if (m === null) continue;
      const [, kind, labels = '', value] = m;
      const outcome = /outcome="(\w+)"/.exec(labels)?.[1];
      const key =
        kind === 'finished'
          ? outcomes.find((o) => (label[o] ?? o) === outcome)
          : (['submitted', 'rejected', 'killed'] as const).find((k) => k === kind);
      if (key !== undefined) t[key] += Number(value);
    }
    return t;
  }

  async function openTelemetry(): Promise<Tally> {
    const t = zero();
    const { resourceMetrics } = await reader.collect();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        for (const p of metric.dataPoints) {
          const a = p.attributes;
          if (metric.descriptor.name === 'workpool.tasks.ended') {
            const key = outcomes.find((o) => (label[o] ?? o) === a.outcome);
            if (key !== undefined) t[key] += Number(p.value);
          } else if (metric.descriptor.name === 'workpool.tasks.events') {
            const key = (['submitted', 'rejected', 'killed'] as const).find((k) => k === a.event);
            if (key !== undefined) t[key] += Number(p.value);
          }
        }
      }
    }
    return t;
  }

  /** Asserts every report equals `expected`; `report` is the close report. */
  async function agree(expected: Tally, report: CloseReport): Promise<void> {
    const s = pool.stats();
    const pick = (o: Record<keyof Tally, number>): Tally => {
      const t = zero();
      for (const k of Object.keys(t) as (keyof Tally)[]) t[k] = o[k];
      return t;
    };
    assert.deepEqual(pick(s), expected, 'stats()');
    assert.deepEqual(pick(report), expected, 'close report');
    assert.deepEqual({ ...events, submitted: expected.submitted }, expected, 'events');
    assert.deepEqual(await prometheus(), expected, 'Prometheus');
    assert.deepEqual(await openTelemetry(), expected, 'OpenTelemetry');
    // Every accepted task has exactly one outcome.
    assert.equal(
      outcomes.reduce((n, o) => n + s[o], 0),
      s.submitted,
    );
    assert.equal(s.waitTime.count, s.started);
    // Run times are of work that ended: an abandoned in-process function has none yet.
    assert.equal(s.runTime.count, s.started - (pool instanceof Pool ? expected.killed : 0));
    await provider.shutdown();
  }
  return { agree };
}

/** Tallies what callers saw (`submitted`: those the pool accepted). */
function tally(results: { ok: boolean; error?: unknown }[], killed: number): Tally {
  const t = zero();
  for (const r of results) t[seen(r as never)]++;
  t.submitted = results.length - t.rejected;
  t.killed = killed;
  return t;
}

test('Pool: every outcome, and every report agrees item by item', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 1, maxQueue: 1, overflow: 'drop-lowest', clock });
  const { agree } = watch(pool);
  const results: { ok: boolean; error?: unknown }[] = [];
  const abortable = ({ signal }: { signal: AbortSignal }) =>
    new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

  results.push(await outcome(pool.run(() => 1)));
  results.push(await outcome(pool.run(() => Promise.reject(new Error('no')))));
  const timing = pool.run(abortable, { timeout: 10 });
  await flush();
  clock.advance(10);
  results.push(await outcome(timing));
  const task = pool.trySubmit(abortable);
  task?.cancel();
  if (task !== undefined) results.push(await outcome(task.result));

  const held = gate();
  const a = pool.run(() => held.wait);
  const b = pool.run(() => 'b', { priority: 0 }); // queued, then dropped
  const c = pool.run(() => 'c', { priority: 1 }); // drops b
  const d = pool.run(() => 'd', { priority: 0 }); // nothing ranks below it: rejected
  results.push(await outcome(b), await outcome(d));
  held.open();
  results.push(await outcome(a), await outcome(c));

  const stubborn = pool.run(() => new Promise(() => {})); // ignores its signal
  await flush();
  const report = await pool.terminate();
  results.push(await outcome(stubborn));
  const expected = tally(results, 1);
  assert.deepEqual(
    { ...expected },
    {
      submitted: 8,
      completed: 3,
      failed: 1,
      cancelled: 2,
      timedOut: 1,
      dropped: 1,
      rejected: 1,
      killed: 1,
    },
  );
  await agree(expected, report);
});

test('ThreadPool: every outcome, and every report agrees item by item', async () => {
  type M = typeof import('../fixtures/outcomes.js');
  // Time is a ManualClock: a timeout fires only once its task is known to run in the thread,
  // and killGrace passes only where the test says so (on a real clock, a thread slower than
  // 10 ms skipped the timed-out task or was killed for it, changing what there is to count).
  const clock = new ManualClock();
  const pool = new ThreadPool<M>({
    module: fixture('outcomes.ts'),
    maxThreads: 1,
    maxQueue: 1,
    overflow: 'drop-lowest',
    prefetch: 0,
    killGrace: 10,
    clock,
  });
  const { agree } = watch(pool);
  const results: { ok: boolean; error?: unknown }[] = [];
  results.push(await outcome(pool.run('ok', 1)));
  results.push(await outcome(pool.run('fail', undefined)));
  const never = new SharedGate();
  const timed = pool.run('hold', never.sab, { timeout: 10 });
  await never.started();
  clock.advance(10); // the run timeout: the handler ends on its signal, within killGrace
  results.push(await outcome(timed));
  const toCancel = new SharedGate();
  const task = await pool.submit('hold', toCancel.sab);
  await toCancel.started();
  task.cancel();
  results.push(await outcome(task.result));

  const held = new SharedGate();
  const a = pool.run('hold', held.sab);
  await held.started();
  const b = pool.run('ok', 2, { priority: 0 });
  const c = pool.run('ok', 3, { priority: 1 });
  const d = pool.run('ok', 4, { priority: 0 });
  results.push(await outcome(b), await outcome(d));
  held.open();
  results.push(await outcome(a), await outcome(c));

  const killed = nextThreadEvent(pool, 'exit', (e) => e.reason === 'kill');
  const spinning = new SharedGate();
  const spin = pool.run('spin', spinning.sab, { timeout: 10 });
  await spinning.started();
  clock.advance(10); // the run timeout: the loop ignores its signal...
  results.push(await outcome(spin));
  clock.advance(10); // ...so killGrace later its thread is killed
  await killed;
  const report = await pool.close();
  const expected = tally(results, 1);
  assert.deepEqual(
    { ...expected },
    {
      submitted: 8,
      completed: 3,
      failed: 1,
      cancelled: 1,
      timedOut: 2,
      dropped: 1,
      rejected: 1,
      killed: 1,
    },
  );
  await agree(expected, report);
});

/** The map scenario: item 0 completes, item 1 holds, item 2 fails, so item 1 is cancelled. */
const mapExpected: Tally = { ...zero(), submitted: 3, completed: 1, failed: 1, cancelled: 1 };

async function drain(it: AsyncIterableIterator<unknown>): Promise<unknown[]> {
  const got: unknown[] = [];
  const r = await outcome(
    (async () => {
      for await (const v of it) got.push(v);
    })(),
  );
  assert.equal(r.ok, false, 'the map fails at item 2');
  return got;
}

test('Pool.map (fast path) counts items exactly as ThreadPool.map does; reports agree', async () => {
  const pool = new Pool({ concurrency: 2 });
  const { agree } = watch(pool);
  const got = await drain(
    pool.map([0, 1, 2], (i, { signal }) => {
      if (i === 2) throw new Error('item 2');
      if (i === 1)
        return new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      return i;
    }),
  );
  assert.deepEqual(got, [0]);
  await pool.onIdle();
  await agree(mapExpected, await pool.close());
});

test('ThreadPool.map: the same items, the same counts; reports agree', async () => {
  type M = typeof import('../fixtures/outcomes.js');
  const pool = new ThreadPool<M>({ module: fixture('outcomes.ts'), maxThreads: 2 });
  const { agree } = watch(pool);
  const sab = new SharedGate().sab;
  const got = await drain(
    pool.map(
      'item',
      [0, 1, 2].map((i) => ({ i, sab })),
    ),
  );
  assert.deepEqual(got, [0]);
  await pool.onIdle();
  await agree(mapExpected, await pool.close());
});
