/**
 * Drives one schedule against a pool (through an Adapter) and the model side by side. After
 * each command it waits until the step is at rest: the model's expectations and what the
 * pool shows agree, or nothing more can happen (a reason then says what is missing, and
 * the schedule fails as stuck). Time moves only by the ManualClock, timer by timer, so the
 * model always knows which came first.
 */
import { Harness, type ReportLike, type StatsLike } from './harness.js';
import { Model, type ModelTask } from './model.js';
import type { Command, Schedule, Spec } from './schedule.js';

export interface Clockish {
  now(): number;
  nextAt(): number | undefined;
  advance(ms: number): void;
  readonly pending: number;
}

/** What a driver needs of one kind of pool. */
export interface Adapter {
  readonly clock: Clockish;
  /** Threads: the kill grace; in-process pools cannot kill. */
  readonly killGrace: number | undefined;
  /** Offers a task (trySubmit); undefined if refused, 'invalid' if its options are refused. */
  submit(
    spec: Spec,
    index: number,
  ): { id: number; result: Promise<unknown> } | undefined | 'invalid';
  cancel(task: ModelTask): void;
  /** Opens the gate of `attempt` of `task`. */
  open(task: ModelTask, attempt: number): void;
  pause(): void;
  resume(): void;
  resize(n: number): void;
  /** Feeds what the pool did since the last call to the model (begins, deaths). */
  ingest(model: Model): void;
  /** Why the step is not at rest yet, beyond settlements (begins, slots, deaths). */
  pending(model: Model, h: Harness): string | undefined;
  /** Waits a little for the pool to move (a turn of the event loop, or a few ms for threads). */
  wait(): Promise<void>;
  /** Waits given up after this many `wait()`s. */
  readonly patience: number;
  /** Before close: makes room so what waits can run (in-process zombies hold slots for ever). */
  room?(model: Model, h: Harness): void;
  on(
    event: 'start' | 'end' | 'drop' | 'retry',
    fn: (e: { id: number; attempt?: number }) => void,
  ): void;
  stats(): StatsLike;
  close(): Promise<ReportLike>;
  terminate(): Promise<ReportLike>;
  /** Last checks once the pool is shut (threads gone, shared-memory flags). */
  after(model: Model): void;
}

/** Behaviors that never end unless stopped. */
const forever = new Set(['never', 'abortable', 'spin']);

export async function drive(schedule: Schedule, a: Adapter): Promise<void> {
  const model = new Model(schedule.config.size, a.killGrace);
  const h = new Harness(model);
  h.listen((event, fn) => a.on(event, fn), schedule.config.overflow);
  let terminated = false;
  let closing = false;
  const clock = a.clock;

  const rest = async (): Promise<void> => {
    for (let turn = 0; ; turn++) {
      a.ingest(model);
      if (closing) model.closed();
      const settled = h.pendingSettlements();
      const reason = terminated ? settled : (settled ?? a.pending(model, h));
      if (reason === undefined) return;
      if (turn >= a.patience) {
        model.violations.push(`stuck: ${reason}`);
        return;
      }
      await a.wait();
    }
  };

  const pick = (n: number): ModelTask | undefined =>
    model.tasks[n % Math.max(1, model.tasks.length)];

  const cancel = (task: ModelTask): void => {
    if (task.phase === 'settled') return;
    model.cancel(task);
    a.cancel(task);
  };

  /** Moves the clock to `target`, stopping at every timer (the model's or the pool's). */
  const advance = async (target: number): Promise<void> => {
    for (let steps = 0; ; steps++) {
      if (steps > 1000) {
        model.violations.push(`the clock cannot reach ${target}: timers keep falling due`);
        return;
      }
      const next = Math.min(clock.nextAt() ?? target, model.nextDue() ?? target, target);
      const at = Math.max(next, model.now);
      clock.advance(at - clock.now());
      model.advanceTo(at);
      await rest();
      if (at >= target && (clock.nextAt() ?? Number.POSITIVE_INFINITY) > target) return;
    }
  };

  const apply = async (command: Command): Promise<void> => {
    h.note(command);
    switch (command.c) {
      case 'submit': {
        const { spec } = command;
        h.submitting.priority = spec.priority;
        const accepted = a.submit(spec, model.tasks.length);
        if (accepted === undefined) model.refuse();
        else if (accepted !== 'invalid') h.accept(spec, accepted.id, accepted.result);
        break;
      }
      case 'release': {
        const task = pick(command.pick);
        if (task === undefined || (task.phase === 'settled' && !task.holder)) break;
        const attempt = task.attempt;
        model.release(task);
        a.open(task, attempt);
        break;
      }
      case 'cancel': {
        const task = pick(command.pick);
        if (task !== undefined) cancel(task);
        break;
      }
      case 'advance':
        await advance(model.now + command.ms);
        return;
      case 'pause':
        model.pause();
        a.pause();
        break;
      case 'resume':
        model.resume();
        a.resume();
        break;
      case 'resize':
        model.resize(command.n);
        a.resize(command.n);
        break;
    }
    await rest();
  };

  for (const command of schedule.commands) await apply(command);

  let report: ReportLike;
  if (schedule.ending === 'close') {
    h.note('close');
    for (const task of model.tasks)
      for (let attempt = task.attempt; attempt <= task.spec.retries + 1; attempt++)
        a.open(task, attempt);
    model.releaseAll();
    await rest();
    // What would never end by itself is cancelled first, or close() rightly waits for ever.
    for (const task of model.tasks) {
      if (task.phase === 'settled' || task.spec.timeout !== undefined) continue;
      const left = task.spec.steps.slice(task.attempt - 1).map((s) => s.behavior);
      if (left.some((b) => forever.has(b))) cancel(task);
    }
    await rest();
    model.resume(); // close() lets a paused pool finish its work
    let closed: ReportLike | undefined;
    closing = true;
    model.closing = true;
    const shut = a.close().then((r) => {
      closed = r;
    });
    for (let i = 0; i < a.patience && closed === undefined; i++) {
      a.room?.(model, h);
      await rest();
      if (closed !== undefined) break;
      const at = clock.nextAt();
      if (at !== undefined) await advance(at);
      else await a.wait();
    }
    if (closed === undefined) {
      model.violations.push('close() did not resolve');
      report = await a.terminate();
    } else {
      await shut;
      report = closed;
    }
  } else {
    h.note('terminate');
    model.terminate();
    terminated = true;
    report = await a.terminate();
  }
  terminated = true;
  await rest();
  for (let i = 0; i < 3; i++) await a.wait();
  h.finish(a.stats(), report);
  if (clock.pending !== 0) model.violations.push(`${clock.pending} timers left after shutdown`);
  a.after(model);
  h.assertClean(schedule);
}
