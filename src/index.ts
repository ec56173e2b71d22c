export {
  ChannelClosedError,
  DataCloneError,
  JobMoveError,
  MissingPeerError,
  PoolClosedError,
  QueueFullError,
  TaskCancelledError,
  TaskDroppedError,
  TaskModuleError,
  TaskTimeoutError,
  UnknownHandlerError,
  WorkerCrashedError,
  WorkpoolError,
  type WorkpoolErrorCode,
} from './errors.js';
export type { TaskContext, TaskFunction } from './executors/inline.js';
export type { ThreadEvents } from './executors/thread/supervisor.js';
export { durationBuckets, type Percentiles } from './metrics/histogram.js';
export type {
  Counters,
  MetricsSnapshot,
  NameSnapshot,
  TimingSnapshot,
} from './metrics/pool-metrics.js';
export {
  type BatchOptions,
  batch,
  type DeadLetter,
  type ErrorPolicy,
  fanOut,
  filter,
  flatMap,
  type MapStageOptions,
  map,
  merge,
  type Pipeline,
  type PipelineOptions,
  type PoolStage,
  pipeline,
  type Source,
  type Stage,
  type StageContext,
  type StageFunction,
  type StageInputMismatch,
  type StageOptions,
  type StageTaskOptions,
  type ThreadStage,
} from './pipeline/index.js';
export type { CloseReport, MapOptions, PoolEvents, PoolStats } from './pool/base.js';
export { Pool, type PoolOptions, type ReturnOf, type YieldOf } from './pool/pool.js';
export type { TaskStream } from './pool/stream.js';
export type { StreamOptions } from './pool/stream-options.js';
export { Task } from './pool/task.js';
export type { ThreadPoolOptions } from './pool/thread-options.js';
export {
  type RunArgs,
  type StreamArgs,
  ThreadPool,
  type ThreadStreamOptions,
  type ThreadTaskOptions,
} from './pool/thread-pool.js';
export { type Clock, ManualClock, systemClock } from './scheduler/clock.js';
/** The typed emitter behind `pool.on` and `ThreadPool.threads`, for integrations' own events. */
export { Emitter } from './scheduler/events.js';
export type {
  Concurrency,
  Fairness,
  Overflow,
  SchedulerOptions,
  TaskOptions,
} from './scheduler/options.js';
export type { ProgressListener } from './scheduler/progress.js';
export type { RateLimit } from './scheduler/rate.js';
export type { RetryPolicy } from './scheduler/retry-policy.js';
export type { CloseOptions } from './scheduler/scheduler.js';
export {
  type AfterClock,
  type AfterOptions,
  after,
  Channel,
  type DefaultCase,
  ErrGroup,
  type ErrGroupOptions,
  type ErrGroupRun,
  type ReceiveCase,
  type ReceiveHandler,
  type ReceiveResult,
  type SelectCase,
  type Selected,
  Semaphore,
  type SendCase,
  type SendHandler,
  type SignalOptions,
  select,
  WaitGroup,
} from './sync/index.js';
export type {
  Handler,
  HandlerContext,
  HandlerInput,
  HandlerName,
  HandlerOutput,
  HandlersOf,
  RunName,
  StreamName,
  StreamReturn,
  StreamValue,
  Transferred,
} from './task.js';
export type { Outcome } from './types.js';
/** The option checks every normaliser uses (TypeError/RangeError naming the option), for integrations. */
export * as checks from './validate.js';
