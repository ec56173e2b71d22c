/**
 * `pipeline(source, ...stages, options?)` and its stage helpers. Built on the public pools
 * and the Go primitives of `sync/` (Channel, ErrGroup, select); nothing in pool/ or below
 * knows of it.
 */
import { type Pipeline, pipelineOf } from './pipeline.js';
import type { PipelineFunction } from './signatures.js';

/**
 * Chains `stages` after `source`, each with its own concurrency and a bounded buffer, so a
 * slow stage throttles the source, and one error or signal stops every stage. See README.
 *
 * ```ts
 * const out = pipeline(files, (f) => readFile(f), { pool: threads, handler: 'process' }, write);
 * for await (const written of out) console.log(written);
 * ```
 */
export const pipeline: PipelineFunction = ((...args: unknown[]) =>
  pipelineOf(args)) as unknown as PipelineFunction;

export { type BatchOptions, batch } from './batch.js';
export { fanOut } from './fan-out.js';
export { merge } from './merge.js';
export type { NormalizedPipelineOptions, PipelineOptions } from './options.js';
export type { PipelineFunction, StageInputMismatch, StageOf } from './signatures.js';
export { filter, flatMap, type MapStageOptions, map } from './stages.js';
export type {
  DeadLetter,
  ErrorPolicy,
  PoolStage,
  Source,
  Stage,
  StageContext,
  StageFunction,
  StageOptions,
  StageOutput,
  StageTaskOptions,
  ThreadStage,
} from './types.js';
export type { Pipeline };
