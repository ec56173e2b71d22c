/**
 * `workpool/distributed`: the pools past one machine, on BullMQ and Redis. bullmq and
 * ioredis are loaded only from here (optional peer dependencies of workpool).
 */
export {
  type ActionResult,
  ClusterAdmin,
  type ClusterAdminOptions,
  type ClusterRead,
  type JobSummary,
} from './admin.js';
export type { AdvertRecord, WorkerAdvert } from './adverts.js';
export { type ClusterStats, clusterStats } from './cluster.js';
export {
  JobNotFoundError,
  JobStateError,
  RedisConfigError,
  RedisUnavailableError,
} from './errors.js';
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
