/**
 * The ThreadPool as the chaos driver (driver.ts) sees it: tasks run the handler of
 * fixtures/tasks.mjs, which records in shared memory (thread-memory.ts) which attempt began,
 * how many tasks ran at once and whether its input arrived intact, and waits there on its
 * gate. Runs the library given (a fresh build of src/: see thread.test.ts).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Workpool from '../../src/index.js';
import { cliPath } from '../cli/helpers.js';
import type { Adapter } from './driver.js';
import type { Model, ModelTask } from './model.js';
import { immediate, type Schedule, taskOptions } from './schedule.js';
import { ChaosMemory, checksum, watchThreads } from './thread-memory.js';

export type Lib = typeof Workpool;
const KILL_GRACE = 5;
const tasks = new URL('./fixtures/tasks.mjs', import.meta.url);

/** The library as built from src/ now (compiled once per test process). */
export async function builtLibrary(): Promise<Lib> {
  const built = join(cliPath(), '..', '..', 'index.js');
  return (await import(pathToFileURL(built).href)) as Lib;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A fresh ThreadPool of `lib` for `schedule`. */
export function threadAdapter(lib: Lib, schedule: Schedule): Adapter {
  const { config } = schedule;
  const clock = new lib.ManualClock();
  const slots = schedule.commands.filter((c) => c.c === 'submit').length;
  const memory = new ChaosMemory(slots, config.size);
  watchThreads(memory);
  const pool = new lib.ThreadPool({
    module: tasks,
    minThreads: config.size,
    maxThreads: config.size,
    maxQueue: config.maxQueue,
    overflow: config.overflow,
    prefetch: config.prefetch,
    killGrace: KILL_GRACE,
    clock,
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  const live = new Map<number, { task: Workpool.Task<unknown>; controller?: AbortController }>();
  /** Begins (by attempt) already given to the model, per task. */
  const seen: number[][] = [];
  let corrupt = 0;
  let over = 0;
  const violations: string[] = [];

  return {
    clock,
    killGrace: KILL_GRACE,
    // Polls every 2 ms: at least 3 s before a step that cannot come to rest fails.
    patience: 1500,
    submit(spec, index) {
      const input: Record<string, unknown> = { cells: memory.sab, slot: index, steps: spec.steps };
      let transfer: ArrayBuffer[] | undefined;
      if (spec.transfer) {
        const bytes = new Uint8Array(64 + index).map((_, i) => (i * 7 + index) & 255);
        Object.assign(input, {
          data: bytes.buffer,
          length: bytes.byteLength,
          sum: checksum(bytes),
        });
        transfer = [bytes.buffer];
      }
      const controller = spec.viaSignal ? new AbortController() : undefined;
      seen[index] = [0, 0, 0, 0];
      if (transfer !== undefined && spec.retries > 0) {
        // A retry would resend input that moved away: refused at the door (issue 11).
        try {
          pool.trySubmit('task', input, { ...taskOptions(spec, controller), transfer });
          violations.push(`task ${index}: transfer with retries was accepted`);
        } catch (error) {
          if (!(error instanceof TypeError))
            violations.push(`task ${index}: transfer with retries threw ${String(error)}`);
        }
        return 'invalid';
      }
      const task = pool.trySubmit('task', input, {
        ...taskOptions(spec, controller),
        ...(transfer === undefined ? {} : { transfer }),
      });
      if (task === undefined) return undefined;
      live.set(index, controller === undefined ? { task } : { task, controller });
      return { id: task.id, result: task.result };
    },
    cancel(task) {
      const l = live.get(task.index);
      if (l?.controller !== undefined) l.controller.abort(new Error('chaos'));
      else l?.task.cancel('chaos');
    },
    open: (task, attempt) => memory.open(task.index, attempt),
    pause: () => pool.pause(),
    resume: () => pool.resume(),
    resize(n) {
      memory.limit = n;
      pool.resize(n);
    },
    ingest(model: Model) {
      model.violations.push(...violations.splice(0));
      if (memory.corrupt > corrupt) {
        corrupt = memory.corrupt;
        model.violations.push(`a handler saw corrupted (detached) input (${corrupt} so far)`);
      }
      const o = memory.over;
      if (o.count > over) {
        over = o.count;
        model.violations.push(`${o.peak} tasks ran at once in threads, limit ${memory.limit}`);
      }
      for (const t of model.tasks) if (t.mustDie && memory.dead(t.index)) t.mustDie = false;
      // Begins read from memory come unordered: those that end at once go first (one that
      // holds its slot cannot have made room for another).
      const begins: { task: ModelTask; attempt: number; quick: boolean }[] = [];
      for (const task of model.tasks) {
        const known = seen[task.index] as number[];
        for (let attempt = 1; attempt <= 3; attempt++) {
          const runs = memory.runs(task.index, attempt);
          if (runs === (known[attempt] ?? 0)) continue;
          if (runs > 1)
            model.violations.push(`task ${task.index} ran attempt ${attempt} ${runs} times`);
          known[attempt] = runs;
          const s = task.spec.steps[Math.min(attempt, task.spec.steps.length) - 1];
          const quick =
            s !== undefined &&
            immediate.has(s.behavior) &&
            (s.gate === 'none' || task.opened.has(attempt));
          begins.push({ task, attempt, quick });
        }
      }
      begins.sort((a, b) => Number(b.quick) - Number(a.quick) || a.attempt - b.attempt);
      for (const b of begins) model.begin(b.task, b.attempt);
    },
    pending(model: Model, h) {
      // A task whose input was transferred to a thread ahead of time is not stolen by an
      // idle one (docs/ARCHITECTURE.md, work stealing): it may wait for the task ahead of it.
      const waiting = model.waiting.filter((t) => config.prefetch === 0 || !t.spec.transfer);
      if (!model.paused && model.holders < model.limit && waiting.length > 0)
        return `${waiting.length} tasks wait while ${model.limit - model.holders} slots are free`;
      for (const t of model.tasks)
        if (t.mustDie) return `task ${t.index} outlived killGrace, its thread should be dead`;
      const running = pool.stats().running;
      if (running !== model.holders)
        return `stats().running is ${running}, the model says ${model.holders}`;
      if (memory.running !== model.holders)
        return `${memory.running} tasks run in threads, the model says ${model.holders}`;
      for (const t of model.tasks) {
        for (let attempt = 1; attempt <= Math.min(t.attempt, 3); attempt++) {
          const ran = memory.runs(t.index, attempt) > 0;
          const reported = h.starts.has(`${t.id}.${attempt}`);
          if (ran && !reported)
            return `task ${t.index} began attempt ${attempt} in its thread, the pool has not seen it`;
          if (reported && !ran && t.phase !== 'settled')
            return `the pool reported task ${t.index} attempt ${attempt} begun, its thread has not`;
        }
      }
      return undefined;
    },
    wait: () => sleep(2),
    on: (event, fn) => pool.on(event, fn as never),
    stats: () => pool.stats(),
    close: () => pool.close(),
    terminate: () => pool.terminate(),
    after(model: Model) {
      const alive = (pool.stats().details as { alive: number }).alive;
      if (alive !== 0) model.violations.push(`${alive} threads alive after shutdown`);
      this.ingest(model);
    },
  };
}
