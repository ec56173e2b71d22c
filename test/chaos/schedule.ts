/**
 * The chaos schedules: what a task does on each attempt, and the commands a schedule is
 * made of. Shared by the Pool and ThreadPool chaos tests; the model (model.ts) knows what
 * each command must lead to.
 */
import fc from 'fast-check';

/**
 * What one attempt of a task does once past its gate. Immediate ones end at once; `never`
 * (a promise that never settles, ignoring its signal), `abortable` (settles only when its
 * signal aborts) and `spin` (a loop that never yields) hold their slot until stopped.
 */
export type Behavior =
  | 'value'
  | 'error'
  | 'string'
  | 'undefined'
  | 'object'
  | 'thenable'
  | 'never'
  | 'abortable'
  | 'uncloneable'
  | 'exit'
  | 'oom'
  | 'spin';

/** Behaviors that end without help (the rest hold their slot until stopped). */
export const immediate: ReadonlySet<Behavior> = new Set([
  'value',
  'error',
  'string',
  'undefined',
  'object',
  'thenable',
  'uncloneable',
  'exit',
  'oom',
]);

/**
 * `none`: the behavior runs as the attempt begins. `sync`: it first blocks (threads:
 * Atomics.wait, deaf to its signal) until the test opens its gate; `async`: it awaits the
 * gate (threads: Atomics.waitAsync), still ignoring its signal.
 */
export type GateKind = 'none' | 'sync' | 'async';

export interface Step {
  readonly behavior: Behavior;
  readonly gate: GateKind;
}

export interface Spec {
  /** Attempt n runs `steps[min(n, length) - 1]`. */
  readonly steps: readonly Step[];
  readonly timeout: number | undefined;
  /** Retries after the first attempt (fixed backoff of `delay` ms). */
  readonly retries: number;
  readonly delay: number;
  readonly priority: number;
  /** Cancel through an AbortSignal instead of `task.cancel()`. */
  readonly viaSignal: boolean;
  /** ThreadPool: the input carries an ArrayBuffer moved with `transfer`. */
  readonly transfer: boolean;
}

export type Command =
  | { readonly c: 'submit'; readonly spec: Spec }
  | { readonly c: 'release'; readonly pick: number }
  | { readonly c: 'cancel'; readonly pick: number }
  | { readonly c: 'advance'; readonly ms: number }
  | { readonly c: 'pause' }
  | { readonly c: 'resume' }
  | { readonly c: 'resize'; readonly n: number };

export type Overflow = 'wait' | 'reject' | 'drop-oldest' | 'drop-lowest';

export interface Config {
  /** Pool: concurrency; ThreadPool: threads (one task each at a time). */
  readonly size: number;
  readonly maxQueue: number;
  readonly overflow: Overflow;
  /** ThreadPool only. */
  readonly prefetch: number;
}

export interface Schedule {
  readonly config: Config;
  readonly commands: readonly Command[];
  readonly ending: 'close' | 'terminate';
}

function longMode(): boolean {
  return (process.env.CHAOS_RUNS ?? '') !== '';
}

/** node:test options of a chaos test: no time limit in the long mode. */
export function testOptions(): { timeout: number } {
  return { timeout: longMode() ? Number.POSITIVE_INFINITY : 115_000 };
}

/** Runs from the environment: `CHAOS_RUNS=5000` for the long mode. */
export function runs(fallback: number): number {
  const value = process.env.CHAOS_RUNS;
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`CHAOS_RUNS must be a positive integer, got ${value}`);
  return n;
}

/** The task options of `spec` (retries with a fixed backoff; the signal of `controller`). */
export function taskOptions(
  spec: Spec,
  controller: AbortController | undefined,
): {
  priority: number;
  timeout?: number;
  retries?: { attempts: number; backoff: 'fixed'; delay: number };
  signal?: AbortSignal;
} {
  return {
    priority: spec.priority,
    ...(spec.timeout === undefined ? {} : { timeout: spec.timeout }),
    ...(spec.retries === 0
      ? {}
      : { retries: { attempts: spec.retries, backoff: 'fixed' as const, delay: spec.delay } }),
    ...(controller === undefined ? {} : { signal: controller.signal }),
  };
}

/**
 * fast-check parameters from the environment: `CHAOS_RUNS` (runs), `CHAOS_SEED` (replay a
 * seed), `CHAOS_PATH` (with the seed: replay one counterexample, as fast-check prints it).
 */
