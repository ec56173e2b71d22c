/**
 * The types of `pipeline`: one overload per number of stages (1 to 8), so the item type
 * flows from the source through every stage. A stage is typed from what it is:
 *
 * - a function, `map(...)`, `{ pool, fn }`: its (awaited) result;
 * - `{ pool: threads, handler: 'name' }`: the handler's output, from the pool's task module;
 * - `filter` keeps the type (or narrows it with a type guard), `flatMap` unwraps the
 *   iterable, `batch` makes arrays, `fanOut` the union of its branches.
 *
 * A thread stage whose handler does not take the items before it makes the result a
 * `StageInputMismatch` (first stage: an error at the `handler`), not a pipeline. (Checking
 * later stages in the argument itself would stop TypeScript inferring the type of an
 * unannotated function before it.) Longer pipelines: nest stages in a `fanOut` of one, or
 * pipe one pipeline's output into another (a pipeline is an async iterable source).
 */
import type { HandlerInput, HandlerName, HandlerOutput } from '../task.js';
import type { PipelineOptions } from './options.js';
import type { Pipeline } from './pipeline.js';
import type { PoolStage, Source, Stage, StageFunction, ThreadStage } from './types.js';

/** A stage taking `I` and passing on `O`, except thread stages (typed from their pool). */
export type StageOf<I, O> = StageFunction<I, O> | Stage<I, O> | PoolStage<I, O>;

/**
 * What a stage passes on: `B` (inferred from a function or stage), or a thread handler's
 * output. `K` is `never` for a stage that is no thread stage, or `unknown` while TypeScript
 * is still inferring (a helper such as `map(...)` is typed against the stage before it).
 */
type Out<B, M, K> = [K] extends [never]
  ? B
  : unknown extends K
    ? B
    : K extends HandlerName<M>
      ? HandlerOutput<M, K>
      : never;

/** Handlers of `M` that take `I`. */
type Accepting<M, I> = {
  [K in HandlerName<M>]: [I] extends [HandlerInput<M, K>] ? K : never;
}[HandlerName<M>];

/** `false` when thread stage `K` of `M` does not take `I`. */
type Fits<I, M, K> = [K] extends [never]
  ? true
  : K extends HandlerName<M>
    ? [I] extends [HandlerInput<M, K>]
      ? true
      : false
    : false;

/** What `pipeline` returns when a thread stage does not take the items before it. */
export interface StageInputMismatch {
  readonly 'a thread stage does not take the items of the stage before it': never;
}

type Checked<F, T> = false extends F ? StageInputMismatch : Pipeline<T>;

