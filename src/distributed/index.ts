/**
 * `workpool/distributed`: the pools past one machine, on BullMQ and Redis. bullmq and
 * ioredis are loaded only from here (optional peer dependencies of workpool).
 */
export type { WorkerAdvert } from './adverts.js';
export type { ClusterStats } from './cluster.js';
export { RedisConfigError, RedisUnavailableError } from './errors.js';
export type { DistributedMapOptions } from './map.js';
export type {
  Connection,
  DistributedTaskOptions,
  KeepJobs,
  RedisQueueOptions,
} from './options.js';
export { DistributedPool, type DistributedPoolOptions } from './pool.js';
export type { DistributedTask } from './task.js';
export type {
  DistributedPoolEvents,
  DistributedRunArgs,
  DistributedStats,
  JobCounts,
} from './types.js';
export { type DistributedWorker, startWorker, type WorkerOptions } from './worker.js';
