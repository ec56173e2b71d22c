/**
 * The stage helpers `map`, `filter` and `flatMap`, and `toStep`, which turns anything
 * `pipeline` accepts as a stage (a function, `{ pool, fn }`, `{ pool, handler }`, a helper's
 * stage) into its run-time `Step`.
 */
import type { TransferListItem } from 'node:worker_threads';
import { Pool } from '../pool/pool.js';
import { ThreadPool } from '../pool/thread-pool.js';
import * as v from '../validate.js';
import { functionCall, poolCall, threadCall } from './calls.js';
import { type Call, type Kind, MapStep } from './map-step.js';
import { type NormalizedStageOptions, normalizeStageOptions } from './options.js';
import { Step } from './step.js';
import type {
  Stage,
  StageContext,
  StageFunction,
  StageOptions,
  StageTaskOptions,
} from './types.js';

/** Options of `map`, `filter` and `flatMap`: a stage's, plus a `Pool` to run on and its task options. */
export interface MapStageOptions extends StageOptions, StageTaskOptions {
  /** Run each item as a task on this in-process pool. @default the calling thread, no pool */
  readonly pool?: Pool;
}

/** A stage passing on `fn(item)` for each item. */
export function map<I, O>(
  fn: (item: I, context: StageContext) => O | PromiseLike<O>,
  options?: MapStageOptions,
): Stage<I, Awaited<O>> {
  return helper('map', fn as StageFunction<unknown, unknown>, options) as Stage<I, Awaited<O>>;
}

/** A stage passing on the items for which `predicate` is truthy (a type guard narrows). */
export function filter<I, O extends I>(
  predicate: (item: I, context: StageContext) => item is O,
  options?: MapStageOptions,
): Stage<I, O>;
export function filter<I>(
  predicate: (item: I, context: StageContext) => unknown,
  options?: MapStageOptions,
): Stage<I, I>;
export function filter(
  predicate: StageFunction<unknown, unknown>,
  options?: MapStageOptions,
): Stage<unknown, unknown> {
  return helper('filter', predicate, options);
}

/** A stage passing on every element of the (async) iterable `fn(item)` returns, in order. */
export function flatMap<I, O>(
  fn: (item: I, context: StageContext) => AsyncIterable<O>,
  options?: MapStageOptions,
): Stage<I, O>;
export function flatMap<I, O>(
  fn: (item: I, context: StageContext) => Iterable<O> | PromiseLike<Iterable<O>>,
  options?: MapStageOptions,
): Stage<I, O>;
export function flatMap(
  fn: StageFunction<unknown, unknown>,
  options?: MapStageOptions,
): Stage<unknown, unknown> {
  return helper('flatMap', fn, options);
}

function helper(
  kind: Kind,
  fn: StageFunction<unknown, unknown>,
  options: MapStageOptions | undefined,
): Stage<unknown, unknown> {
  v.fn(kind === 'filter' ? 'predicate' : 'fn', fn);
  const pool = options?.pool;
  if (pool !== undefined && !(pool instanceof Pool)) {
    throw new TypeError(
      `Expected \`pool\` to be a Pool (run thread handlers with { pool, handler }), got ${v.describe(pool)}`,
    );
  }
  const o = normalizeStageOptions(options ?? {}, '', pool !== undefined, ['pool']);
  const call = pool === undefined ? functionCall(fn) : poolCall(pool, fn, taskOptions(o));
  return new MapStep(kind, call, o) as unknown as Stage<unknown, unknown>;
}

/** Anything accepted as a stage, as its `Step`; `position` names it in errors. */
export function toStep(spec: unknown, position: number): Step {
  if (spec instanceof Step) return spec;
  const prefix = `stages[${position}].`;
  if (typeof spec === 'function') {
    return new MapStep(
      'map',
      functionCall(spec as StageFunction<unknown, unknown>),
      normalizeStageOptions({}, prefix, false),
    );
  }
  if (typeof spec === 'object' && spec !== null && 'pool' in spec) {
    return new MapStep(
      'map',
      poolStageCall(spec as Record<string, unknown>, prefix),
      stageOf(spec, prefix),
    );
  }
  throw new TypeError(
    `Expected \`stages[${position}]\` to be a function, a stage (map, filter, flatMap, batch, fanOut) or { pool, fn } / { pool, handler }, got ${v.describe(spec)}`,
  );
}

function stageOf(spec: object, prefix: string): NormalizedStageOptions {
  return normalizeStageOptions(spec, prefix, true, ['pool', 'fn', 'handler', 'transfer']);
}

function poolStageCall(spec: Record<string, unknown>, prefix: string): Call {
  const o = stageOf(spec, prefix);
  const { pool } = spec;
  if (pool instanceof ThreadPool) {
    if (spec.fn !== undefined) {
      throw new TypeError(`\`${prefix}fn\` runs on a Pool; a ThreadPool stage names a \`handler\``);
    }
    const handler = v.string(`${prefix}handler`, spec.handler);
    const transfer =
      spec.transfer === undefined
        ? undefined
        : (v.fn(`${prefix}transfer`, spec.transfer) as (item: unknown) => TransferListItem[]);
    // What ThreadPool.run would refuse for every item, refused once, now.
    if (transfer !== undefined && o.task.retries !== undefined)
      throw new TypeError(
        `Expected \`${prefix}retries\` to be unset with \`${prefix}transfer\`: transferred input moves to the first attempt's thread, so a retry would get a detached buffer (pass a copy, or do not transfer)`,
      );
    return threadCall(pool as ThreadPool, handler, taskOptions(o), transfer);
  }
  if (pool instanceof Pool) {
    if (spec.handler !== undefined) {
      throw new TypeError(
        `\`${prefix}handler\` names a thread handler; a Pool stage takes a \`fn\``,
      );
    }
    const fn = v.fn(`${prefix}fn`, spec.fn) as StageFunction<unknown, unknown>;
    return poolCall(pool, fn, taskOptions(o));
  }
  throw new TypeError(
    `Expected \`${prefix}pool\` to be a Pool or a ThreadPool, got ${v.describe(pool)}`,
  );
}

/** The task options a pool stage passes on; its `name` labels the tasks' metrics too. */
function taskOptions(o: NormalizedStageOptions): NormalizedStageOptions['task'] {
  return o.name === undefined ? o.task : { ...o.task, name: o.name };
}
