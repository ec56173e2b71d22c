/**
 * The model a chaos schedule is checked against: for every task, what it is doing (waiting,
 * running, in backoff, settled) and, once settled, the one outcome the contract allows
 * (DESIGN.md invariants 1, 2, 7, 8). The test drives the pool and the model side by side;
 * the model is told what only the pool may choose (which waiting task begins next, which one
 * a drop policy evicts) and checks the choice was allowed, and predicts everything else:
 * each outcome, each retry, which tasks hold a slot, when a killed thread must die.
 */
import { type Expected, show } from './outcomes.js';
import { type Behavior, immediate, type Spec, type Step } from './schedule.js';

export type { Expected };

export interface ModelTask {
  /** Index in the schedule (and the task's slot in shared memory). */
  readonly index: number;
  readonly spec: Spec;
  readonly id: number;
  attempt: number;
  phase: 'waiting' | 'running' | 'backoff' | 'settled';
  beganAt: number;
  /** Backoff end. */
  until: number;
  /** Holds a worker slot (running, or stopped but not yet ended: a zombie). */
  holder: boolean;
  /** Past its gate (its behavior ran or runs). */
  pastGate: boolean;
  /** The current attempt's signal aborted (cancel or timeout). */
  stopped: boolean;
  /** Threads: when its thread is killed (killGrace after the stop). */
  killAt: number | undefined;
  /** Its thread was killed; the test must see the thread exit. */
  mustDie: boolean;
  /** Gates opened, by attempt (1-based). */
  readonly opened: Set<number>;
  expected: Expected | undefined;
  /** Transferred input, waiting while its thread was recalled or died: may fail typed. */
  atRisk: boolean;
  /** Attempts begun. */
  begun: number;
}

export interface Counters {
  submitted: number;
  rejected: number;
  retried: number;
  dropped: number;
  started: number;
  /** Running work stopped by force: threads killed past killGrace or with the pool. */
  killed: number;
}

const crashes: ReadonlySet<Behavior> = new Set(['exit', 'oom']);

export function step(task: ModelTask): Step {
  const steps = task.spec.steps;
  return steps[Math.min(task.attempt, steps.length) - 1] as Step;
}

/** What the attempt's failure is (for a behavior that is not `value`). */
function failure(task: ModelTask, behavior: Behavior): Expected {
  const tag = `${task.index}.${task.attempt}`;
  if (crashes.has(behavior)) return { kind: 'code', codes: ['ERR_WORKER_CRASHED'] };
  if (behavior === 'uncloneable') return { kind: 'code', codes: ['ERR_DATA_CLONE'] };
  return { kind: 'thrown', behavior, tag };
}

export class Model {
  readonly tasks: ModelTask[] = [];
  readonly counters: Counters = {
    submitted: 0,
    rejected: 0,
    retried: 0,
    dropped: 0,
    started: 0,
    killed: 0,
  };
  readonly violations: string[] = [];
  now = 0;
  paused = false;
  limit: number;
  /** Threads: ms from a stop to the kill; undefined for in-process pools (they cannot kill). */
  readonly #killGrace: number | undefined;
  #terminated = false;
  /** Set by the driver once close() is called. */
  closing = false;
  /**
   * Threads: stopped tasks that end on their own (their signal aborted) while close() runs:
   * close() may stop their thread first, once everything is settled, and count it killed.
   */
  racingKills = 0;

  constructor(limit: number, killGrace: number | undefined) {
    this.limit = limit;
    this.#killGrace = killGrace;
  }

  accept(spec: Spec, id: number): ModelTask {
    this.counters.submitted++;
    const task: ModelTask = {
      index: this.tasks.length,
      spec,
      id,
      attempt: 1,
      phase: 'waiting',
      beganAt: 0,
      until: 0,
      holder: false,
      pastGate: false,
      stopped: false,
      killAt: undefined,
      mustDie: false,
      opened: new Set(),
      expected: undefined,
      atRisk: false,
      begun: 0,
    };
    this.tasks.push(task);
    return task;
  }

  refuse(): void {
    this.counters.rejected++;
  }

  get holders(): number {
    return this.tasks.filter((t) => t.holder).length;
  }

  get waiting(): ModelTask[] {
    return this.tasks.filter((t) => t.phase === 'waiting');
  }

