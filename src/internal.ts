/**
 * The core's internals that the leaves built on it (the distributed mode, the server)
 * share: option checks and normalisers, the error codec of the thread boundary, the retry
 * policy, the latency histogram and the ring buffer. Not a package entry (not in `exports`): leaves import it by relative
 * path, so the public API (src/index.ts) stays what DESIGN.md names.
 */
export {
  reviveError,
  type SerializedError,
  serializeError,
} from './executors/thread/protocol.js';
export { DurationHistogram, type HistogramDump } from './metrics/histogram.js';
export { priorAttempts } from './pool/thread-pool.js';
export {
  type NormalizedTaskOptions,
  normalizeFairness,
  normalizeTaskOptions,
} from './scheduler/options.js';
export { type NormalizedRetry, retryDelay } from './scheduler/retry-policy.js';
/** The one growable FIFO ring (the server's failure list keeps its last entries in one). */
export { RingBuffer } from './sync/ring-buffer.js';
/** The option checks every normaliser uses (TypeError/RangeError naming the option). */
export * as checks from './validate.js';
