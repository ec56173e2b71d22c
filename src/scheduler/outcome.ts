import {
  PoolClosedError,
  TaskCancelledError,
  TaskDroppedError,
  TaskTimeoutError,
} from '../errors.js';
import type { Outcome } from '../types.js';

/**
 * Pure: the one mapping from a settlement to its outcome (types.ts `Outcome`), used by the
 * scheduler for its tasks and by `Pool.map`'s fast path for its items, so both count alike.
 */
export function outcomeOf(ok: boolean, value: unknown): Outcome {
  if (ok) return 'completed';
  if (value instanceof TaskTimeoutError) return 'timedOut';
  if (value instanceof TaskDroppedError) return 'dropped';
  if (value instanceof TaskCancelledError || value instanceof PoolClosedError) return 'cancelled';
  return 'failed';
}