  /** The pool began `attempt` of `task` (observed). */
  begin(task: ModelTask, attempt: number): void {
    // terminate() cancels a task sent ahead while its thread may already be taking it up
    // (the task before it just ended, aborted by the same terminate): a race the thread
    // cannot see coming, and the thread is killed at once either way.
    if (this.#terminated) return;
    // A zero-delay backoff that ended inside the same clock step (a ManualClock fires the
    // timers a step's own timers set, when due within it).
    if (task.phase === 'backoff' && task.until <= this.now) task.phase = 'waiting';
    const why =
      task.phase !== 'waiting'
        ? `it is ${task.phase}${task.expected === undefined ? '' : ` (${show(task.expected)})`}`
        : attempt !== task.attempt
          ? `the model expects attempt ${task.attempt}`
          : this.paused
            ? 'the pool is paused'
            : this.holders >= this.limit
              ? `${this.holders} tasks hold the ${this.limit} slots`
              : undefined;
    if (why !== undefined) {
      this.violations.push(`task ${task.index} began attempt ${attempt}, but ${why}`);
      return;
    }
    this.counters.started++;
    task.begun++;
    task.phase = 'running';
    task.holder = true;
    task.pastGate = false;
    task.stopped = false;
    task.beganAt = this.now;
    task.atRisk = false;
    if (step(task).gate === 'none' || task.opened.has(task.attempt)) this.#proceed(task);
  }

  /** A drop policy evicted `task` (observed) to make room for a newcomer of `priority`. */
  drop(task: ModelTask, priority: number, policy: string): void {
    if (task.phase !== 'waiting' || task.begun >= task.attempt) {
      this.violations.push(`task ${task.index} was dropped while ${task.phase}`);
      return;
    }
    if (policy === 'drop-lowest' && task.spec.priority >= priority)
      this.violations.push(
        `drop-lowest evicted task ${task.index} (priority ${task.spec.priority}) for priority ${priority}`,
      );
    this.counters.dropped++;
    this.#settle(task, { kind: 'code', codes: ['ERR_TASK_DROPPED'] });
  }

  /** The test opens the gate of the task's current attempt. */
  release(task: ModelTask): void {
    if (task.phase === 'settled' && !task.holder) return;
    task.opened.add(task.attempt);
    if (task.phase === 'running' || task.holder) {
      if (!task.pastGate && step(task).gate !== 'none') this.#proceed(task);
    }
  }

  /** Opens every gate of every attempt (before a graceful close). */
  releaseAll(): void {
    for (const t of this.tasks) {
      for (let a = t.attempt; a <= t.spec.retries + 1; a++) t.opened.add(a);
      if (t.holder && !t.pastGate) this.#proceed(t);
    }
  }

  cancel(task: ModelTask): void {
    if (task.phase === 'settled') return;
    const running = task.phase === 'running';
    this.#settle(task, { kind: 'code', codes: ['ERR_TASK_CANCELLED'] });
    if (running) this.#stop(task);
  }

  pause(): void {
    this.paused = true;
    this.#risk();
  }

  resume(): void {
    this.paused = false;
  }

  resize(n: number): void {
    if (n < this.limit) this.#risk();
    this.limit = n;
  }

  /** Threads: a thread died or was killed (what it held ahead of time goes back). */
  threadDied(): void {
    this.#risk();
  }

  /**
   * A transferred task's input may have moved to a thread that gave it back: it must then
   * fail with a typed error or run with intact input (issue 11, point 3).
   */
  #risk(): void {
    for (const t of this.tasks) if (t.phase === 'waiting' && t.spec.transfer) t.atRisk = true;
  }

  /**
   * The pool settled a waiting at-risk task with a typed error before it began (observed):
   * allowed for a task whose transferred input was lost. Returns whether it was allowed.
   */
  acceptLoss(task: ModelTask, code: unknown): boolean {
    if (!task.atRisk || typeof code !== 'string' || !code.startsWith('ERR_')) return false;
    if (task.phase !== 'waiting' && task.phase !== 'backoff') return false;
    // Failed instead of retried (the input is gone): the retry the model counted did not happen.
    if (task.phase === 'backoff') this.counters.retried--;
    this.#settle(task, { kind: 'code', codes: [code] });
    return true;
  }

  /** The next time the model expects something to happen by the clock. */
  nextDue(): number | undefined {
    let at: number | undefined;
    const consider = (t: number): void => {
      if (at === undefined || t < at) at = t;
    };
    for (const t of this.tasks) {
      if (t.phase === 'running' && t.spec.timeout !== undefined)
        consider(t.beganAt + t.spec.timeout);
      if (t.phase === 'backoff') consider(t.until);
      if (t.killAt !== undefined) consider(t.killAt);
    }
    return at;
  }

