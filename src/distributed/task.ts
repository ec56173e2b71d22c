import type { Task } from '../index.js';

/**
 * A job accepted by a DistributedPool: the local `Task`, its `id` the BullMQ job id (the
 * `id` option, or a random UUID). `cancel()` removes a queued or delayed job from Redis, or
 * aborts a running one on the host that runs it (its thread is killed after `killGrace`);
 * `result` rejects with `TaskCancelledError` at once either way.
 */
export type DistributedTask<R> = Task<R, string>;
