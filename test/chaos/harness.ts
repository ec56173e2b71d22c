/**
 * What both chaos drivers share: each task's observed settlements compared with the model,
 * the wait for a schedule step to come to rest, and the checks at the end of a schedule
 * (every task settled exactly once as expected; stats() and the close report agree).
 */
import type { CloseReport } from '../../src/index.js';
import { Model, type ModelTask } from './model.js';
import { describe, matches, outcomeOf, show } from './outcomes.js';
import type { Command, Schedule, Spec } from './schedule.js';

export interface Observed {
  settlements: number;
  ok: boolean;
  value: unknown;
  /** Compared with the model once. */
  checked: boolean;
}

/** The counters a schedule checks, in `stats()` and in the close report (the same ones). */
export type StatsLike = CloseReport;
export type ReportLike = CloseReport;

export class Harness {
  readonly model: Model;
  readonly observed = new Map<ModelTask, Observed>();
  readonly #byId = new Map<number, ModelTask>();
  readonly #ends = new Map<number, number>();
  /** Start events (id, attempt) seen. */
  readonly starts = new Set<string>();
  startEvents = 0;
  retryEvents = 0;
  /** The priority of the task being offered (a drop evicts for it). */
  readonly submitting = { priority: 0 };
  /** Commands applied so far, for failure messages. */
  readonly trace: string[] = [];

  constructor(model: Model) {
    this.model = model;
  }

  accept(spec: Spec, id: number, result: Promise<unknown>): ModelTask {
    const task = this.model.accept(spec, id);
    this.#byId.set(id, task);
    const o: Observed = { settlements: 0, ok: false, value: undefined, checked: false };
    this.observed.set(task, o);
    result.then(
      (value) => this.#note(o, true, value),
      (error: unknown) => this.#note(o, false, error),
    );
    return task;
  }

  #note(o: Observed, ok: boolean, value: unknown): void {
    o.settlements++;
    if (o.settlements === 1) {
      o.ok = ok;
      o.value = value;
    }
  }

  byId(id: number): ModelTask | undefined {
    return this.#byId.get(id);
  }

  /** Wires the pool's `start`, `end` and `drop` events. */
  listen(
    on: (
      event: 'start' | 'end' | 'drop' | 'retry',
      fn: (e: { id: number; attempt?: number }) => void,
    ) => void,
    policy: string,
  ): void {
    on('start', (e) => {
      this.startEvents++;
      const key = `${e.id}.${e.attempt}`;
      if (this.starts.has(key)) this.model.violations.push(`start event twice for ${key}`);
      this.starts.add(key);
    });
    on('retry', () => this.retryEvents++);
    // A task may end inside trySubmit, before its id is known: counted by id.
    on('end', (e) => this.#ends.set(e.id, (this.#ends.get(e.id) ?? 0) + 1));
    on('drop', (e) => {
      // Inside trySubmit of the newcomer: the victim is already known.
      const task = this.#byId.get(e.id);
      if (task === undefined) this.model.violations.push(`dropped unknown task ${e.id}`);
      else this.model.drop(task, this.submitting.priority, policy);
    });
  }

  /**
   * Compares settlements with the model: a mismatch is a violation; a settlement the model
   * expects that has not arrived yet is the reason to wait (returned).
   */
  pendingSettlements(): string | undefined {
    let pending: string | undefined;
    if (this.retryEvents < this.model.counters.retried)
      pending = `${this.retryEvents} retry events, the model expects ${this.model.counters.retried}`;
    for (const [task, o] of this.observed) {
      if (o.settlements > 1)
        this.#violate(`task ${task.index} settled ${o.settlements} times`, task);
      const expected = task.expected;
      if (o.settlements === 0) {
        if (expected !== undefined)
          pending ??= `task ${task.index} should have settled: ${show(expected)}`;
        continue;
      }
      if (o.checked) continue;
      if (expected === undefined) {
        const code = (o.value as { code?: unknown } | undefined)?.code;
        if (!o.ok && this.model.acceptLoss(task, code)) continue;
        o.checked = true;
        this.#violate(
          `task ${task.index} settled (${describe(o.ok, o.value)}) while the model has it ${task.phase} (attempt ${task.attempt})`,
          task,
        );
        continue;
      }
      o.checked = true;
      if (!matches(expected, o.ok, o.value))
        this.#violate(
          `task ${task.index} settled ${describe(o.ok, o.value)}, expected ${show(expected)}`,
          task,
        );
    }
    return pending;
  }

  #violate(message: string, task: ModelTask): void {
    this.model.violations.push(`${message} [task ${task.index}: ${JSON.stringify(task.spec)}]`);
  }

  note(command: Command | string): void {
    this.trace.push(typeof command === 'string' ? command : JSON.stringify(command));
  }

  /** What the counters must be: the outcomes observed (each matched), and the model's. */
  expected(): CloseReport {
    const counts = { completed: 0, failed: 0, cancelled: 0, timedOut: 0, dropped: 0 };
    for (const o of this.observed.values())
      if (o.settlements > 0) counts[outcomeOf(o.ok, o.value)]++;
    const c = this.model.counters;
    if (counts.dropped !== c.dropped)
      this.model.violations.push(
        `${counts.dropped} tasks dropped, the model saw ${c.dropped} drops`,
      );
    return {
      ...counts,
      submitted: c.submitted,
      started: this.startEvents,
      rejected: c.rejected,
      retried: c.retried,
      killed: c.killed,
    };
  }

  /** The end-of-schedule checks: settlements, and the counters in stats() and the report. */
  finish(stats: CloseReport, report: CloseReport): void {
    const v = this.model.violations;
    this.pendingSettlements();
    for (const [task, o] of this.observed) {
      if (o.settlements !== 1)
        v.push(`task ${task.index} settled ${o.settlements} times at the end`);
      const ends = this.#ends.get(task.id) ?? 0;
      if (ends !== 1) v.push(`task ${task.index} had ${ends} end events`);
    }
    const want = this.expected();
    const racing = this.model.racingKills;
    for (const [key, value] of Object.entries(want)) {
      const k = key as keyof CloseReport;
      if (k === 'killed' && racing > 0) {
        for (const [where, got] of [
          ['stats().killed', stats.killed],
          ['close report killed', report.killed],
        ] as const)
          if (got < value || got > value + racing)
            v.push(`${where} is ${got}, the model says ${value} to ${value + racing}`);
        continue;
      }
      if (stats[k] !== value) v.push(`stats().${key} is ${stats[k]}, the model says ${value}`);
      if (report[k] !== value)
        v.push(`close report ${key} is ${report[k]}, the model says ${value}`);
    }
  }

  /** Throws with every violation and the trace of the schedule. */
  assertClean(schedule: Schedule): void {
    const v = this.model.violations;
    if (v.length === 0) return;
    const unique = [...new Set(v)];
    throw new Error(
      `${unique.length} violation(s):\n  ${unique.join('\n  ')}\nconfig ${JSON.stringify(schedule.config)}, ending ${schedule.ending}\ntrace:\n  ${this.trace.join('\n  ')}`,
    );
  }
}

export { Model };
