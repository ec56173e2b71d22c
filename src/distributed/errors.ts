/** Errors of the distributed mode; like the local ones, exported classes with `code` and `cause`. */
import { WorkpoolError } from '../index.js';

/** Redis did not answer within `readyTimeout` (at start), or went away for good. */
export class RedisUnavailableError extends WorkpoolError {
  /** Where workpool tried to connect (`host:port`). */
  readonly address: string;
  constructor(address: string, waitedMs: number, options?: ErrorOptions) {
    super(
      'ERR_REDIS_UNAVAILABLE',
      `Redis at ${address} did not become ready within ${waitedMs} ms${
        options?.cause instanceof Error ? ` (${options.cause.message})` : ''
      }`,
      options,
    );
    this.address = address;
  }
}

/**
 * Redis, or the queue's hosts, are set up in a way that can lose or hold back jobs:
 * eviction, an unhashed prefix on a Cluster, a host's `stalledInterval` unlike the
 * queue's other hosts'.
 */
export class RedisConfigError extends WorkpoolError {
  /** The setting at fault: `maxmemory-policy`, `prefix` or `stalledInterval`. */
  readonly setting: string;
  constructor(setting: string, message: string, options?: ErrorOptions) {
    super('ERR_REDIS_CONFIG', message, options);
    this.setting = setting;
  }
}

/** No lane of the queue has a job with this id (never added, removed, or expired). */
export class JobNotFoundError extends WorkpoolError {
  readonly jobId: string;
  constructor(jobId: string, options?: ErrorOptions) {
    super('ERR_JOB_NOT_FOUND', `No job ${JSON.stringify(jobId)} in the queue`, options);
    this.jobId = jobId;
  }
}

/** The job is in a state the action does not apply to (cancel an ended job, retry one that did not fail). */
export class JobStateError extends WorkpoolError {
  readonly jobId: string;
  readonly state: string;
  constructor(jobId: string, state: string, action: string, options?: ErrorOptions) {
    super(
      'ERR_JOB_STATE',
      `Job ${JSON.stringify(jobId)} is ${state}: it cannot ${action === 'retry' ? 'be retried (only a failed job can)' : 'be cancelled (it has ended)'}`,
      options,
    );
    this.jobId = jobId;
    this.state = state;
  }
}