export function parameters(fallbackRuns: number): {
  numRuns: number;
  includeErrorInReport: true;
  interruptAfterTimeLimit?: number;
  seed?: number;
  path?: string;
} {
  const seed = process.env.CHAOS_SEED;
  const path = process.env.CHAOS_PATH;
  return {
    numRuns: runs(fallbackRuns),
    includeErrorInReport: true,
    // In `npm test`, stop well before the runner's 120 s timeout: a failure found by then is
    // still reported (shrunk as far as it got). The long mode runs to the end.
    ...(longMode() ? {} : { interruptAfterTimeLimit: 60_000 }),
    ...(seed === undefined || seed === '' ? {} : { seed: Number(seed) }),
    ...(path === undefined || path === '' ? {} : { path }),
  };
}

interface Options {
  readonly behaviors: readonly {
    readonly weight: number;
    readonly arbitrary: fc.Arbitrary<Behavior>;
  }[];
  readonly sizes: readonly number[];
  readonly transfers: boolean;
  readonly maxCommands: number;
}

function specArb(o: Options): fc.Arbitrary<Spec> {
  const step = fc.record({
    behavior: fc.oneof(...o.behaviors),
    gate: fc.constantFrom<GateKind>('none', 'none', 'sync', 'async'),
  });
  return fc.record({
    steps: fc.array(step, { minLength: 1, maxLength: 3 }),
    timeout: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
    retries: fc.constantFrom(0, 0, 1, 2),
    delay: fc.integer({ min: 0, max: 15 }),
    priority: fc.integer({ min: -1, max: 1 }),
    viaSignal: fc.boolean(),
    transfer: o.transfers ? fc.boolean() : fc.constant(false),
  });
}

function scheduleArb(o: Options): fc.Arbitrary<Schedule> {
  const command: fc.Arbitrary<Command> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ c: fc.constant('submit' as const), spec: specArb(o) }) },
    { weight: 4, arbitrary: fc.record({ c: fc.constant('release' as const), pick: fc.nat(30) }) },
    { weight: 2, arbitrary: fc.record({ c: fc.constant('cancel' as const), pick: fc.nat(30) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        c: fc.constant('advance' as const),
        ms: fc.integer({ min: 1, max: 25 }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ c: 'pause' as const }) },
    { weight: 1, arbitrary: fc.constant({ c: 'resume' as const }) },
    {
      weight: 1,
      arbitrary: fc.record({ c: fc.constant('resize' as const), n: fc.constantFrom(...o.sizes) }),
    },
  );
  return fc.record({
    config: fc.record({
      size: fc.constantFrom(...o.sizes),
      maxQueue: fc.constantFrom(0, 1, 3, Number.POSITIVE_INFINITY),
      overflow: fc.constantFrom<Overflow>('wait', 'reject', 'drop-oldest', 'drop-lowest'),
      prefetch: fc.integer({ min: 0, max: 2 }),
    }),
    commands: fc.array(command, { maxLength: o.maxCommands }),
    ending: fc.constantFrom('close' as const, 'terminate' as const),
  });
}

const common = [
  { weight: 6, arbitrary: fc.constant<Behavior>('value') },
  { weight: 2, arbitrary: fc.constant<Behavior>('error') },
  { weight: 1, arbitrary: fc.constantFrom<Behavior>('string', 'undefined', 'object') },
  { weight: 1, arbitrary: fc.constant<Behavior>('thenable') },
  { weight: 1, arbitrary: fc.constantFrom<Behavior>('never', 'abortable') },
];

/** Schedules for an in-process Pool. */
export const poolSchedule = scheduleArb({
  behaviors: common,
  sizes: [1, 2, 3],
  transfers: false,
  maxCommands: 40,
});

/** Schedules for a ThreadPool: crashes, out of memory, runaway loops, uncloneable results, transfers. */
export const threadSchedule = scheduleArb({
  behaviors: [
    ...common,
    { weight: 1, arbitrary: fc.constant<Behavior>('uncloneable') },
    { weight: 2, arbitrary: fc.constant<Behavior>('exit') },
    { weight: 1, arbitrary: fc.constant<Behavior>('spin') },
    // Filling a heap takes a while: rarely.
    { weight: 1, arbitrary: fc.constantFrom<Behavior>('oom', 'exit', 'exit', 'exit') },
  ],
  sizes: [1, 2],
  transfers: true,
  maxCommands: 24,
});
