/**
 * Option checks for `pipeline` and its stages, with the scheduler's validators: a wrong type
 * is a TypeError, a value out of range a RangeError, and the message names the option.
 */
import { normalizeTaskOptions, type TaskOptions } from '../scheduler/options.js';
import * as v from '../validate.js';
import type { DeadLetter, ErrorPolicy } from './types.js';

/** Options of the pipeline as a whole (the last argument of `pipeline`). */
export interface PipelineOptions {
  /** Aborting it cancels every stage and closes the source; the output rejects `TaskCancelledError`. */
  readonly signal?: AbortSignal;
  /** Default of every stage's `ordered`. @default true */
  readonly ordered?: boolean;
  /** Capacity of the channel after the source, and default of every stage's `buffer`. @default 16 */
  readonly buffer?: number;
  /** Default of every stage's `onError`. @default 'fail' */
  readonly onError?: ErrorPolicy;
  /**
   * Receives each dead letter (awaited: a slow callback holds the stage back). Without it,
   * dead letters go to the pipeline's `deadLetters` iterable, which must then be read.
   */
  readonly deadLetter?: (letter: DeadLetter) => void | PromiseLike<void>;
}

export interface NormalizedPipelineOptions {
  readonly signal: AbortSignal | undefined;
  readonly ordered: boolean;
  readonly buffer: number;
  readonly onError: ErrorPolicy;
  readonly deadLetter: ((letter: DeadLetter) => void | PromiseLike<void>) | undefined;
}

export const pipelineDefaults = Object.freeze({ ordered: true, buffer: 16, onError: 'fail' });

const pipelineKeys: ReadonlySet<string> = new Set([
  'signal',
  'ordered',
  'buffer',
  'onError',
  'deadLetter',
]);

/** Pure: a frozen copy with defaults filled in. */
export function normalizePipelineOptions(options: PipelineOptions = {}): NormalizedPipelineOptions {
  const o = v.object('options', options);
  v.knownKeys('', o, pipelineKeys);
  return Object.freeze({
    signal: options.signal === undefined ? undefined : v.signal('signal', options.signal),
    ordered:
      options.ordered === undefined ? pipelineDefaults.ordered : v.boolean('ordered', o.ordered),
    buffer: options.buffer === undefined ? pipelineDefaults.buffer : buffer('buffer', o.buffer),
    onError: options.onError === undefined ? 'fail' : errorPolicy('onError', o.onError),
    deadLetter:
      options.deadLetter === undefined
        ? undefined
        : (v.fn('deadLetter', o.deadLetter) as NormalizedPipelineOptions['deadLetter']),
  });
}

/** A stage's own options; `undefined` means "the pipeline's default". */
export interface NormalizedStageOptions {
  readonly concurrency: number | undefined;
  readonly buffer: number | undefined;
  readonly ordered: boolean | undefined;
  readonly onError: ErrorPolicy | undefined;
  readonly name: string | undefined;
  /** What a pool stage passes to each task (checked here, so a bad value fails at once). */
  readonly task: TaskOptions;
}

export const stageKeys: readonly string[] = ['concurrency', 'buffer', 'ordered', 'onError', 'name'];
const taskKeys: readonly string[] = ['priority', 'timeout', 'queueTimeout', 'key', 'retries'];

/**
 * Checks a stage's options. `prefix` names the stage in messages (`'stages[1].'`); `extra`
 * are keys the caller handles itself (`pool`, `fn`, `handler`, ...). Task options are
 * accepted only when `pooled`: without a pool there is nothing to time out or retry.
 */
export function normalizeStageOptions(
  options: object,
  prefix: string,
  pooled: boolean,
  extra: readonly string[] = [],
): NormalizedStageOptions {
  const o = v.object(prefix === '' ? 'options' : prefix.slice(0, -1), options);
  if (!pooled) {
    for (const key of taskKeys) {
      if (o[key] !== undefined)
        throw new TypeError(`\`${prefix}${key}\` needs a pool: pass \`pool\` with it`);
    }
  }
  const known = new Set([...stageKeys, ...extra, ...(pooled ? taskKeys : [])]);
  v.knownKeys(prefix.slice(0, -1), o, known);
  const task: Record<string, unknown> = {};
  for (const key of taskKeys) if (o[key] !== undefined) task[key] = o[key];
  if (pooled) {
    try {
      normalizeTaskOptions(task);
    } catch (error) {
      if (error instanceof TypeError || error instanceof RangeError) {
        const Kind = error instanceof TypeError ? TypeError : RangeError;
        throw new Kind(prefix === '' ? error.message : error.message.replace('`', `\`${prefix}`));
      }
      throw error;
    }
  }
  return Object.freeze({
    concurrency:
      o.concurrency === undefined ? undefined : v.integer(`${prefix}concurrency`, o.concurrency, 1),
    buffer: o.buffer === undefined ? undefined : buffer(`${prefix}buffer`, o.buffer),
    ordered: o.ordered === undefined ? undefined : v.boolean(`${prefix}ordered`, o.ordered),
    onError: o.onError === undefined ? undefined : errorPolicy(`${prefix}onError`, o.onError),
    name: o.name === undefined ? undefined : v.string(`${prefix}name`, o.name),
    task: Object.freeze(task as TaskOptions),
  });
}

function buffer(name: string, value: unknown): number {
  return v.integer(name, value, 0);
}

function errorPolicy(name: string, value: unknown): ErrorPolicy {
  if (value !== 'fail' && value !== 'dead-letter') {
    throw new TypeError(
      `Expected \`${name}\` to be 'fail' or 'dead-letter', got ${v.describe(value)}`,
    );
  }
  return value;
}
