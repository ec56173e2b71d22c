/**
 * The in-process Pool as the chaos driver (driver.ts) sees it: each task is a function that
 * counts itself running (the limit is checked at every invocation), waits on its attempt's
 * gate if it has one, then does what its step says.
 */
import { ManualClock, Pool, type Task } from '../../src/index.js';
import { flush, type Gate, gate } from '../helpers.js';
import type { Adapter } from './driver.js';
import { behave, whenDone } from './fixtures/behave.mjs';
import type { Model, ModelTask } from './model.js';
import { type Schedule, type Spec, taskOptions } from './schedule.js';

interface Live {
  readonly task: Task<unknown>;
  readonly controller: AbortController | undefined;
  readonly gates: Map<number, Gate<void>>;
}

/** A fresh Pool for `schedule`, as the chaos driver drives it. */
export function poolAdapter(schedule: Schedule): Adapter {
  const { config } = schedule;
  const clock = new ManualClock();
  const pool = new Pool({
    concurrency: config.size,
    maxQueue: config.maxQueue,
    overflow: config.overflow,
    clock,
  });
  /** Functions invoked and not yet ended (a zombie stays inside). */
  let inside = 0;
  let limit = config.size;
  const violations: string[] = [];
  /** Invocations, in order, not yet given to the model. */
  const invoked: { index: number; attempt: number }[] = [];
  const byIndex = new Map<number, Live>();
  const gatesOf = new Map<number, Map<number, Gate<void>>>();

  const fnFor =
    (index: number, spec: Spec) =>
    ({ signal, attempt }: { signal: AbortSignal; attempt: number }): unknown => {
      if (inside >= limit)
        violations.push(`task ${index} invoked with ${inside} running, limit ${limit}`);
      inside++;
      invoked.push({ index, attempt });
      const s = spec.steps[Math.min(attempt, spec.steps.length) - 1];
      const g = gatesOf.get(index)?.get(attempt);
      let result: unknown;
      try {
        if (s === undefined) throw new Error('no step');
        result =
          s.gate === 'none' || g === undefined
            ? behave(s.behavior, index, attempt, signal)
            : g.wait.then(() => behave(s.behavior, index, attempt, signal));
      } catch (error) {
        inside--;
        throw error;
      }
      return whenDone(result, () => inside--);
    };

  return {
    clock,
    killGrace: undefined,
    patience: 50,
    submit(spec, index) {
      const gates = new Map<number, Gate<void>>();
      for (let a = 1; a <= spec.retries + 1; a++) gates.set(a, gate<void>());
      gatesOf.set(index, gates);
      const controller = spec.viaSignal ? new AbortController() : undefined;
      const task = pool.trySubmit(fnFor(index, spec), taskOptions(spec, controller));
      if (task === undefined) return undefined;
      byIndex.set(index, { task, controller, gates });
      return { id: task.id, result: task.result };
    },
    cancel(task) {
      const l = byIndex.get(task.index);
      if (l?.controller !== undefined) l.controller.abort(new Error('chaos'));
      else l?.task.cancel('chaos');
    },
    open(task, attempt) {
      byIndex.get(task.index)?.gates.get(attempt)?.open();
    },
    pause: () => pool.pause(),
    resume: () => pool.resume(),
    resize(n) {
      limit = n;
      pool.resize(n);
    },
    ingest(model: Model) {
      model.violations.push(...violations.splice(0));
      for (const { index, attempt } of invoked.splice(0)) {
        const task = model.tasks[index];
        if (task !== undefined) model.begin(task, attempt);
      }
    },
    pending(model: Model) {
      if (!model.paused && model.holders < model.limit && model.waiting.length > 0)
        return `${model.waiting.length} tasks wait while ${model.limit - model.holders} slots are free`;
      if (inside !== model.holders)
        return `${inside} functions run, the model says ${model.holders}`;
      const running = pool.stats().running;
      if (running !== model.holders)
        return `stats().running is ${running}, the model says ${model.holders}`;
      return undefined;
    },
    wait: flush,
    // A stopped function that never returns keeps its slot for ever (it cannot be killed
    // in-process): before close, give the pool room for what still waits, or close()
    // rightly hangs.
    room(model: Model) {
      const zombies = model.tasks.filter((t: ModelTask) => t.holder && t.phase === 'settled');
      const n = config.size + zombies.length;
      if (n <= model.limit) return;
      model.resize(n);
      limit = n;
      pool.resize(n);
    },
    on: (event, fn) => pool.on(event, fn as never),
    stats: () => pool.stats(),
    close: () => pool.close(),
    terminate: () => pool.terminate(),
    after() {},
  };
}