  /** Moves the model's time to `time`, applying what falls due, earliest first. */
  advanceTo(time: number): void {
    for (;;) {
      const due = this.nextDue();
      if (due === undefined || due > time) break;
      this.now = due;
      for (const t of this.tasks) {
        if (t.killAt !== undefined && t.killAt <= due) {
          t.killAt = undefined;
          t.holder = false;
          t.mustDie = true;
          this.counters.killed++;
          this.threadDied();
        }
      }
      for (const t of this.tasks) {
        if (
          t.phase === 'running' &&
          t.spec.timeout !== undefined &&
          t.beganAt + t.spec.timeout <= due
        ) {
          this.#settle(t, { kind: 'code', codes: ['ERR_TASK_TIMEOUT'] });
          this.#stop(t);
        }
      }
      for (const t of this.tasks) {
        if (t.phase === 'backoff' && t.until <= due) t.phase = 'waiting';
      }
    }
    this.now = time;
  }

  /**
   * `terminate()`: every unsettled task is cancelled; a waiting one may instead reject
   * PoolClosedError (queued, not yet handed to a thread). Returns how many tasks were
   * running (the report's `killed`).
   */
  terminate(): number {
    this.#terminated = true;
    const killed = this.holders;
    // A thread task that ends on its signal may end before its thread is terminated (then
    // it is not killed) or not: a race the model allows, as for close (see racingKills).
    const racing =
      this.#killGrace === undefined
        ? 0
        : this.tasks.filter((t) => t.holder && t.pastGate && step(t).behavior === 'abortable')
            .length;
    this.counters.killed += killed - racing;
    this.racingKills += racing;
    for (const t of this.tasks) {
      if (t.phase === 'settled') continue;
      const waiting = t.phase === 'waiting';
      this.#settle(t, {
        kind: 'code',
        codes: waiting ? ['ERR_POOL_CLOSED', 'ERR_TASK_CANCELLED'] : ['ERR_TASK_CANCELLED'],
      });
    }
    for (const t of this.tasks) {
      t.holder = false;
      t.killAt = undefined;
    }
    return killed;
  }

  /**
   * Threads: a closing pool with every task settled stops its threads, so what still runs
   * (stopped tasks waiting out killGrace) ends with them.
   */
  closed(): void {
    if (this.#killGrace === undefined || this.tasks.some((t) => t.phase !== 'settled')) return;
    for (const t of this.tasks) {
      if (t.holder) this.counters.killed++;
      t.holder = false;
      t.killAt = undefined;
    }
  }

  // ---- the attempt's life ----------------------------------------------------------------

  #proceed(task: ModelTask): void {
    task.pastGate = true;
    const behavior = step(task).behavior;
    if (immediate.has(behavior) || (behavior === 'abortable' && task.stopped)) this.#end(task);
  }

  /** Cancel or timeout of a running attempt: its signal aborts. */
  #stop(task: ModelTask): void {
    task.stopped = true;
    if (!task.holder) return;
    if (task.pastGate && step(task).behavior === 'abortable') {
      if (this.closing && this.#killGrace !== undefined) this.racingKills++;
      this.#end(task);
    } else if (this.#killGrace !== undefined && task.killAt === undefined)
      task.killAt = this.now + this.#killGrace;
  }

  /** The attempt's work ended: its slot is free; its outcome counts unless settled already. */
  #end(task: ModelTask): void {
    task.holder = false;
    task.killAt = undefined;
    if (task.phase === 'settled') return; // a late result: ignored
    const behavior = step(task).behavior;
    if (behavior === 'value') {
      this.#settle(task, { kind: 'value', value: `${task.index}:${task.attempt}` });
      return;
    }
    if (crashes.has(behavior)) this.threadDied();
    const failed = failure(task, behavior);
    if (task.attempt <= task.spec.retries) {
      this.counters.retried++;
      // A retry sends the input again: a transferred one is no longer here (issue 11, 3).
      if (task.spec.transfer) task.atRisk = true;
      task.phase = 'backoff';
      task.until = this.now + task.spec.delay;
      task.attempt++;
      task.pastGate = false;
      task.stopped = false;
      return;
    }
    this.#settle(task, failed);
  }

  #settle(task: ModelTask, expected: Expected): void {
    task.phase = 'settled';
    task.expected = expected;
  }
}
