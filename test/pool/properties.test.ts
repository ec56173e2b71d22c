/**
 * Property tests of the DESIGN.md invariants on random schedules, with gates and a manual
 * clock (no real time): every accepted task settles exactly once; never more start than the
 * limit allows (through resizes); close() resolves only after every accepted task settled;
 * no unhandled rejection.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ManualClock, Pool, type Task } from '../../src/index.js';
import { flush, type Gate, gate } from '../helpers.js';

type Op =
  | {
      op: 'submit';
      priority: number;
      timeout: number | undefined;
      queueTimeout: number | undefined;
    }
  | { op: 'trySubmit'; priority: number }
  | { op: 'finish'; index: number; fail: boolean }
  | { op: 'cancel'; index: number }
  | { op: 'advance'; ms: number }
  | { op: 'pause' }
  | { op: 'resume' }
  | { op: 'resize'; n: number }
  | { op: 'flush' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('submit' as const),
      priority: fc.integer({ min: -2, max: 2 }),
      timeout: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
      queueTimeout: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('trySubmit' as const),
      priority: fc.integer({ min: -2, max: 2 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('finish' as const),
      index: fc.nat(40),
      fail: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('cancel' as const), index: fc.nat(40) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('advance' as const),
      ms: fc.integer({ min: 1, max: 30 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'pause' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'resume' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('resize' as const), n: fc.integer({ min: 1, max: 4 }) }),
  },
  { weight: 2, arbitrary: fc.constant({ op: 'flush' as const }) },
);

interface Tracked {
  task: Task<number>;
  gate: Gate<boolean>;
  settlements: number;
}

async function runSchedule(
  ops: Op[],
  ending: 'close' | 'terminate',
  maxQueue: number,
): Promise<void> {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 2, maxQueue, clock });
  let limit = 2;
  let active = 0;
  const violations: string[] = [];
  const tracked: Tracked[] = [];
  const endEvents = new Map<number, number>();
  pool.on('end', ({ id }) => endEvents.set(id, (endEvents.get(id) ?? 0) + 1));

  const makeFn = (g: Gate<boolean>) => async () => {
    if (active >= limit) violations.push(`started with ${active} active, limit ${limit}`);
    active++;
    try {
      const fail = await g.wait;
      if (fail) throw new Error('task failed');
      return 1;
    } finally {
      active--;
    }
  };
  const track = (task: Task<number>, g: Gate<boolean>): void => {
    const t: Tracked = { task, gate: g, settlements: 0 };
    const count = (): void => {
      t.settlements++;
    };
    task.result.then(count, count);
    tracked.push(t);
  };

  for (const op of ops) {
    switch (op.op) {
      case 'submit': {
        // A submit that finds no room waits; give it one turn, then withdraw it by its signal.
        const g = gate<boolean>();
        const producer = new AbortController();
        const options = {
          priority: op.priority,
          signal: producer.signal,
          ...(op.timeout === undefined ? {} : { timeout: op.timeout }),
          ...(op.queueTimeout === undefined ? {} : { queueTimeout: op.queueTimeout }),
        };
        let accepted: Task<number> | undefined;
        const submitting = pool.submit(makeFn(g), options).then(
          (task) => {
            accepted = task;
          },
          () => {},
        );
        await flush();
        if (accepted === undefined) producer.abort();
        await submitting;
        if (accepted !== undefined) track(accepted, g);
        break;
      }
      case 'trySubmit': {
        const g = gate<boolean>();
        const task = pool.trySubmit(makeFn(g), { priority: op.priority });
        if (task !== undefined) track(task, g);
        break;
      }
      case 'finish':
        tracked[op.index % Math.max(1, tracked.length)]?.gate.open(false);
        if (op.fail) tracked[(op.index + 1) % Math.max(1, tracked.length)]?.gate.open(true);
        break;
      case 'cancel':
        tracked[op.index % Math.max(1, tracked.length)]?.task.cancel('test');
        break;
      case 'advance':
        clock.advance(op.ms);
        break;
      case 'pause':
        pool.pause();
        break;
      case 'resume':
        pool.resume();
        break;
      case 'resize':
        limit = op.n;
        pool.resize(op.n);
        break;
      case 'flush':
        await flush();
        break;
    }
  }

  let closed = false;
  const ended = (ending === 'close' ? pool.close() : pool.terminate()).then(() => {
    closed = true;
    // Invariant 3: close resolves only after every accepted task has settled.
    for (const t of tracked)
      if (t.settlements !== 1) violations.push(`task ${t.task.id} unsettled at close`);
  });
  // Release every gate so graceful close can finish; a terminate has already settled all.
  for (let round = 0; round < 5 && !closed; round++) {
    for (const t of tracked) t.gate.open(false);
    await flush();
  }
  await ended;
  await flush();
  for (const t of tracked) {
    if (t.settlements !== 1) violations.push(`task ${t.task.id} settled ${t.settlements} times`);
    if (endEvents.get(t.task.id) !== 1)
      violations.push(`task ${t.task.id} had ${endEvents.get(t.task.id)} end events`);
  }
  assert.equal(clock.pending, 0, 'no timer left behind');
  assert.deepEqual(violations, []);
}

test('random schedules keep the invariants (close)', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (r: unknown): void => void unhandled.push(r);
  process.on('unhandledRejection', onUnhandled);
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { maxLength: 60 }),
        fc.constantFrom(0, 1, 3, 100),
        (ops, maxQueue) => runSchedule(ops, 'close', maxQueue),
      ),
      { numRuns: 150 },
    );
    await flush();
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('random schedules keep the invariants (terminate)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(opArb, { maxLength: 60 }),
      fc.constantFrom(0, 2, 100),
      (ops, maxQueue) => runSchedule(ops, 'terminate', maxQueue),
    ),
    { numRuns: 100 },
  );
});