/** `pipeline(source, ...stages, options?)`. */
export interface PipelineFunction {
  // Longest first: TypeScript tries overloads in order and keeps the types it gave an
  // unannotated parameter on the first try, so a stage must first be tried as a stage,
  // not as the `options` of a shorter overload.
  <
    A,
    B1,
    M1,
    K1 extends Accepting<M1, A>,
    B2,
    M2,
    K2 extends HandlerName<M2>,
    B3,
    M3,
    K3 extends HandlerName<M3>,
    B4,
    M4,
    K4 extends HandlerName<M4>,
    B5,
    M5,
    K5 extends HandlerName<M5>,
    B6,
    M6,
    K6 extends HandlerName<M6>,
    B7,
    M7,
    K7 extends HandlerName<M7>,
    B8,
    M8,
    K8 extends HandlerName<M8>,
  >(
    source: Source<A>,
    s1: StageOf<A, B1> | ThreadStage<M1, K1>,
    s2: StageOf<Out<B1, M1, K1>, B2> | ThreadStage<M2, K2>,
    s3: StageOf<Out<B2, M2, K2>, B3> | ThreadStage<M3, K3>,
    s4: StageOf<Out<B3, M3, K3>, B4> | ThreadStage<M4, K4>,
    s5: StageOf<Out<B4, M4, K4>, B5> | ThreadStage<M5, K5>,
    s6: StageOf<Out<B5, M5, K5>, B6> | ThreadStage<M6, K6>,
    s7: StageOf<Out<B6, M6, K6>, B7> | ThreadStage<M7, K7>,
    s8: StageOf<Out<B7, M7, K7>, B8> | ThreadStage<M8, K8>,
    options?: PipelineOptions,
  ): Checked<
    | Fits<Out<B1, M1, K1>, M2, K2>
    | Fits<Out<B2, M2, K2>, M3, K3>
    | Fits<Out<B3, M3, K3>, M4, K4>
    | Fits<Out<B4, M4, K4>, M5, K5>
    | Fits<Out<B5, M5, K5>, M6, K6>
    | Fits<Out<B6, M6, K6>, M7, K7>
    | Fits<Out<B7, M7, K7>, M8, K8>,
    Out<B8, M8, K8>
  >;
  <
    A,
    B1,
    M1,
    K1 extends Accepting<M1, A>,
    B2,
    M2,
    K2 extends HandlerName<M2>,
    B3,
    M3,
    K3 extends HandlerName<M3>,
    B4,
    M4,
    K4 extends HandlerName<M4>,
    B5,
    M5,
    K5 extends HandlerName<M5>,
    B6,
    M6,
    K6 extends HandlerName<M6>,
    B7,
    M7,
    K7 extends HandlerName<M7>,
  >(
    source: Source<A>,
    s1: StageOf<A, B1> | ThreadStage<M1, K1>,
    s2: StageOf<Out<B1, M1, K1>, B2> | ThreadStage<M2, K2>,
    s3: StageOf<Out<B2, M2, K2>, B3> | ThreadStage<M3, K3>,
    s4: StageOf<Out<B3, M3, K3>, B4> | ThreadStage<M4, K4>,
    s5: StageOf<Out<B4, M4, K4>, B5> | ThreadStage<M5, K5>,
    s6: StageOf<Out<B5, M5, K5>, B6> | ThreadStage<M6, K6>,
    s7: StageOf<Out<B6, M6, K6>, B7> | ThreadStage<M7, K7>,
    options?: PipelineOptions,
  ): Checked<
    | Fits<Out<B1, M1, K1>, M2, K2>
    | Fits<Out<B2, M2, K2>, M3, K3>
    | Fits<Out<B3, M3, K3>, M4, K4>
    | Fits<Out<B4, M4, K4>, M5, K5>
    | Fits<Out<B5, M5, K5>, M6, K6>
    | Fits<Out<B6, M6, K6>, M7, K7>,
    Out<B7, M7, K7>
  >;
  <
    A,
    B1,
    M1,
    K1 extends Accepting<M1, A>,
    B2,
    M2,
    K2 extends HandlerName<M2>,
    B3,
    M3,
    K3 extends HandlerName<M3>,
    B4,
    M4,
    K4 extends HandlerName<M4>,
    B5,
    M5,
    K5 extends HandlerName<M5>,
    B6,
    M6,
    K6 extends HandlerName<M6>,
  >(
    source: Source<A>,
    s1: StageOf<A, B1> | ThreadStage<M1, K1>,
    s2: StageOf<Out<B1, M1, K1>, B2> | ThreadStage<M2, K2>,
    s3: StageOf<Out<B2, M2, K2>, B3> | ThreadStage<M3, K3>,
    s4: StageOf<Out<B3, M3, K3>, B4> | ThreadStage<M4, K4>,
    s5: StageOf<Out<B4, M4, K4>, B5> | ThreadStage<M5, K5>,
    s6: StageOf<Out<B5, M5, K5>, B6> | ThreadStage<M6, K6>,
    options?: PipelineOptions,
  ): Checked<
    | Fits<Out<B1, M1, K1>, M2, K2>
    | Fits<Out<B2, M2, K2>, M3, K3>
    | Fits<Out<B3, M3, K3>, M4, K4>
    | Fits<Out<B4, M4, K4>, M5, K5>
    | Fits<Out<B5, M5, K5>, M6, K6>,
    Out<B6, M6, K6>
  >;
  <
    A,
    B1,
    M1,
    K1 extends Accepting<M1, A>,
    B2,
    M2,
    K2 extends HandlerName<M2>,
    B3,
    M3,
    K3 extends HandlerName<M3>,
    B4,
    M4,
    K4 extends HandlerName<M4>,
    B5,
    M5,
    K5 extends HandlerName<M5>,
  >(
    source: Source<A>,
    s1: StageOf<A, B1> | ThreadStage<M1, K1>,
    s2: StageOf<Out<B1, M1, K1>, B2> | ThreadStage<M2, K2>,
    s3: StageOf<Out<B2, M2, K2>, B3> | ThreadStage<M3, K3>,
    s4: StageOf<Out<B3, M3, K3>, B4> | ThreadStage<M4, K4>,
    s5: StageOf<Out<B4, M4, K4>, B5> | ThreadStage<M5, K5>,
    options?: PipelineOptions,
  ): Checked<
    | Fits<Out<B1, M1, K1>, M2, K2>
    | Fits<Out<B2, M2, K2>, M3, K3>
    | Fits<Out<B3, M3, K3>, M4, K4>
    | Fits<Out<B4, M4, K4>, M5, K5>,
    Out<B5, M5, K5>
  >;
  <
    A,
    B1,
    M1,
    K1 extends Accepting<M1, A>,
    B2,
    M2,
    K2 extends HandlerName<M2>,
    B3,
    M3,
    K3 extends HandlerName<M3>,
    B4,
    M4,
    K4 extends HandlerName<M4>,
  >(
    source: Source<A>,
    s1: StageOf<A, B1> | ThreadStage<M1, K1>,
    s2: StageOf<Out<B1, M1, K1>, B2> | ThreadStage<M2, K2>,
    s3: StageOf<Out<B2, M2, K2>, B3> | ThreadStage<M3, K3>,
    s4: StageOf<Out<B3, M3, K3>, B4> | ThreadStage<M4, K4>,
    options?: PipelineOptions,
  ): Checked<
    Fits<Out<B1, M1, K1>, M2, K2> | Fits<Out<B2, M2, K2>, M3, K3> | Fits<Out<B3, M3, K3>, M4, K4>,
    Out<B4, M4, K4>
  >;
  <
    A,
    B1,
    M1,
    K1 extends Accepting<M1, A>,
    B2,
    M2,
    K2 extends HandlerName<M2>,
    B3,
    M3,
    K3 extends HandlerName<M3>,
  >(
    source: Source<A>,
    s1: StageOf<A, B1> | ThreadStage<M1, K1>,
    s2: StageOf<Out<B1, M1, K1>, B2> | ThreadStage<M2, K2>,
    s3: StageOf<Out<B2, M2, K2>, B3> | ThreadStage<M3, K3>,
    options?: PipelineOptions,
  ): Checked<Fits<Out<B1, M1, K1>, M2, K2> | Fits<Out<B2, M2, K2>, M3, K3>, Out<B3, M3, K3>>;
  <A, B1, M1, K1 extends Accepting<M1, A>, B2, M2, K2 extends HandlerName<M2>>(
    source: Source<A>,
    s1: StageOf<A, B1> | ThreadStage<M1, K1>,
    s2: StageOf<Out<B1, M1, K1>, B2> | ThreadStage<M2, K2>,
    options?: PipelineOptions,
  ): Checked<Fits<Out<B1, M1, K1>, M2, K2>, Out<B2, M2, K2>>;
  <A, B1, M1, K1 extends Accepting<M1, A>>(
    source: Source<A>,
    s1: StageOf<A, B1> | ThreadStage<M1, K1>,
    options?: PipelineOptions,
  ): Checked<true, Out<B1, M1, K1>>;
  /** No stage: the source itself, as a pipeline (an async iterable with `toStream()`). */
  <A>(source: Source<A>, options?: PipelineOptions): Pipeline<A>;
}
