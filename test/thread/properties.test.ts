/**
 * Random schedules against a real ThreadPool (few runs: threads are slow to start): every
 * accepted task settles exactly once, whatever it does (value, throw, crash, spin past its
 * timeout, block until released, get cancelled), and after close/terminate no thread is alive.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type Task, ThreadPool } from '../../src/index.js';
import { flush } from '../helpers.js';
import { fixture, SharedGate, threadDetails } from './helpers.js';

type Mixed = typeof import('../fixtures/mixed.js');
type Kind = 'ok' | 'fail' | 'crash' | 'spin' | 'wait';

type Op =
  | { op: 'run'; kind: Kind; timeout: number | undefined; priority: number }
  | { op: 'trySubmit'; kind: Kind }
  | { op: 'cancel'; index: number }
  | { op: 'release'; index: number }
  | { op: 'flush' };

const kindArb = fc.constantFrom<Kind>('ok', 'ok', 'fail', 'crash', 'spin', 'wait');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('run' as const),
      kind: kindArb,
      timeout: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
      priority: fc.integer({ min: -1, max: 1 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('trySubmit' as const), kind: kindArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('cancel' as const), index: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('release' as const), index: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'flush' as const }) },
);

interface Tracked {
  readonly task: Task<unknown>;
  readonly gate: SharedGate;
  settlements: number;
}

async function runSchedule(ops: Op[], ending: 'close' | 'terminate'): Promise<void> {
  const pool = new ThreadPool<Mixed>({
    module: fixture('mixed.ts'),
    maxThreads: 2,
    maxQueue: 4,
    killGrace: 5,
  });
  const tracked: Tracked[] = [];
  const ends = new Map<number, number>();
  pool.on('end', ({ id }) => ends.set(id, (ends.get(id) ?? 0) + 1));
  const submit = (
    kind: Kind,
    options: { timeout?: number; priority?: number },
  ): Task<unknown> | undefined => {
    const gate = new SharedGate();
    // A spinning task must be stopped by a timeout, or close() would wait for ever.
    const o =
      kind === 'spin' && options.timeout === undefined ? { ...options, timeout: 5 } : options;
    const task =
      kind === 'wait'
        ? pool.trySubmit('wait', gate.sab, o)
        : kind === 'ok'
          ? pool.trySubmit('ok', 1, o)
          : pool.trySubmit(kind, undefined, o);
    if (task === undefined) return undefined;
    const t: Tracked = { task, gate, settlements: 0 };
    const count = (): void => {
      t.settlements++;
    };
    task.result.then(count, count);
    tracked.push(t);
    return task;
  };
  for (const op of ops) {
    if (op.op === 'run') {
      submit(op.kind, {
        priority: op.priority,
        ...(op.timeout === undefined ? {} : { timeout: op.timeout }),
      });
    } else if (op.op === 'trySubmit') submit(op.kind, {});
    else if (op.op === 'cancel')
      tracked[op.index % Math.max(1, tracked.length)]?.task.cancel('test');
    else if (op.op === 'release') tracked[op.index % Math.max(1, tracked.length)]?.gate.open();
    else await flush();
  }
  if (ending === 'close') for (const t of tracked) t.gate.open();
  await (ending === 'close' ? pool.close() : pool.terminate());
  await flush();
  const violations: string[] = [];
  for (const t of tracked) {
    if (t.settlements !== 1) violations.push(`task ${t.task.id} settled ${t.settlements} times`);
    if (ends.get(t.task.id) !== 1)
      violations.push(`task ${t.task.id} had ${ends.get(t.task.id)} end events`);
  }
  assert.deepEqual(violations, []);
  assert.equal(threadDetails(pool).alive, 0, 'no thread outlives the pool');
}

test('random schedules against threads: every accepted task settles exactly once', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (r: unknown): void => void unhandled.push(r);
  process.on('unhandledRejection', onUnhandled);
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { maxLength: 16 }),
        fc.constantFrom('close' as const, 'terminate' as const),
        runSchedule,
      ),
      { numRuns: 25 },
    );
    await flush();
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
